/**
 * Reads FITS files: the primary HDU and every extension after it (FITS
 * Standard 4.0, sections 3–7). IMAGE extensions are decoded; other
 * extensions (tables, random groups) are listed with their raw data bytes so
 * that HDU indices stay true to the file. Gzip-compressed whole files are
 * recognised by their magic bytes and inflated.
 */
import { gunzipSync } from 'node:zlib';
import { AlertflowError } from '../errors.js';
import { FITS_BLOCK, headerValue, parseHeader, type FitsCard } from './header.js';
import { pixelsFor, swapEndian, type Bitpix, type FitsPixels } from './image.js';

/**
 * A decoded HDU. For `kind: 'PRIMARY' | 'IMAGE'` `data` holds the stored
 * pixels; for other extensions it holds the raw big-endian data bytes.
 *
 * @example
 * const { axes, data }: FitsImage = readFits(bytes);
 */
export interface FitsImage {
  cards: FitsCard[];
  bitpix: Bitpix;
  /** NAXIS1, NAXIS2, … (fastest axis first). */
  axes: number[];
  /** Raw stored values, host byte order; BSCALE/BZERO/BLANK are not applied (see {@link physicalPixels}). */
  data: FitsPixels;
  bscale: number;
  /** BZERO; a bigint only for the 64-bit unsigned offset 2^63, which a double cannot hold exactly. */
  bzero: number;
  /** BLANK (the stored value meaning "undefined") of an integer image, when the header has one. */
  blank?: number | bigint;
  /** Byte offset just past the padded data unit (where the next HDU starts). */
  end: number;
  /** Position of the HDU in the file, 0 for the primary. */
  index?: number;
  /** 'PRIMARY', or the XTENSION value ('IMAGE', 'BINTABLE', …). */
  kind?: string;
  /** EXTNAME, when present. */
  extname?: string;
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

/**
 * True for gzip magic bytes (1f 8b).
 *
 * @example
 * isGzip(readFileSync('stamp.fits.gz')) // true
 */
export function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** Plain FITS bytes as a Buffer, inflating gzip input. */
function plainBytes(bytes: Uint8Array): Buffer {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isGzip(b)) return b;
  try {
    return gunzipSync(b);
  } catch (e) {
    throw new AlertflowError('ERR_FITS', `cannot inflate gzip FITS: ${(e as Error).message}`, {}, { cause: e });
  }
}

function intValue(cards: FitsCard[], key: string, fallback?: number): number {
  const v = headerValue(cards, key);
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new AlertflowError('ERR_FITS', `FITS header lacks an integer ${key}`, { key });
  return v;
}

/** Decodes the HDU whose header starts at `offset`. */
function readHduAt(b: Buffer, offset: number, index: number): FitsImage {
  const first = b.toString('latin1', offset, offset + 10);
  if (index === 0 ? first !== 'SIMPLE  = ' : first !== 'XTENSION= ') {
    throw new AlertflowError('ERR_FITS', index === 0 ? 'not a FITS file (no SIMPLE card in a 2880-byte block)' : `HDU ${index} does not start with XTENSION`, { offset, length: b.length });
  }
  const { cards, end: dataStart } = parseHeader(b, offset);
  const bitpix = intValue(cards, 'BITPIX') as Bitpix;
  const naxis = intValue(cards, 'NAXIS');
  const axes: number[] = [];
  for (let i = 1; i <= naxis; i++) axes.push(intValue(cards, `NAXIS${i}`));
  const xt = headerValue(cards, 'XTENSION');
  const kind = index === 0 ? 'PRIMARY' : String(xt).trim();
  const groups = index === 0 && headerValue(cards, 'GROUPS') === true && axes[0] === 0;
  const image = (kind === 'PRIMARY' || kind === 'IMAGE') && !groups;
  // Data size (Standard 4.0 eqs. 1–2): |BITPIX|/8 × GCOUNT × (PCOUNT + NAXIS1×…×NAXISn).
  const product = naxis === 0 ? 0 : axes.reduce((a, n, i) => a * (groups && i === 0 ? 1 : n), 1);
  const pcount = image ? 0 : intValue(cards, 'PCOUNT', 0);
  const gcount = image ? 1 : intValue(cards, 'GCOUNT', 1);
  const width = Math.abs(bitpix) / 8;
  if (![8, 16, 32, 64, -32, -64].includes(bitpix)) throw new AlertflowError('ERR_FITS', `invalid BITPIX ${bitpix}`, { bitpix });
  const nbytes = width * gcount * (pcount + product);
  if (dataStart + nbytes > b.length) {
    throw new AlertflowError('ERR_FITS', 'FITS data unit is truncated', { hdu: index, expected: nbytes, available: Math.max(0, b.length - dataStart) });
  }
  let data: FitsPixels;
  if (image) {
    data = pixelsFor(bitpix, product);
    const host = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    b.copy(host, 0, dataStart, dataStart + nbytes);
    swapEndian(host, width);
  } else {
    data = Uint8Array.from(b.subarray(dataStart, dataStart + nbytes));
  }
  const bscale = headerValue(cards, 'BSCALE');
  const bzero = headerValue(cards, 'BZERO');
  const blank = headerValue(cards, 'BLANK');
  const extname = headerValue(cards, 'EXTNAME');
  const img: FitsImage = {
    cards,
    bitpix,
    axes,
    data,
    bscale: typeof bscale === 'number' ? bscale : 1,
    bzero: typeof bzero === 'number' ? bzero : typeof bzero === 'bigint' ? Number(bzero) : 0,
    end: dataStart + Math.ceil(nbytes / FITS_BLOCK) * FITS_BLOCK,
    index,
    kind,
  };
  if (bitpix > 0 && (typeof blank === 'number' || typeof blank === 'bigint')) img.blank = blank;
  if (typeof extname === 'string') img.extname = extname;
  return img;
}

