/**
 * HEALPix NESTED bookkeeping: orders, nside, pixel counts and areas, bit
 * interleaving of in-face coordinates, and moving indices between orders.
 * Order k has nside = 2^k and 12·4^k pixels (Górski et al. 2005).
 */
import { AlertflowError } from '../errors.js';

/** Deepest order supported (HATS `_healpix_29`); 12·4^29 − 1 still fits in int64. */
export const MAX_ORDER = 29;
/** Deepest order whose indices are all exact JS numbers (12·4^24 < 2^53). */
export const MAX_NUMBER_ORDER = 24;

/**
 * Throws ERR_HEALPIX unless `order` is an integer in [0, max].
 *
 * @example
 * checkOrder(10); // ok
 * checkOrder(30); // throws AlertflowError ERR_HEALPIX
 */
export function checkOrder(order: number, max: number = MAX_ORDER): void {
  if (!Number.isInteger(order) || order < 0 || order > max) {
    throw new AlertflowError('ERR_HEALPIX', `HEALPix order must be an integer in [0, ${max}], got ${order}`, { order, max });
  }
}

/**
 * nside = 2^order.
 *
 * @example
 * orderToNside(10) // 1024
 */
export function orderToNside(order: number): number {
  checkOrder(order);
  return 2 ** order;
}

/**
 * Order of a power-of-two nside; throws ERR_HEALPIX for anything else.
 *
 * @example
 * nsideToOrder(1024) // 10
 */
export function nsideToOrder(nside: number): number {
  const order = Math.log2(nside);
  if (!Number.isInteger(order) || order < 0 || order > MAX_ORDER) {
    throw new AlertflowError('ERR_HEALPIX', `nside must be a power of two in [1, 2^${MAX_ORDER}], got ${nside}`, { nside });
  }
  return order;
}

/**
 * Pixels at an order, 12·4^order (exact as a number at every order: it is 3·2^(2k+2)).
 *
 * @example
 * npix(0) // 12
 */
export function npix(order: number): number {
  checkOrder(order);
  return 12 * 4 ** order;
}

/**
 * Area of one pixel in steradians, 4π / npix.
 *
 * @example
 * pixelAreaSr(0) // π/3
 */
export function pixelAreaSr(order: number): number {
  return (4 * Math.PI) / npix(order);
}

/**
 * Area of one pixel in square degrees.
 *
 * @example
 * pixelAreaDeg2(0) // ≈ 3437.75
 */
export function pixelAreaDeg2(order: number): number {
  const deg = 180 / Math.PI;
  return pixelAreaSr(order) * deg * deg;
}

/**
 * Resolution in degrees: the square root of the pixel area (healpy `nside2resol`).
 *
 * @example
 * resolutionDeg(10) // ≈ 0.05725
 */
export function resolutionDeg(order: number): number {
  return Math.sqrt(pixelAreaDeg2(order));
}

/**
 * Upper bound in degrees of the angular distance from any pixel's centre to any
 * point of that pixel at `order` (valid for every pixel; slightly generous, it
 * is meant for pruning sky searches, not as a statistic).
 *
 * @example
 * maxPixelRadiusDeg(10) // ≈ 0.07 (healpy max_pixrad ≈ 0.0644)
 */
export function maxPixelRadiusDeg(order: number): number {
  checkOrder(order);
  // healpy's max_pixrad tends to ≈ 1.069 × 2^−order rad; 1.25 adds margin for the
  // curved polar edges, and order 0 is capped just above its true 0.8411 rad.
  const rad = Math.min(1.25 / 2 ** order, 0.9);
  return (rad * 180) / Math.PI;
}

/**
 * Spreads the low 16 bits of `v` to the even bits of a 32-bit word (magic-number masks).
 *
 * @example
 * spread16(0b11) // 0b0101
 */
export function spread16(v: number): number {
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v;
}

/**
 * Inverse of {@link spread16}: gathers the even bits of a 32-bit word.
 *
 * @example
 * compact16(0b0101) // 0b11
 */
export function compact16(v: number): number {
  v &= 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  v = (v | (v >>> 8)) & 0x0000ffff;
  return v;
}

