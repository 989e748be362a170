/**
 * WebAssembly instances whose memory is made at the size a call needs instead of grown.
 *
 * Growing a memory detaches its old ArrayBuffer, and the first ArrayBuffer detached on a
 * thread (a grown memory, a buffer in a postMessage transfer list, `release`) clears V8's
 * "array buffer detaching protector" on that thread for good: from then on optimised code
 * checks every typed-array access for a detached buffer. Measured on the 143k run's
 * k-means embedding, Lloyd's later steps take 28 ms before the first detach and 40 ms after
 * it; the whole 143k run, with nothing detached, 16.60 → 15.65 s (bench/HISTORY.md). A
 * memory made larger is not grown: a new memory and instance replace the old ones, which
 * the collector takes (their pages are only backed once touched).
 */

/** What is used of the WebAssembly API (its types come with the DOM library, not Node's). */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
}

export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

export const PAGE = 65536;

export function wasmApi(): WasmApi {
  return (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
}

/**
 * A module whose memory is imported as env.memory (the modules of scripts/wasm-kernels.js),
 * instantiated on this thread with a memory of at least the bytes asked for.
 */
export class SizedInstances<E> {
  private module: object | null | undefined;
  private current: { exports: E; memory: WasmMemory } | null = null;

  constructor(
    private readonly base64: string,
    /** the smallest memory made, in bytes */
    private readonly least = 1 << 20,
  ) {}

  /** Whether the module can be instantiated here (WebAssembly SIMD available). */
  available(): boolean {
    if (this.module === undefined) {
      try {
        const wasm = wasmApi();
        this.module = new wasm.Module(Buffer.from(this.base64, "base64"));
        // a first instance, so that a module this engine cannot run says so now
        this.current = this.instantiate(this.least);
      } catch {
        this.module = null;
      }
    }
    return this.module !== null;
  }

  /**
   * An instance whose memory has at least `bytes`, and that memory's buffer; null where
   * WebAssembly cannot run the module. Its memory's contents are kept only while the same
   * instance is returned.
   */
  withMemory(bytes: number): { exports: E; buffer: ArrayBuffer } | null {
    if (!this.available()) return null;
    let cur = this.current;
    if (!cur || cur.memory.buffer.byteLength < bytes) {
      // at least double: a run of growing calls makes few memories
      const have = cur ? cur.memory.buffer.byteLength : 0;
      cur = this.current = this.instantiate(Math.max(bytes, 2 * have, this.least));
    }
    return { exports: cur.exports, buffer: cur.memory.buffer };
  }

  private instantiate(bytes: number): { exports: E; memory: WasmMemory } {
    const wasm = wasmApi();
    const memory = new wasm.Memory({ initial: Math.ceil(bytes / PAGE) });
    const instance = new wasm.Instance(this.module as object, { env: { memory } });
    return { exports: instance.exports as E, memory };
  }
}
