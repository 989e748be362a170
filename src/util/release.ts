/**
 * Frees typed arrays' memory now rather than at the next full garbage collection: their
 * buffers are transferred (detached) into a clone that nothing holds, which the next minor
 * collection takes with its buffers. The arrays are empty afterwards. For large arrays
 * consumed part by part while something as large is being written (the id rows while the
 * matrix is filled): without it they all live until a full collection, beside the output.
 * Shared buffers are left alone (other threads may hold them).
 */
export function release(arrays: Iterable<ArrayBufferView>): void {
  const buffers = new Set<ArrayBuffer>();
  for (const a of arrays) {
    if (a.buffer instanceof ArrayBuffer && a.buffer.byteLength > 0) buffers.add(a.buffer);
  }
  if (buffers.size === 0) return;
  const list = [...buffers];
  structuredClone(list, { transfer: list });
}
