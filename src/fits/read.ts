/**
 * Reads the primary HDU of a FITS file: header cards and image pixels.
 * Gzip-compressed input is recognised by its magic bytes and inflated.
 */
import { gunzipSync } from 'node:zlib';
import { AlertflowError } from '../errors.js';
import { FITS_BLOCK, headerValue, parseHeader, type FitsCard } from './header.js';
import { pixelsFor, swapEndian, type Bitpix, type FitsPixels } from './image.js';

/**
 * A decoded primary HDU.
 *
 * @example
 * const { axes, data }: FitsImage = readFits(bytes);
 */
export interface FitsImage {
  cards: FitsCard[];
  bitpix: Bitpix;
  /** NAXIS1, NAXIS2, … (fastest axis first). */
  axes: number[];
  /** Raw stored values, host byte order; BSCALE/BZERO are not applied (see {@link physicalPixels}). */
  data: FitsPixels;
  bscale: number;
  bzero: number;
  /** Byte offset just past the padded data unit (where an extension would start). */
  end: number;
}

/**
 * True when the bytes start like a FITS file (plain or gzip-compressed FITS
 * cannot be told apart without inflating, so gzip returns true only if the
 * inflated bytes start with `SIMPLE  =`).
 *
 * @example
 * isFits(bytes) // true for a .fits or .fits.gz buffer
 */
export function isFits(bytes: Uint8Array): boolean {
  let b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isGzip(b)) {
    try {
      b = gunzipSync(b, { finishFlush: 2 /* Z_SYNC_FLUSH: tolerate reading only the start */ });
    } catch {
      return false;
    }
  }
  return b.length >= 30 && b.toString('latin1', 0, 9) === 'SIMPLE  =' && b.toString('latin1', 29, 30) === 'T';
}

function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

function intValue(cards: FitsCard[], key: string): number {
  const v = headerValue(cards, key);
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new AlertflowError('ERR_FITS', `FITS header lacks an integer ${key}`, { key });
  return v;
}

/**
 * Decodes the primary HDU (header and pixels) of FITS or gzip-compressed FITS bytes.
 *
 * @example
 * const img = readFits(cutoutBytes);
 * img.axes // [30, 30]; img.data is a Float32Array for BITPIX -32
 */
export function readFits(bytes: Uint8Array): FitsImage {
  let b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isGzip(b)) {
    try {
      b = gunzipSync(b);
    } catch (e) {
      throw new AlertflowError('ERR_FITS', `cannot inflate gzip FITS: ${(e as Error).message}`, {}, { cause: e });
    }
  }
  if (b.length < FITS_BLOCK || b.toString('latin1', 0, 9) !== 'SIMPLE  =') {
    throw new AlertflowError('ERR_FITS', 'not a FITS file (no SIMPLE card in a 2880-byte block)', { length: b.length });
  }
  const { cards, end: dataStart } = parseHeader(b, 0);
  const bitpix = intValue(cards, 'BITPIX') as Bitpix;
  const naxis = intValue(cards, 'NAXIS');
  const axes: number[] = [];
  for (let i = 1; i <= naxis; i++) axes.push(intValue(cards, `NAXIS${i}`));
  const length = naxis === 0 ? 0 : axes.reduce((a, n) => a * n, 1);
  const data = pixelsFor(bitpix, length);
  const width = data.BYTES_PER_ELEMENT;
  const nbytes = length * width;
  if (dataStart + nbytes > b.length) {
    throw new AlertflowError('ERR_FITS', 'FITS data unit is truncated', { expected: nbytes, available: Math.max(0, b.length - dataStart) });
  }
  const host = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  b.copy(host, 0, dataStart, dataStart + nbytes);
  swapEndian(host, width);
  const bscale = headerValue(cards, 'BSCALE');
  const bzero = headerValue(cards, 'BZERO');
  return {
    cards,
    bitpix,
    axes,
    data,
    bscale: typeof bscale === 'number' ? bscale : 1,
    bzero: typeof bzero === 'number' ? bzero : 0,
    end: dataStart + Math.ceil(nbytes / FITS_BLOCK) * FITS_BLOCK,
  };
}

/**
 * Physical values `BZERO + BSCALE * stored` as doubles (the stored array itself when no scaling applies to a float image).
 *
 * @example
 * physicalPixels(readFits(uint16Bytes)) // Float64Array with BZERO=32768 applied
 */
export function physicalPixels(img: FitsImage): Float64Array | Float32Array {
  if (img.bscale === 1 && img.bzero === 0 && (img.data instanceof Float32Array || img.data instanceof Float64Array)) return img.data;
  const out = new Float64Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = img.bzero + img.bscale * Number(img.data[i]);
  return out;
}
