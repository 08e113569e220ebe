/**
 * Writes single-HDU FITS images (a primary HDU with an N-dimensional array).
 */
import { gzipSync } from 'node:zlib';
import { AlertflowError } from '../errors.js';
import { encodeHeader, FITS_BLOCK, type FitsCard } from './header.js';
import { bitpixOf, swapEndian, type FitsPixels } from './image.js';

/**
 * What {@link writeFitsImage} writes.
 *
 * @example
 * const input: FitsImageInput = { data: new Float32Array(900), axes: [30, 30] };
 */
export interface FitsImageInput {
  /** Pixels, fastest axis first (row-major for 2-D: index = y * width + x). */
  data: FitsPixels;
  /** NAXIS1, NAXIS2, …; their product must equal `data.length`. */
  axes: readonly number[];
  /** Extra cards after the mandatory ones (no SIMPLE/BITPIX/NAXISn/EXTEND/END). */
  cards?: readonly FitsCard[];
}

const RESERVED = /^(SIMPLE|BITPIX|NAXIS\d*|EXTEND|END)$/;

/**
 * Mandatory primary-HDU cards for an image of this type and shape.
 *
 * @example
 * primaryCards(-32, [30, 30]).map((c) => c.key) // ['SIMPLE','BITPIX','NAXIS','NAXIS1','NAXIS2','EXTEND']
 */
export function primaryCards(bitpix: number, axes: readonly number[]): FitsCard[] {
  const cards: FitsCard[] = [
    { key: 'SIMPLE', value: true, comment: 'conforms to FITS standard' },
    { key: 'BITPIX', value: bitpix, comment: 'array data type' },
    { key: 'NAXIS', value: axes.length, comment: 'number of array dimensions' },
  ];
  axes.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 0) throw new AlertflowError('ERR_FITS', `invalid NAXIS${i + 1} ${n}`);
    cards.push({ key: `NAXIS${i + 1}`, value: n });
  });
  cards.push({ key: 'EXTEND', value: true });
  return cards;
}

function checkCards(cards: readonly FitsCard[]): void {
  for (const c of cards) {
    if (RESERVED.test(c.key.toUpperCase())) throw new AlertflowError('ERR_FITS', `card ${c.key} is written by the writer itself`);
  }
}

/** Big-endian data bytes, zero-padded to whole blocks. */
function encodeData(data: FitsPixels): Buffer {
  const width = data.BYTES_PER_ELEMENT;
  const size = Math.ceil((data.length * width) / FITS_BLOCK) * FITS_BLOCK;
  const out = Buffer.alloc(size);
  const src = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  src.copy(out, 0);
  swapEndian(out.subarray(0, data.byteLength), width);
  return out;
}

/**
 * Encodes a primary-HDU image as FITS bytes.
 *
 * @example
 * const bytes = writeFitsImage({ data: new Float32Array(900), axes: [30, 30], cards: [{ key: 'BUNIT', value: 'nJy' }] });
 */
export function writeFitsImage(input: FitsImageInput): Buffer {
  return createFitsImageWriter(bitpixOf(input.data), input.axes, input.cards ?? [])(input.data);
}

/**
 * Builds the header once and returns a function that writes images of that
 * type and shape; the hot path for many stamps sharing one header.
 *
 * @example
 * const write = createFitsImageWriter(-32, [30, 30], wcsCards);
 * const diff = write(diffPixels), sci = write(sciPixels);
 */
export function createFitsImageWriter(bitpix: number, axes: readonly number[], cards: readonly FitsCard[] = []): (data: FitsPixels) => Buffer {
  checkCards(cards);
  const header = encodeHeader([...primaryCards(bitpix, axes), ...cards]);
  const length = axes.length === 0 ? 0 : axes.reduce((a, b) => a * b, 1);
  return (data) => {
    if (bitpixOf(data) !== bitpix) throw new AlertflowError('ERR_FITS', `pixel type does not match BITPIX ${bitpix}`);
    if (data.length !== length) throw new AlertflowError('ERR_FITS', `image has ${data.length} pixels, axes say ${length}`);
    return length === 0 ? Buffer.from(header) : Buffer.concat([header, encodeData(data)]);
  };
}

/**
 * Like {@link writeFitsImage}, gzip-compressed (`.fits.gz`, as ZTF stamps are).
 *
 * @example
 * const gz = writeFitsImageGz({ data: new Float32Array(4), axes: [2, 2] });
 */
export function writeFitsImageGz(input: FitsImageInput, level = 6): Buffer {
  return gzipSync(writeFitsImage(input), { level });
}
