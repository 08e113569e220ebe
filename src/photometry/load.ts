/**
 * Loads a 2-D image HDU (science, difference, variance or PSF image) from a
 * FITS file for photometry, with its TAN WCS when the header has one.
 *
 * The primary HDU goes through src/fits `readFits`. Image extensions
 * (`--hdu N`, or the first image extension when the primary HDU is empty, as
 * in Rubin calexps) are decoded here with a minimal walker until src/fits
 * reads extensions itself.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { AlertflowError } from '../errors.js';
import { FITS_BLOCK, headerValue, parseHeader, physicalPixels, readFits, tanWcsFromCards, type FitsCard, type TanWcs } from '../fits/index.js';

/**
 * A decoded image plane.
 *
 * @example
 * const { data, width, height, wcs } = loadImage('diff.fits');
 */
export interface LoadedImage {
  /** Physical pixel values (BSCALE/BZERO applied), row-major. */
  data: Float32Array | Float64Array;
  width: number;
  height: number;
  cards: FitsCard[];
  wcs?: TanWcs;
  /** The HDU the pixels came from (0 = primary). */
  hdu: number;
}

function num(cards: readonly FitsCard[], key: string, fallback?: number): number {
  const v = headerValue(cards, key);
  if (typeof v === 'number') return v;
  if (fallback !== undefined) return fallback;
  throw new AlertflowError('ERR_FITS', `FITS header lacks ${key}`, { key });
}

function axesOf(cards: readonly FitsCard[]): number[] {
  const n = num(cards, 'NAXIS');
  return Array.from({ length: n }, (_, i) => num(cards, `NAXIS${i + 1}`));
}

/** 2-D shape of an image HDU (trailing axes of length 1 allowed), or undefined if it is not one. */
function plane(axes: number[]): [number, number] | undefined {
  if (axes.length < 2 || axes.slice(2).some((n) => n !== 1) || axes[0] < 1 || axes[1] < 1) return undefined;
  return [axes[0], axes[1]];
}

/** Decodes big-endian extension data into physical doubles. */
function decodeExtension(b: Buffer, start: number, cards: FitsCard[], width: number, height: number): Float64Array {
  const bitpix = num(cards, 'BITPIX');
  const bscale = num(cards, 'BSCALE', 1);
  const bzero = num(cards, 'BZERO', 0);
  const n = width * height;
  const size = Math.abs(bitpix) / 8;
  if (start + n * size > b.length) throw new AlertflowError('ERR_FITS', 'FITS image extension is truncated', { expected: n * size, available: b.length - start });
  const view = new DataView(b.buffer, b.byteOffset + start, n * size);
  const out = new Float64Array(n);
  const read: (o: number) => number =
    bitpix === 8 ? (o) => view.getUint8(o)
    : bitpix === 16 ? (o) => view.getInt16(o)
    : bitpix === 32 ? (o) => view.getInt32(o)
    : bitpix === 64 ? (o) => Number(view.getBigInt64(o))
    : bitpix === -32 ? (o) => view.getFloat32(o)
    : bitpix === -64 ? (o) => view.getFloat64(o)
    : () => { throw new AlertflowError('ERR_FITS', `unsupported BITPIX ${bitpix}`); };
  for (let i = 0; i < n; i++) out[i] = bzero + bscale * read(i * size);
  return out;
}

/**
 * The image of HDU `hdu` (0 = primary), or of the first HDU holding a 2-D
 * image when `hdu` is omitted.
 *
 * @example
 * const img = readImageHdu(readFileSync('calexp.fits'), 1);
 */
export function readImageHdu(bytes: Uint8Array, hdu?: number): LoadedImage {
  let b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) b = gunzipSync(b);
  const primary = readFits(b);
  const finish = (data: Float32Array | Float64Array, cards: FitsCard[], shape: [number, number], index: number): LoadedImage => {
    const wcs = tanWcsFromCards(cards);
    return { data, width: shape[0], height: shape[1], cards, hdu: index, ...(wcs ? { wcs } : {}) };
  };
  const primaryShape = plane(primary.axes);
  if (hdu === 0 || (hdu === undefined && primaryShape)) {
    if (!primaryShape) throw new AlertflowError('ERR_FITS', `primary HDU is not a 2-D image (NAXIS = ${primary.axes.length})`, { axes: primary.axes });
    return finish(physicalPixels(primary), primary.cards, primaryShape, 0);
  }
  let offset = primary.end;
  for (let index = 1; offset + FITS_BLOCK <= b.length; index++) {
    const { cards, end } = parseHeader(b, offset);
    const axes = axesOf(cards);
    const count = num(cards, 'GCOUNT', 1) * (num(cards, 'PCOUNT', 0) + (axes.length ? axes.reduce((a, n) => a * n, 1) : 0));
    const bytesLen = (Math.abs(num(cards, 'BITPIX')) / 8) * count;
    const shape = plane(axes);
    const isImage = headerValue(cards, 'XTENSION') === 'IMAGE';
    if (index === hdu || (hdu === undefined && isImage && shape)) {
      if (!isImage || !shape) throw new AlertflowError('ERR_FITS', `HDU ${index} is not a 2-D image extension (XTENSION = ${String(headerValue(cards, 'XTENSION'))})`, { hdu: index });
      // The WCS comes from the extension's own header (astropy does not inherit it from the primary).
      return finish(decodeExtension(b, end, cards, shape[0], shape[1]), cards, shape, index);
    }
    offset = end + Math.ceil(bytesLen / FITS_BLOCK) * FITS_BLOCK;
  }
  throw new AlertflowError('ERR_FITS', hdu === undefined ? 'FITS file holds no 2-D image' : `FITS file has no HDU ${hdu}`, { hdu });
}

/**
 * Reads a FITS file and returns its image plane (see {@link readImageHdu}).
 * I/O failures are ERR_IO, malformed files ERR_FITS.
 *
 * @example
 * const diff = loadImage('/data/visit123/diff.fits.gz');
 */
export function loadImage(path: string, hdu?: number): LoadedImage {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new AlertflowError('ERR_IO', `cannot read image ${path}: ${(err as Error).message}`, { path }, { cause: err });
  }
  try {
    return readImageHdu(bytes, hdu);
  } catch (err) {
    if (err instanceof AlertflowError) {
      err.details.path ??= path;
      throw err;
    }
    throw new AlertflowError('ERR_FITS', `cannot decode ${path}: ${(err as Error).message}`, { path }, { cause: err });
  }
}
