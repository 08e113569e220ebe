/**
 * Writes multi-HDU FITS files: a primary HDU followed by IMAGE extensions,
 * plain or gzip-compressed. Cards given by the caller keep their order,
 * comments and commentary (HISTORY, COMMENT, unknown keywords), so a file
 * read with {@link readFitsHdus} writes back with the same header.
 */
import { gzipSync } from 'node:zlib';
import { AlertflowError } from '../errors.js';
import { encodeHeader, FITS_BLOCK, type FitsCard, type FitsValue } from './header.js';
import { bitpixOf, swapEndian, type FitsPixels } from './image.js';
import { toStored, type OffsetPixels } from './scale.js';
import { primaryCards } from './write.js';

/**
 * One HDU to write. `data` holds stored values (or unsigned/signed-byte
 * arrays, stored through the standard BZERO offsets); omit it for an empty
 * primary. Structural cards in `cards` (SIMPLE, XTENSION, BITPIX, NAXISn,
 * EXTEND, PCOUNT, GCOUNT, END) are dropped and written afresh, so a read HDU
 * can be passed back as is.
 *
 * @example
 * const hdu: FitsHduInput = { data: new Uint16Array(100), axes: [10, 10], extname: 'SCI' };
 */
export interface FitsHduInput {
  data?: FitsPixels | OffsetPixels;
  axes?: readonly number[];
  cards?: readonly FitsCard[];
  /** Sets EXTNAME (replacing any in `cards`). */
  extname?: string;
  /** Sets BSCALE / BZERO for stored integer data (written only when not 1 / 0 or already in `cards`). */
  bscale?: number;
  bzero?: number | bigint;
  /** Sets BLANK (integer images only). */
  blank?: number | bigint;
  /** 'PRIMARY' or 'IMAGE' when passing back a read HDU; other kinds (tables) cannot be written. */
  kind?: string;
}

/**
 * Options of {@link writeFits}.
 *
 * @example
 * writeFits(hdus, { gzip: true, level: 9 })
 */
export interface WriteFitsOptions {
  /** Gzip the whole file (`.fits.gz`). */
  gzip?: boolean;
  /** Gzip level, 1–9 (default 6). */
  level?: number;
}

const STRUCTURAL = /^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|EXTEND|PCOUNT|GCOUNT|END)$/;

/** Replaces a keyword's value where it stands, or appends it. */
function setCard(cards: FitsCard[], key: string, value: FitsValue, comment?: string): void {
  const i = cards.findIndex((c) => c.key === key && c.value !== undefined);
  const old = cards[i]?.value;
  // An equal value keeps its card as written (a bigint 2^63 BZERO stays exact).
  if (i >= 0 && (typeof old === 'number' || typeof old === 'bigint') && (typeof value === 'number' || typeof value === 'bigint') && Number(old) === Number(value)) return;
  if (i >= 0) cards[i] = { ...cards[i]!, value };
  else cards.push(comment ? { key, value, comment } : { key, value });
}

function dataBytes(data: FitsPixels): Buffer {
  const width = data.BYTES_PER_ELEMENT;
  const out = Buffer.alloc(Math.ceil((data.length * width) / FITS_BLOCK) * FITS_BLOCK);
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, 0);
  swapEndian(out.subarray(0, data.byteLength), width);
  return out;
}

