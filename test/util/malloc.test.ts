import { describe, expect, it } from "vitest";
import { hasMallocEnv, MALLOC_ENV, withMallocEnv } from "../../src/util/malloc.js";

describe("withMallocEnv", () => {
  it("adds the thresholds and the huge-page tunable, keeping the rest of the environment", () => {
    const env = withMallocEnv({ PATH: "/bin", MALLOC_MMAP_THRESHOLD_: "262144" });
    expect(env).toEqual({
      PATH: "/bin",
      MALLOC_MMAP_THRESHOLD_: String(4 << 20),
      MALLOC_TRIM_THRESHOLD_: String(16 << 20),
      GLIBC_TUNABLES: "glibc.malloc.hugetlb=1",
    });
    expect(hasMallocEnv(env)).toBe(true);
    expect(hasMallocEnv({ ...env, GLIBC_TUNABLES: undefined })).toBe(false);
    expect(hasMallocEnv({ PATH: "/bin" })).toBe(false);
  });

  it("keeps tunables already given, and a huge-page setting given there wins", () => {
    expect(withMallocEnv({ GLIBC_TUNABLES: "glibc.malloc.arena_max=2" }).GLIBC_TUNABLES).toBe(
      "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1",
    );
    const off = {
      ...MALLOC_ENV,
      GLIBC_TUNABLES: "glibc.malloc.hugetlb=0:glibc.malloc.tcache_count=0",
    };
    expect(withMallocEnv(off).GLIBC_TUNABLES).toBe(off.GLIBC_TUNABLES);
    expect(hasMallocEnv(off)).toBe(true);
    // a set-up that is already complete is not relaunched over and over
    expect(hasMallocEnv(withMallocEnv({ GLIBC_TUNABLES: ":glibc.malloc.arena_max=2" }))).toBe(true);
  });
});
