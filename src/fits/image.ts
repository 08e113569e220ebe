/**
 * Pixel types of FITS images: BITPIX codes and the typed arrays that hold them.
 */
import { AlertflowError } from '../errors.js';

/**
 * FITS BITPIX values for images.
 *
 * @example
 * const b: Bitpix = -32;
 */
export type Bitpix = 8 | 16 | 32 | 64 | -32 | -64;

/**
 * Typed arrays that map one to one onto a BITPIX.
 *
 * @example
 * const px: FitsPixels = new Float32Array(900);
 */
export type FitsPixels = Uint8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

/**
 * BITPIX for a typed array.
 *
 * @example
 * bitpixOf(new Float32Array(4)) // -32
 */
export function bitpixOf(data: FitsPixels): Bitpix {
  if (data instanceof Float32Array) return -32;
  if (data instanceof Float64Array) return -64;
  if (data instanceof Uint8Array) return 8;
  if (data instanceof Int16Array) return 16;
  if (data instanceof Int32Array) return 32;
  if (data instanceof BigInt64Array) return 64;
  throw new AlertflowError('ERR_FITS', 'unsupported pixel array type');
}

/**
 * An empty typed array of the type BITPIX names.
 *
 * @example
 * pixelsFor(-32, 900) // Float32Array(900)
 */
export function pixelsFor(bitpix: number, length: number): FitsPixels {
  switch (bitpix) {
    case 8: return new Uint8Array(length);
    case 16: return new Int16Array(length);
    case 32: return new Int32Array(length);
    case 64: return new BigInt64Array(length);
    case -32: return new Float32Array(length);
    case -64: return new Float64Array(length);
    default: throw new AlertflowError('ERR_FITS', `invalid BITPIX ${bitpix}`, { bitpix });
  }
}

/**
 * Swaps the bytes of each element in place (host little-endian ↔ FITS big-endian).
 *
 * @example
 * swapEndian(Buffer.from([1, 2, 3, 4]), 4) // <04 03 02 01>
 */
export function swapEndian(buf: Buffer, width: number): Buffer {
  if (width === 2) return buf.swap16();
  if (width === 4) return buf.swap32();
  if (width === 8) return buf.swap64();
  return buf;
}
