import { describe, expect, it } from "vitest";
import { CSR_KERNELS_WASM } from "../../src/vectorize/csr-wasm-bytes.js";
import { PAGE, SizedInstances } from "../../src/util/wasm-memory.js";

describe("WebAssembly instances sized per call", () => {
  it("give a memory as large as asked for by making a new one, never growing (detaching) the last", () => {
    const instances = new SizedInstances<object>(CSR_KERNELS_WASM, PAGE);
    expect(instances.available()).toBe(true);
    const first = instances.withMemory(100);
    expect(first?.buffer.byteLength).toBe(PAGE);
    // room enough: the same instance and memory
    expect(instances.withMemory(PAGE)?.buffer).toBe(first?.buffer);
    const second = instances.withMemory(3 * PAGE + 1);
    expect(second?.buffer.byteLength).toBe(4 * PAGE);
    expect(second?.exports).not.toBe(first?.exports);
    // the first memory's buffer is whole (a grown memory's old buffer is detached: length 0)
    expect(first?.buffer.byteLength).toBe(PAGE);
    // at least double the last: a run of growing calls makes few memories
    expect(instances.withMemory(4 * PAGE + 1)?.buffer.byteLength).toBe(8 * PAGE);
  });

  it("say so where the module cannot be compiled", () => {
    const broken = new SizedInstances<object>(Buffer.from("not wasm").toString("base64"));
    expect(broken.available()).toBe(false);
    expect(broken.withMemory(100)).toBeNull();
  });
});
