/** Zero-copy views between Uint8Array and Buffer (avsc works on Buffers). */

/**
 * A Buffer over the same memory as `u8` (no copy).
 *
 * @example
 * const buf = asBuffer(new Uint8Array([1, 2]));
 */
export function asBuffer(u8: Uint8Array): Buffer {
  return Buffer.isBuffer(u8) ? u8 : Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

/**
 * A copy of `u8[start, end)` that owns its own ArrayBuffer, so it can be
 * transferred to a worker without detaching its neighbours.
 *
 * @example
 * const own = ownedCopy(block, 10, 90);
 */
export function ownedCopy(u8: Uint8Array, start = 0, end = u8.length): Uint8Array {
  const out = new Uint8Array(end - start);
  out.set(u8.subarray(start, end));
  return out;
}
