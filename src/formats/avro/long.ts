/**
 * Exact Avro longs: every `long` decodes to a JS `bigint`, so ids above 2^53
 * (diaSourceId, candid) never lose digits. Encoding accepts bigint, and numbers
 * when they are safe integers.
 */
import avro from 'avsc';

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;

function toBig(n: unknown): bigint {
  if (typeof n === 'bigint') return n;
  if (typeof n === 'number' && Number.isSafeInteger(n)) return BigInt(n);
  throw new TypeError(`not an exact long: ${String(n)}`);
}

/**
 * The avsc long type used by every schema alertflow builds. Pass it as
 * `registry.long` to `Type.forSchema` (see {@link typeFromSchemas}).
 *
 * @example
 * const t = avro.Type.forSchema('long', { registry: { long: bigintLongType } });
 * t.fromBuffer(t.toBuffer(2n ** 63n - 1n)); // 9223372036854775807n
 */
export const bigintLongType: avro.Type = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(0),
  toBuffer: (n: unknown) => {
    const buf = Buffer.allocUnsafe(8);
    buf.writeBigInt64LE(toBig(n), 0);
    return buf;
  },
  fromJSON: (v: unknown) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' ? BigInt(v) : toBig(v)),
  toJSON: (n: bigint) => (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString()),
  isValid: (n: unknown) =>
    (typeof n === 'bigint' && n >= MIN && n <= MAX) || (typeof n === 'number' && Number.isSafeInteger(n)),
  compare: (a: bigint | number, b: bigint | number) => {
    const x = toBig(a);
    const y = toBig(b);
    return x === y ? 0 : x < y ? -1 : 1;
  },
}) as unknown as avro.Type;
