/**
 * Zig-zag varints as plain numbers, for the structural parts of Avro data
 * (block counts, sizes, lengths, union indexes) where 2^53 is plenty.
 */
import { AlertflowError } from '../../errors.js';

/**
 * Reads a zig-zag varint at `pos`. Returns `[value, nextPos]`, or undefined
 * when the buffer ends inside the varint. Throws ERR_AVRO_DECODE on a varint
 * longer than 10 bytes (corrupt data).
 *
 * @example
 * readVarint(Buffer.from([0x02]), 0); // [1, 1]
 */
export function readVarint(buf: Uint8Array, pos: number): [number, number] | undefined {
  let n = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) return undefined;
    const b = buf[pos++]!;
    n += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return [n % 2 === 0 ? n / 2 : -(n + 1) / 2, pos];
    mul *= 128;
  }
  throw new AlertflowError('ERR_AVRO_DECODE', 'corrupt varint (longer than 10 bytes)', { offset: pos - 10 });
}

/**
 * Zig-zag varint bytes of an integer.
 *
 * @example
 * writeVarint(-1); // <Buffer 01>
 */
export function writeVarint(value: number): Buffer {
  let n = value >= 0 ? value * 2 : -value * 2 - 1;
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  bytes.push(n);
  return Buffer.from(bytes);
}
