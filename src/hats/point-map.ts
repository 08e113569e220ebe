/**
 * HEALPix count maps as FITS binary tables (`point_map.fits`, `skymap.fits`),
 * laid out as HATS spec §7 describes: an empty primary HDU plus one BINTABLE
 * of big-endian int64 counts, dense (IMPLICIT) or, when most pixels are empty,
 * sparse (EXPLICIT PIXEL/VALUE pairs). src/fits writes images only, so this
 * minimal table writer lives here.
 */
import { AlertflowError } from '../errors.js';
import { encodeHeader, FITS_BLOCK, parseHeader, type FitsCard, type FitsValue } from '../fits/header.js';
import type { Histogram } from './partitioning.js';
import { npixAt } from './pixel.js';

/**
 * Encodes a count map (a sorted histogram). Sparse maps (more than half the
 * pixels zero) use the EXPLICIT scheme, as hats does, so an order-10 map of a
 * small field stays small.
 *
 * @example
 * const bytes = encodeHealpixMap({ order: 0, cells: Float64Array.of(4), counts: Float64Array.of(10) });
 */
export function encodeHealpixMap(h: Histogram): Buffer {
  const { order, cells, counts } = h;
  const npix = npixAt(order);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (!Number.isInteger(cell) || cell < 0 || cell >= npix || (i > 0 && cell <= cells[i - 1]!)) throw new AlertflowError('ERR_HATS', `map cell ${cell} is outside order ${order} or out of order`);
  }
  const explicit = cells.length * 2 < npix;
  const rows = explicit ? cells.length : npix;
  const width = explicit ? 16 : 8;
  const cards: FitsCard[] = [
    { key: 'XTENSION', value: 'BINTABLE' },
    { key: 'BITPIX', value: 8 },
    { key: 'NAXIS', value: 2 },
    { key: 'NAXIS1', value: width },
    { key: 'NAXIS2', value: rows },
    { key: 'PCOUNT', value: 0 },
    { key: 'GCOUNT', value: 1 },
    { key: 'TFIELDS', value: explicit ? 2 : 1 },
    ...(explicit
      ? [
          { key: 'TTYPE1', value: 'PIXEL' },
          { key: 'TFORM1', value: 'K' },
          { key: 'TTYPE2', value: 'VALUE' },
          { key: 'TFORM2', value: 'K' },
        ]
      : [
          { key: 'TTYPE1', value: 'VALUE' },
          { key: 'TFORM1', value: 'K' },
        ]),
    { key: 'PIXTYPE', value: 'HEALPIX' },
    { key: 'ORDERING', value: 'NESTED' },
    { key: 'COORDSYS', value: 'C' },
    { key: 'EXTNAME', value: 'xtension' },
    { key: 'NSIDE', value: 2 ** order },
    { key: 'FIRSTPIX', value: 0 },
    { key: 'LASTPIX', value: npix - 1 },
    { key: 'INDXSCHM', value: explicit ? 'EXPLICIT' : 'IMPLICIT' },
    ...(explicit ? [] : [{ key: 'OBJECT', value: 'FULLSKY' }]),
  ];
  const primary = encodeHeader([
    { key: 'SIMPLE', value: true },
    { key: 'BITPIX', value: 8 },
    { key: 'NAXIS', value: 0 },
    { key: 'EXTEND', value: true },
  ]);
  const dataBytes = rows * width;
  const data = Buffer.alloc(Math.ceil(dataBytes / FITS_BLOCK) * FITS_BLOCK);
  for (let i = 0; i < cells.length; i++) {
    if (explicit) {
      writeInt64BE(data, cells[i]!, i * 16);
      writeInt64BE(data, counts[i]!, i * 16 + 8);
    } else writeInt64BE(data, counts[i]!, cells[i]! * 8);
  }
  return Buffer.concat([primary, encodeHeader(cards), data]);
}

/** Non-negative integer < 2^53 as a big-endian int64, without BigInt. */
function writeInt64BE(buf: Buffer, v: number, at: number): void {
  buf.writeUInt32BE(Math.floor(v / 4294967296), at);
  buf.writeUInt32BE(v % 4294967296, at + 4);
}

/**
 * Reads a map written by {@link encodeHealpixMap} or by cdshealpix/hats
 * (IMPLICIT or EXPLICIT int64 counts in the first extension); zero cells are dropped.
 *
 * @example
 * const { order, cells, counts } = decodeHealpixMap(readFileSync('point_map.fits'));
 */
