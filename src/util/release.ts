/**
 * Resident memory (bytes) from which `release` frees arrays at once and `transferList`
 * hands buffers over instead of copying them. Both detach ArrayBuffers, and the first
 * buffer detached on a thread makes every typed-array access there slower from then on (see
 * src/util/wasm-memory.ts): the 143k run, with nothing detached, took 15.65 s against 16.60.
 * Below this the collector frees the arrays in its own time and messages copy: a 143k run
 * stays under 1.1 GB; at 1M papers (3.4 GB at the peak) the text stage is past it, and frees
 * its arrays as they are consumed.
 */
export const DETACH_FROM_BYTES = 1.5 * 2 ** 30;

/**
 * Buffers smaller than this in all are copied or left to the collector even then: it saves
 * next to nothing, and the thread's typed arrays stay fast (at 1M papers the ingest's
 * batches of text offsets, a few kilobytes each, were the first buffers detached).
 */
export const DETACH_LEAST_BYTES = 1 << 20;

let detachFrom = DETACH_FROM_BYTES;

/** Sets the resident memory from which buffers are detached (tests use 0: always). */
export function setDetachFrom(bytes: number): void {
  detachFrom = bytes;
}

/** Whether these buffers are worth detaching now: large enough, and memory tight. */
function detaching(buffers: readonly ArrayBuffer[]): boolean {
  if (detachFrom <= 0) return true;
  let bytes = 0;
  for (const b of buffers) bytes += b.byteLength;
  return bytes >= DETACH_LEAST_BYTES && process.memoryUsage.rss() >= detachFrom;
}

/**
 * Frees typed arrays' memory now rather than at the next full garbage collection, when they
 * are worth detaching (see transferList): their buffers are transferred (detached) into a
 * clone that nothing holds, which the next minor collection takes with its buffers. The
 * arrays are empty afterwards. For large arrays consumed part by part while something as
 * large is being written (the id rows while the matrix is filled): without it they all live
 * until a full collection, beside the output. Shared buffers are left alone (other threads
 * may hold them).
 */
export function release(arrays: Iterable<ArrayBufferView>): void {
  const list = transferList(Array.from(arrays, (a) => a.buffer));
  if (list.length > 0) structuredClone(list, { transfer: list });
}

/**
 * The transfer list for a message that carries these buffers (shared and empty ones left
 * out, each once): all of them when they are worth detaching (see DETACH_FROM_BYTES,
 * DETACH_LEAST_BYTES: no copy, the sender's arrays emptied), else none (the message copies
 * them).
 */
export function transferList(buffers: readonly ArrayBufferLike[]): ArrayBuffer[] {
  const own = buffers.filter((b): b is ArrayBuffer => b instanceof ArrayBuffer && b.byteLength > 0);
  const list = [...new Set(own)];
  return list.length > 0 && detaching(list) ? list : [];
}