/**
 * NESTED index (number, order ≤ 24) of base face `face` and in-face (x, y),
 * x in the even bits and y in the odd bits.
 *
 * @example
 * xyfToNest(2, 3, 1, 4) // 2·4^2 + 0b1011 = 43
 */
export function xyfToNest(order: number, x: number, y: number, face: number): number {
  const lo = (spread16(x & 0xffff) | (spread16(y & 0xffff) << 1)) >>> 0;
  const hi = spread16(x >>> 16) | (spread16(y >>> 16) << 1);
  return face * 4 ** order + hi * 4294967296 + lo;
}

/**
 * NESTED index as bigint at any order ≤ 29.
 *
 * @example
 * xyfToNestBig(29, 0, 0, 11) // 11n << 58n
 */
export function xyfToNestBig(order: number, x: number, y: number, face: number): bigint {
  if (order <= MAX_NUMBER_ORDER) return BigInt(xyfToNest(order, x, y, face));
  const lo = (spread16(x & 0xffff) | (spread16(y & 0xffff) << 1)) >>> 0;
  const hi = (spread16(x >>> 16) | (spread16(y >>> 16) << 1)) + face * 2 ** (2 * order - 32);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** In-face coordinates and base face of a NESTED index. */
export interface Xyf {
  x: number;
  y: number;
  face: number;
}

/**
 * Splits a NESTED index into base face and in-face (x, y); number or bigint input.
 * Throws ERR_HEALPIX for an index outside [0, npix).
 *
 * @example
 * nestToXyf(2, 43) // { x: 3, y: 1, face: 2 }
 */
export function nestToXyf(order: number, index: number | bigint): Xyf {
  checkOrder(order);
  let face: number;
  let hi: number;
  let lo: number;
  if (typeof index === 'bigint') {
    if (index < 0n || index >= BigInt(npix(order))) throw badIndex(order, index);
    const bits = BigInt(2 * order);
    face = Number(index >> bits);
    const rem = index - (BigInt(face) << bits);
    hi = Number(rem >> 32n);
    lo = Number(rem & 0xffffffffn);
  } else {
    if (!Number.isInteger(index) || index < 0 || index >= npix(order) || order > MAX_NUMBER_ORDER) throw badIndex(order, index);
    const per = 4 ** order;
    face = Math.floor(index / per);
    const rem = index - face * per;
    hi = Math.floor(rem / 4294967296);
    lo = rem >>> 0;
  }
  return {
    x: compact16(hi) * 65536 + compact16(lo),
    y: compact16(hi >>> 1) * 65536 + compact16(lo >>> 1),
    face,
  };
}

function badIndex(order: number, index: number | bigint): AlertflowError {
  return new AlertflowError('ERR_HEALPIX', `HEALPix index ${index} is not a pixel at order ${order}`, { order, index: String(index) });
}

/**
 * Index of the order-`toOrder` pixel containing pixel `index` of order `fromOrder`
 * (`index >> 2·(from − to)`); bigint in, bigint out. With the defaults this turns a
 * HATS `_healpix_29` value into its order-k pixel.
 *
 * @example
 * degradeBig(1370628467894962607n, 0) // 1n (ra = 5°, dec = 5°)
 */
export function degradeBig(index: bigint, toOrder: number, fromOrder: number = MAX_ORDER): bigint {
  checkOrder(toOrder, fromOrder);
  return index >> BigInt(2 * (fromOrder - toOrder));
}

/**
 * Number form of {@link degradeBig}; `index` must be an exact number (order ≤ 24,
 * or any value below 2^53).
 *
 * @example
 * degrade(4 * 5 + 3, 0, 1) // 5
 */
export function degrade(index: number, toOrder: number, fromOrder: number): number {
  checkOrder(toOrder, fromOrder);
  return Math.floor(index / 4 ** (fromOrder - toOrder));
}

/**
 * The half-open range of order-`toOrder` indices inside pixel (`order`, `index`):
 * [index·4^(to−order), (index+1)·4^(to−order)).
 *
 * @example
 * childRangeBig(0, 1n) // [1n << 58n, 2n << 58n]
 */
export function childRangeBig(order: number, index: bigint, toOrder: number = MAX_ORDER): [bigint, bigint] {
  checkOrder(order, toOrder);
  const s = BigInt(2 * (toOrder - order));
  return [index << s, (index + 1n) << s];
}
