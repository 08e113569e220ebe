/**
 * HATS partition pixels: integer arithmetic on NESTED HEALPix indices
 * (parents, children, order-29 intervals, `Dir=` folders, sort keys).
 * No sky geometry lives here; `_healpix_29` itself comes from `src/sky`.
 */
import { AlertflowError } from '../errors.js';

/** Deepest HEALPix order HATS uses for its spatial index column. */
export const HEALPIX_29 = 29;

/**
 * One partition cell: HEALPix order and NESTED pixel index at that order.
 *
 * @example
 * const p: HatsPixel = { order: 2, pixel: 176 };
 */
export interface HatsPixel {
  order: number;
  pixel: number;
}

/**
 * Number of pixels on the sky at `order` (12·4^order).
 *
 * @example
 * npixAt(1) // 48
 */
export function npixAt(order: number): number {
  checkOrder(order);
  return 12 * 4 ** order;
}

/**
 * The `Dir=` value of a pixel: ⌊n / 10000⌋ × 10000 (hats multiplies back).
 *
 * @example
 * dirOf(123456) // 120000
 */
export function dirOf(pixel: number): number {
  return Math.floor(pixel / 10000) * 10000;
}

/**
 * Half-open `_healpix_29` interval [lo, hi) covered by a pixel.
 *
 * @example
 * pixelInterval({ order: 0, pixel: 1 }) // [288230376151711744n, 576460752303423488n]
 */
export function pixelInterval(p: HatsPixel): [bigint, bigint] {
  checkPixel(p);
  const shift = BigInt(2 * (HEALPIX_29 - p.order));
  return [BigInt(p.pixel) << shift, BigInt(p.pixel + 1) << shift];
}

/**
 * Pixel at `order` containing the order-29 index `h29`.
 *
 * @example
 * pixelOf(1370628467894962607n, 2) // 4
 */
export function pixelOf(h29: bigint, order: number): number {
  checkOrder(order);
  return Number(h29 >> BigInt(2 * (HEALPIX_29 - order)));
}

/**
 * Parent of a cell one order up (order − 1).
 *
 * @example
 * parentOf({ order: 2, pixel: 176 }) // { order: 1, pixel: 44 }
 */
export function parentOf(p: HatsPixel): HatsPixel {
  if (p.order === 0) throw new AlertflowError('ERR_HATS', 'an order-0 pixel has no parent', { pixel: p });
  return { order: p.order - 1, pixel: Math.floor(p.pixel / 4) };
}

/**
 * Ancestor (or the cell itself) at a coarser `order`.
 *
 * @example
 * ancestorAt({ order: 2, pixel: 176 }, 0) // { order: 0, pixel: 11 }
 */
export function ancestorAt(p: HatsPixel, order: number): HatsPixel {
  if (order > p.order) throw new AlertflowError('ERR_HATS', `order ${order} is deeper than pixel order ${p.order}`);
  return { order, pixel: Math.floor(p.pixel / 4 ** (p.order - order)) };
}

/**
 * True when cell `a` contains cell `b` (or equals it).
 *
 * @example
 * contains({ order: 0, pixel: 11 }, { order: 2, pixel: 176 }) // true
 */
export function contains(a: HatsPixel, b: HatsPixel): boolean {
  return a.order <= b.order && Math.floor(b.pixel / 4 ** (b.order - a.order)) === a.pixel;
}

/**
 * Breadth-first sort key of partition_info.csv and `_metadata`: the first
 * order-29 index inside the pixel, ties broken by order (coarser first).
 *
 * @example
 * [{ order: 1, pixel: 47 }, { order: 0, pixel: 4 }].sort(compareBreadthFirst)
 */
export function compareBreadthFirst(a: HatsPixel, b: HatsPixel): number {
  const ka = pixelInterval(a)[0];
  const kb = pixelInterval(b)[0];
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.order - b.order;
}

/**
 * Path of a pixel's leaf relative to `dataset/`, without the suffix:
 * `Norder=k/Dir=d/Npix=n`.
 *
 * @example
 * leafStem({ order: 1, pixel: 44 }) // 'Norder=1/Dir=0/Npix=44'
 */
export function leafStem(p: HatsPixel): string {
  checkPixel(p);
  return `Norder=${p.order}/Dir=${dirOf(p.pixel)}/Npix=${p.pixel}`;
}

/**
 * Fraction of the sky covered by a set of cells: Σ 1/(12·4^k).
 *
 * @example
 * skyFraction([{ order: 0, pixel: 4 }]) // 0.0833…
 */
export function skyFraction(pixels: readonly HatsPixel[]): number {
  let f = 0;
  for (const p of pixels) f += 1 / npixAt(p.order);
  return f;
}

/**
 * Throws ERR_HATS when two cells overlap (one contains the other, or a duplicate):
 * hats refuses such a partition list.
 *
 * @example
 * assertDisjoint([{ order: 0, pixel: 4 }, { order: 1, pixel: 47 }]);
 */
export function assertDisjoint(pixels: readonly HatsPixel[]): void {
  const sorted = [...pixels].sort(compareBreadthFirst);
  let prevHi = -1n;
  let prev: HatsPixel | undefined;
  for (const p of sorted) {
    const [lo, hi] = pixelInterval(p);
    if (lo < prevHi) throw new AlertflowError('ERR_HATS', `partitions overlap: ${fmt(prev!)} and ${fmt(p)}`, { a: prev, b: p });
    prevHi = hi;
    prev = p;
  }
}

function fmt(p: HatsPixel): string {
  return `Norder=${p.order} Npix=${p.pixel}`;
}

function checkOrder(order: number): void {
  if (!Number.isInteger(order) || order < 0 || order > HEALPIX_29) throw new AlertflowError('ERR_HATS', `invalid HEALPix order ${order}`);
}

function checkPixel(p: HatsPixel): void {
  checkOrder(p.order);
  if (!Number.isInteger(p.pixel) || p.pixel < 0 || p.pixel >= npixAt(p.order)) {
    throw new AlertflowError('ERR_HATS', `invalid pixel ${p.pixel} at order ${p.order}`);
  }
}