/**
 * Decodes every HDU of FITS or gzip-compressed FITS bytes, in file order.
 * Trailing bytes that are not a whole header (zero padding some writers
 * leave) end the list.
 *
 * @example
 * const hdus = readFitsHdus(readFileSync('mef.fits'));
 * hdus.map((h) => h.extname) // [undefined, 'SCI', 'VAR']
 */
export function readFitsHdus(bytes: Uint8Array): FitsImage[] {
  const b = plainBytes(bytes);
  if (b.length < FITS_BLOCK) throw new AlertflowError('ERR_FITS', 'not a FITS file (shorter than one 2880-byte block)', { length: b.length });
  const hdus = [readHduAt(b, 0, 0)];
  for (let off = hdus[0]!.end; off + FITS_BLOCK <= b.length; off = hdus[hdus.length - 1]!.end) {
    if (b.toString('latin1', off, off + 9) !== 'XTENSION=') break;
    hdus.push(readHduAt(b, off, hdus.length));
  }
  return hdus;
}

/**
 * Picks one HDU: by index (0 = primary) or by EXTNAME (case-insensitive;
 * EXTVER picks among equal names, default the first).
 *
 * @example
 * const sci = selectHdu(readFitsHdus(bytes), 'SCI');
 */
export function selectHdu(hdus: readonly FitsImage[], which: number | string, extver?: number): FitsImage {
  if (typeof which === 'number') {
    const h = hdus[which];
    if (!h) throw new AlertflowError('ERR_FITS', `no HDU ${which} (the file has ${hdus.length})`, { hdu: which, count: hdus.length });
    return h;
  }
  const name = which.trim().toUpperCase();
  const h = hdus.find((x) => x.extname?.trim().toUpperCase() === name && (extver === undefined || intValue(x.cards, 'EXTVER', 1) === extver));
  if (!h) throw new AlertflowError('ERR_FITS', `no HDU with EXTNAME '${which}'`, { extname: which, names: hdus.map((x) => x.extname ?? null) });
  return h;
}

/**
 * Decodes one HDU (default the primary) of FITS or gzip-compressed FITS bytes.
 *
 * @example
 * const img = readFits(cutoutBytes);
 * img.axes // [30, 30]; img.data is a Float32Array for BITPIX -32
 * const sci = readFits(mefBytes, 'SCI');
 */
export function readFits(bytes: Uint8Array, hdu: number | string = 0): FitsImage {
  if (hdu === 0) return readHduAt(plainBytes(bytes), 0, 0);
  return selectHdu(readFitsHdus(bytes), hdu);
}

/**
 * Physical values `BZERO + BSCALE * stored` as doubles, with BLANK pixels of
 * integer images as NaN (the stored array itself when no scaling applies to a
 * float image).
 *
 * @example
 * physicalPixels(readFits(uint16Bytes)) // Float64Array with BZERO=32768 applied
 */
export function physicalPixels(img: FitsImage): Float64Array | Float32Array {
  if (img.bscale === 1 && img.bzero === 0 && (img.data instanceof Float32Array || img.data instanceof Float64Array)) return img.data;
  const out = new Float64Array(img.data.length);
  const blank = img.blank;
  const { bscale, bzero, data } = img;
  if (data instanceof BigInt64Array) {
    const bb = blank === undefined ? undefined : BigInt(blank);
    for (let i = 0; i < out.length; i++) out[i] = data[i] === bb ? NaN : bzero + bscale * Number(data[i]);
    return out;
  }
  const nb = blank === undefined ? NaN : Number(blank);
  for (let i = 0; i < out.length; i++) {
    const v = data[i] as number;
    out[i] = v === nb ? NaN : bzero + bscale * v;
  }
  return out;
}
