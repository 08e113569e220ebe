/**
 * Exact Avro longs: every `long` decodes to a JS `bigint`, so ids above 2^53
 * (diaSourceId, candid) never lose digits. Encoding accepts bigint, and numbers
 * when they are safe integers.
 *
 * avsc's long hook goes through an 8-byte Buffer per value, which dominated
 * decoding (an alert holds hundreds of longs); the zig-zag varint is read and
 * written here directly instead.
 */
import avro from 'avsc';
import type { AvscTap } from './avsc-tap.js';

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;
const SAFE_WRITE = 2 ** 52;

function toBig(n: unknown): bigint {
  if (typeof n === 'bigint') return n;
  if (typeof n === 'number' && Number.isSafeInteger(n)) return BigInt(n);
  throw new TypeError(`not an exact long: ${String(n)}`);
}

/** Reads one zig-zag varint long as a bigint. */
function readLong(tap: AvscTap): bigint {
  const buf = tap.buf;
  let pos = tap.pos;
  // Up to 7 bytes hold 49 bits, exact in a double: the common case, no BigInt arithmetic.
  let n = 0;
  let mul = 1;
  for (let i = 0; i < 7; i++) {
    const b = buf[pos++]!;
    n += (b & 0x7f) * mul;
    if (b < 0x80) {
      tap.pos = pos;
      return BigInt(n % 2 === 0 ? n / 2 : -(n + 1) / 2);
    }
    mul *= 128;
  }
  let z = BigInt(n);
  let shift = 49n;
  for (;;) {
    const b = buf[pos++];
    if (b === undefined) break; // truncated: pos past the end makes avsc report it
    z |= BigInt(b & 0x7f) << shift;
    if (b < 0x80 || shift >= 63n) break;
    shift += 7n;
  }
  tap.pos = pos;
  return (z >> 1n) ^ -(z & 1n);
}

/** Writes one long; beyond ±2^52 through BigInt arithmetic. */
function writeLong(tap: AvscTap, value: unknown): void {
  const big = toBig(value);
  if (big > -SAFE_WRITE && big < SAFE_WRITE) return tap.writeLong(Number(big));
  let z = big >= 0n ? big << 1n : ((-big) << 1n) - 1n;
  const buf = tap.buf;
  // Writes past the end are dropped by the typed array; avsc sees pos > length and retries with a larger buffer.
  while (z >= 0x80n) {
    buf[tap.pos++] = Number(z & 0x7fn) | 0x80;
    z >>= 7n;
  }
  buf[tap.pos++] = Number(z);
}

const hooked = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(0),
  toBuffer: (n: unknown) => {
    const buf = Buffer.allocUnsafe(8);
    buf.writeBigInt64LE(toBig(n), 0);
    return buf;
  },
  fromJSON: (v: unknown) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' ? BigInt(v) : toBig(v)),
  toJSON: (n: bigint) => (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString()),
  isValid: (n: unknown) => (typeof n === 'bigint' && n >= MIN && n <= MAX) || (typeof n === 'number' && Number.isSafeInteger(n)),
  compare: (a: bigint | number, b: bigint | number) => {
    const x = toBig(a);
    const y = toBig(b);
    return x === y ? 0 : x < y ? -1 : 1;
  },
});
// avsc freezes its types, so the fast codec lives on an object that inherits everything else.
const longType = Object.create(hooked, {
  _read: { value: readLong },
  _write: { value: (tap: AvscTap, v: unknown) => writeLong(tap, v) },
});

/**
 * The avsc long type used by every schema alertflow builds. Pass it as
 * `registry.long` to `Type.forSchema` (see {@link typeFromSchemas}).
 *
 * @example
 * const t = avro.Type.forSchema('long', { registry: { long: bigintLongType } });
 * t.fromBuffer(t.toBuffer(2n ** 63n - 1n)); // 9223372036854775807n
 */
export const bigintLongType: avro.Type = longType as unknown as avro.Type;
