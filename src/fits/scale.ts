/**
 * BSCALE/BZERO scaling (FITS Standard 4.0, section 4.4.2.5): physical value
 * = BZERO + BSCALE × stored. Unsigned integers are stored as signed ones with
 * the offsets of Table 11 (uint16 → int16 with BZERO = 32768, …).
 */
import { AlertflowError } from '../errors.js';
import { pixelsFor, type Bitpix, type FitsPixels } from './image.js';
import type { FitsImage } from './read.js';

/**
 * Typed arrays the writer accepts beyond the BITPIX types: they are stored
 * through the standard unsigned/signed offsets.
 *
 * @example
 * const px: OffsetPixels = new Uint16Array([0, 65535]);
 */
export type OffsetPixels = Uint16Array | Uint32Array | BigUint64Array | Int8Array;

/** The 64-bit unsigned offset 2^63, which only a bigint card value holds exactly. */
export const BZERO_U64 = 9223372036854775808n;

/**
 * Stored pixels and BZERO for an unsigned (or signed-byte) array, per the
 * standard offsets; `undefined` for the plain BITPIX types.
 *
 * @example
 * toStored(new Uint16Array([0, 65535])) // { data: Int16Array [-32768, 32767], bzero: 32768 }
 */
export function toStored(data: FitsPixels | OffsetPixels): { data: FitsPixels; bzero: number | bigint } | undefined {
  if (data instanceof Uint16Array) return { data: Int16Array.from(data, (v) => v - 32768), bzero: 32768 };
  if (data instanceof Uint32Array) return { data: Int32Array.from(data, (v) => v - 2147483648), bzero: 2147483648 };
  if (data instanceof Int8Array) return { data: Uint8Array.from(data, (v) => v + 128), bzero: -128 };
  if (data instanceof BigUint64Array) {
    const out = new BigInt64Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = BigInt.asIntN(64, data[i]! - BZERO_U64);
    return { data: out, bzero: BZERO_U64 };
  }
  return undefined;
}

/**
 * The exact unsigned (or signed-byte) pixels of an image stored with a
 * standard offset and BSCALE = 1, or undefined when it is not such an image.
 *
 * @example
 * unsignedPixels(readFits(uint16Bytes)) // Uint16Array
 */
export function unsignedPixels(img: FitsImage): OffsetPixels | undefined {
  if (img.bscale !== 1) return undefined;
  const d = img.data;
  if (d instanceof Int16Array && img.bzero === 32768) return Uint16Array.from(d, (v) => v + 32768);
  if (d instanceof Int32Array && img.bzero === 2147483648) return Uint32Array.from(d, (v) => v + 2147483648);
  if (d instanceof Uint8Array && img.bzero === -128) return Int8Array.from(d, (v) => v - 128);
  if (d instanceof BigInt64Array && img.bzero === Number(BZERO_U64)) {
    const out = new BigUint64Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = BigInt.asUintN(64, d[i]! + BZERO_U64);
    return out;
  }
  return undefined;
}

/**
 * Quantises physical values to stored integers: stored = round((v − BZERO) / BSCALE),
 * NaN → BLANK (required when the data hold NaN). Values outside the type's range throw.
 *
 * @example
 * const stored = quantize(Float64Array.from([1.5, NaN]), 16, { bscale: 0.5, bzero: 0, blank: -32768 }); // Int16Array [3, -32768]
 */
export function quantize(values: ArrayLike<number>, bitpix: Exclude<Bitpix, 64 | -32 | -64>, opts: { bscale: number; bzero: number; blank?: number }): FitsPixels {
  const out = pixelsFor(bitpix, values.length) as Uint8Array | Int16Array | Int32Array;
  const lo = bitpix === 8 ? 0 : bitpix === 16 ? -32768 : -2147483648;
  const hi = bitpix === 8 ? 255 : bitpix === 16 ? 32767 : 2147483647;
  if (!(opts.bscale !== 0 && Number.isFinite(opts.bscale))) throw new AlertflowError('ERR_FITS', `invalid BSCALE ${opts.bscale}`);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) {
      if (opts.blank === undefined) throw new AlertflowError('ERR_FITS', 'NaN in integer data needs a BLANK value', { index: i });
      out[i] = opts.blank;
      continue;
    }
    const s = Math.round((v - opts.bzero) / opts.bscale);
    if (!(s >= lo && s <= hi)) throw new AlertflowError('ERR_FITS', `value ${v} does not fit BITPIX ${bitpix} with this BSCALE/BZERO`, { index: i });
    out[i] = s;
  }
  return out;
}