export function decodeHealpixMap(bytes: Uint8Array): Histogram {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const primary = parseHeader(buf, 0);
  const ext = parseHeader(buf, primary.end);
  const get = (key: string): FitsValue | undefined => ext.cards.find((c) => c.key === key)?.value;
  if (get('XTENSION') !== 'BINTABLE') throw new AlertflowError('ERR_HATS', 'HEALPix map has no BINTABLE extension');
  const width = Number(get('NAXIS1'));
  const rows = Number(get('NAXIS2'));
  const scheme = String(get('INDXSCHM') ?? 'IMPLICIT').toUpperCase();
  const nside = get('NSIDE');
  const order = nside !== undefined ? Math.round(Math.log2(Number(nside))) : Number(get('ORDER'));
  if (!Number.isInteger(order) || order < 0) throw new AlertflowError('ERR_HATS', 'HEALPix map lacks NSIDE/ORDER');
  const start = ext.end;
  if (buf.length < start + rows * width) throw new AlertflowError('ERR_HATS', 'HEALPix map data is truncated');
  const cells = new Float64Array(scheme === 'EXPLICIT' ? rows : Math.min(rows, 1 << 20));
  const counts = new Float64Array(cells.length);
  let n = 0;
  if (scheme === 'EXPLICIT') {
    if (width !== 16) throw new AlertflowError('ERR_HATS', `explicit HEALPix map rows must be 16 bytes (got ${width})`);
    let sorted = true;
    for (let i = 0; i < rows; i++) {
      const v = readInt64BE(buf, start + i * 16 + 8);
      if (v === 0) continue;
      cells[n] = readInt64BE(buf, start + i * 16);
      counts[n] = v;
      if (n > 0 && cells[n]! <= cells[n - 1]!) sorted = false;
      n++;
    }
    if (!sorted) return sortHistogram(order, cells.subarray(0, n), counts.subarray(0, n));
    return { order, cells: cells.slice(0, n), counts: counts.slice(0, n) };
  }
  if (width !== 8 || rows !== npixAt(order)) throw new AlertflowError('ERR_HATS', 'implicit HEALPix map must hold one int64 per pixel');
  let outCells = cells;
  let outCounts = counts;
  for (let i = 0; i < rows; i++) {
    const v = readInt64BE(buf, start + i * 8);
    if (v === 0) continue;
    if (n === outCells.length) {
      const c2 = new Float64Array(n * 2);
      c2.set(outCells);
      const n2 = new Float64Array(n * 2);
      n2.set(outCounts);
      outCells = c2;
      outCounts = n2;
    }
    outCells[n] = i;
    outCounts[n++] = v;
  }
  return { order, cells: outCells.slice(0, n), counts: outCounts.slice(0, n) };
}

/** Big-endian int64 known to be a non-negative integer < 2^53. */
function readInt64BE(buf: Buffer, at: number): number {
  return buf.readUInt32BE(at) * 4294967296 + buf.readUInt32BE(at + 4);
}

function sortHistogram(order: number, cells: Float64Array, counts: Float64Array): Histogram {
  const idx = Array.from(cells.keys()).sort((a, b) => cells[a]! - cells[b]!);
  return { order, cells: Float64Array.from(idx, (i) => cells[i]!), counts: Float64Array.from(idx, (i) => counts[i]!) };
}

/**
 * Sums a histogram down to a coarser order.
 *
 * @example
 * degradeHistogram({ order: 1, cells: Float64Array.of(16, 17), counts: Float64Array.of(2, 3) }, 0) // cells [4], counts [5]
 */
export function degradeHistogram(h: Histogram, to: number): Histogram {
  if (to > h.order) throw new AlertflowError('ERR_HATS', `cannot refine a map from order ${h.order} to ${to}`);
  const f = 4 ** (h.order - to);
  const cells: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < h.cells.length; i++) {
    const c = Math.floor(h.cells[i]! / f);
    if (cells.length && cells[cells.length - 1] === c) counts[counts.length - 1]! += h.counts[i]!;
    else {
      cells.push(c);
      counts.push(h.counts[i]!);
    }
  }
  return { order: to, cells: Float64Array.from(cells), counts: Float64Array.from(counts) };
}

/**
 * Cell-wise sum of two histograms of the same order.
 *
 * @example
 * addHistograms(a, b).counts
 */
export function addHistograms(a: Histogram, b: Histogram): Histogram {
  if (a.order !== b.order) throw new AlertflowError('ERR_HATS', `cannot add maps of orders ${a.order} and ${b.order}`);
  const cells = new Float64Array(a.cells.length + b.cells.length);
  const counts = new Float64Array(cells.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.cells.length || j < b.cells.length) {
    const ca = i < a.cells.length ? a.cells[i]! : Infinity;
    const cb = j < b.cells.length ? b.cells[j]! : Infinity;
    const c = Math.min(ca, cb);
    let k = 0;
    if (ca === c) k += a.counts[i++]!;
    if (cb === c) k += b.counts[j++]!;
    cells[n] = c;
    counts[n++] = k;
  }
  return { order: a.order, cells: cells.slice(0, n), counts: counts.slice(0, n) };
}