function encodeHdu(h: FitsHduInput, index: number, count: number): Buffer[] {
  if (h.kind !== undefined && h.kind !== 'PRIMARY' && h.kind !== 'IMAGE') throw new AlertflowError('ERR_FITS', `cannot write a ${h.kind} HDU (images only)`, { hdu: index });
  let data: FitsPixels | undefined;
  let bzero = h.bzero;
  if (h.data) {
    const offset = toStored(h.data);
    if (offset && h.bzero !== undefined && BigInt(h.bzero) !== BigInt(offset.bzero)) {
      throw new AlertflowError('ERR_FITS', `BZERO ${h.bzero} conflicts with the offset ${offset.bzero} of the unsigned input`);
    }
    data = offset ? offset.data : (h.data as FitsPixels);
    if (offset) bzero = offset.bzero;
  }
  const axes = h.axes ?? (data ? [data.length] : []);
  const length = axes.length === 0 ? 0 : axes.reduce((a, b) => a * b, 1);
  if ((data?.length ?? 0) !== length) throw new AlertflowError('ERR_FITS', `HDU ${index} has ${data?.length ?? 0} pixels, axes say ${length}`);
  const bitpix = data ? bitpixOf(data) : 8;
  const rest = (h.cards ?? []).filter((c) => !STRUCTURAL.test(c.key.toUpperCase()));
  const scaleCards = (key: string, value: number | bigint | undefined, neutral: number): void => {
    if (value === undefined) return;
    const present = rest.some((c) => c.key === key);
    if (present || Number(value) !== neutral) setCard(rest, key, value);
  };
  scaleCards('BSCALE', h.bscale, 1);
  scaleCards('BZERO', bzero, 0);
  if (h.blank !== undefined) {
    if (bitpix < 0) throw new AlertflowError('ERR_FITS', 'BLANK applies to integer images only (floats use NaN)');
    setCard(rest, 'BLANK', h.blank);
  }
  if (h.extname !== undefined) setCard(rest, 'EXTNAME', h.extname, 'extension name');
  let head: FitsCard[];
  if (index === 0) {
    head = primaryCards(bitpix, axes);
    // A read single-HDU file without EXTEND keeps it that way.
    const read = h.cards?.some((c) => c.key === 'SIMPLE');
    if (read && count === 1 && !h.cards!.some((c) => c.key === 'EXTEND')) head = head.filter((c) => c.key !== 'EXTEND');
  }
  else {
    head = primaryCards(bitpix, axes).filter((c) => c.key !== 'SIMPLE' && c.key !== 'EXTEND');
    head.unshift({ key: 'XTENSION', value: 'IMAGE', comment: 'image extension' });
    head.push({ key: 'PCOUNT', value: 0 }, { key: 'GCOUNT', value: 1 });
  }
  // A read HDU keeps its structural cards (text and comments) where their values still hold,
  // so a round trip leaves the header as it was.
  const given = new Map((h.cards ?? []).filter((c) => STRUCTURAL.test(c.key.toUpperCase())).map((c) => [c.key.toUpperCase(), c]));
  head = head.map((c) => {
    const g = given.get(c.key);
    if (!g) return c;
    if (g.value === c.value || (typeof g.value === 'string' && typeof c.value === 'string' && g.value.trim() === c.value.trim())) return g;
    const { comment: _drop, ...fresh } = c;
    return g.comment === undefined ? fresh : { ...fresh, comment: g.comment };
  });
  const header = encodeHeader([...head, ...rest]);
  return data && length > 0 ? [header, dataBytes(data)] : [header];
}

/**
 * Encodes HDUs (the first is the primary, the rest IMAGE extensions) as one
 * FITS file; gzip-compressed with `{ gzip: true }`.
 *
 * @example
 * const bytes = writeFits([{ cards: [{ key: 'OBJECT', value: 'M31' }] }, { data: sci, axes: [64, 64], extname: 'SCI' }]);
 * const again = writeFits(readFitsHdus(bytes)); // same bytes
 */
export function writeFits(hdus: readonly FitsHduInput[], opts: WriteFitsOptions = {}): Buffer {
  if (hdus.length === 0) throw new AlertflowError('ERR_FITS', 'a FITS file needs at least a primary HDU');
  const plain = Buffer.concat(hdus.flatMap((h, i) => encodeHdu(h, i, hdus.length)));
  return opts.gzip ? gzipSync(plain, { level: opts.level ?? 6 }) : plain;
}
