/**
 * Seeded test positions for the HEALPix oracle tests: random sky points plus the
 * hard cases (poles, ra = 0/360, asin(2/3), the equator, multiples of 45°,
 * pixel centres and pixel corners fed back).
 */
import { pixelCorners, pix2ang } from '../../src/sky/healpix-pix2ang.js';

/**
 * splitmix32-based doubles in [0, 1) with all 53 bits random. (32-bit values
 * alone would put ra on a grid of 360/2^32 degrees, which is aligned with the
 * order-29 pixel edges and so not random at all for HEALPix.)
 */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  return () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
}

/** A labelled group of positions. */
export interface PointSet {
  name: string;
  ra: number[];
  dec: number[];
}

const RAD2DEG = 180 / Math.PI;

/** Uniform on the sphere. */
export function randomPoints(n: number, seed: number): PointSet {
  const r = rng(seed);
  const ra: number[] = [];
  const dec: number[] = [];
  for (let i = 0; i < n; i++) {
    ra.push(r() * 360);
    dec.push(Math.asin(2 * r() - 1) * RAD2DEG);
  }
  return { name: 'random', ra, dec };
}

/** Random pixel index at `order` as a bigint. */
export function randomIndex(r: () => number, order: number): bigint {
  const npix = 12n * 4n ** BigInt(order);
  const hi = BigInt(Math.floor(r() * 2 ** 32));
  const lo = BigInt(Math.floor(r() * 2 ** 32));
  // 64 random bits reduced mod npix: the bias (< 2^-4) does not matter for tests.
  return ((hi << 32n) | lo) % npix;
}

/** Poles, ra = 0/360, asin(2/3), equator, multiples of 45°, out-of-range ra. */
export function specialPoints(seed: number): PointSet {
  const r = rng(seed);
  const ra: number[] = [];
  const dec: number[] = [];
  const tl = Math.asin(2 / 3) * RAD2DEG;
  const decs = [90, -90, 0, -0, tl, -tl, 41.8103149, -41.8103149, 45, -45, 30, -30, 60, -60];
  for (const d of [tl, -tl, 90, -90, 0]) {
    let up = d;
    let down = d;
    for (let k = 0; k < 4; k++) {
      up = nextUp(up);
      down = nextDown(down);
      if (Math.abs(up) <= 90) decs.push(up);
      if (Math.abs(down) <= 90) decs.push(down);
    }
  }
  for (const e of [1e-12, 5e-13, 1e-13, 1e-14, 3e-12, 1e-10, 1e-9]) decs.push(90 - e, -90 + e);
  const ras = [0, 360, -0, nextDown(360), nextUp(0), -360, 720, -45, -1e-15, 1e-300];
  for (let k = 0; k <= 8; k++) ras.push(k * 45, nextUp(k * 45), k * 45 > 0 ? nextDown(k * 45) : 0);
  for (let k = 0; k < 4; k++) ras.push(k * 90 + 22.5, k * 90 + 67.5);
  for (const d of decs) {
    for (const a of ras) {
      ra.push(a);
      dec.push(d);
    }
    for (let k = 0; k < 40; k++) {
      ra.push(r() * 360);
      dec.push(d);
    }
  }
  for (const a of ras) {
    for (let k = 0; k < 40; k++) {
      ra.push(a);
      dec.push(Math.asin(2 * r() - 1) * RAD2DEG);
    }
  }
  return { name: 'special', ra, dec };
}

/** Centres of random pixels at every order 0..29 (pix2ang fed back). */
export function centrePoints(perOrder: number, seed: number): PointSet {
  const r = rng(seed);
  const ra: number[] = [];
  const dec: number[] = [];
  for (let order = 0; order <= 29; order++) {
    for (let k = 0; k < perOrder; k++) {
      const [a, d] = pix2ang(order, randomIndex(r, order));
      ra.push(a);
      dec.push(d);
    }
  }
  return { name: 'centres', ra, dec };
}

/** Corners of random pixels at the given orders: positions exactly on pixel edges. */
export function cornerPoints(perOrder: number, orders: number[], seed: number): PointSet {
  const r = rng(seed);
  const ra: number[] = [];
  const dec: number[] = [];
  for (const order of orders) {
    for (let k = 0; k < perOrder; k++) {
      for (const [a, d] of pixelCorners(order, randomIndex(r, order))) {
        ra.push(a);
        dec.push(Math.max(-90, Math.min(90, d)));
      }
    }
  }
  return { name: 'corners', ra, dec };
}

const F64 = new Float64Array(1);
const I64 = new BigInt64Array(F64.buffer);

/** Next double above x. */
export function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  F64[0] = x;
  I64[0] += x > 0 ? 1n : -1n;
  return F64[0];
}

/** Next double below x. */
export function nextDown(x: number): number {
  return -nextUp(-x);
}
