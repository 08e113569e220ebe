/**
 * Disc (cone) queries: the NESTED pixels at `order` whose area overlaps a disc.
 *
 * Semantics: **exact overlap** — a pixel is returned iff some point of it (its
 * interior or boundary) lies within `radius` of the centre, up to floating-point
 * resolution (~1e−12 rad). This is a subset of healpy `query_disc(inclusive=True)`
 * (which may add pixels that only come near the disc) and a superset of
 * `inclusive=False` (pixels whose centre is inside).
 *
 * Method: walk the NESTED tree from the 12 base pixels, dropping a pixel when
 * the disc cannot reach it (centre distance > r + pixel radius bound), taking
 * all its descendants when it lies inside (distance + bound ≤ r), otherwise
 * splitting. At the target order a pixel overlaps iff it contains the disc
 * centre or one of its four edges comes within r; the edges are straight lines
 * in the HEALPix projection plane, so the closest point is found by sampling the
 * edge and refining with a golden-section search.
 */
import { AlertflowError } from '../errors.js';
import { ang2pix } from './healpix-ang2pix.js';
import { MAX_NUMBER_ORDER, checkOrder, maxPixelRadiusDeg, nestToXyf } from './healpix-order.js';
import { facePointVector } from './healpix-pix2ang.js';
import { radecToVector, vectorSeparationDeg, type Vec3 } from './vector.js';

const DEG2RAD = Math.PI / 180;

/** Options of {@link queryDisc}. */
export interface DiscOptions {
  /** Refuse (ERR_HEALPIX) to list more pixels than this; default 10,000,000. */
  maxPixels?: number;
}

function sepRad(a: Vec3, b: Vec3): number {
  return vectorSeparationDeg(a, b) * DEG2RAD;
}

/** Smallest angle (rad) from `c` to the edge (fx0, fy0) → (fx1, fy1) of base face `face`. */
function edgeDistance(c: Vec3, face: number, fx0: number, fy0: number, fx1: number, fy1: number): number {
  const at = (t: number): number => sepRad(c, facePointVector(face, fx0 + (fx1 - fx0) * t, fy0 + (fy1 - fy0) * t));
  const N = 8;
  let best = 0;
  let bestD = Infinity;
  for (let k = 0; k <= N; k++) {
    const d = at(k / N);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  // Golden-section search in the bracket around the best sample.
  let a = Math.max(0, (best - 1) / N);
  let b = Math.min(1, (best + 1) / N);
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = b - g * (b - a);
  let x2 = a + g * (b - a);
  let f1 = at(x1);
  let f2 = at(x2);
  for (let it = 0; it < 60 && b - a > 1e-15; it++) {
    if (f1 < f2) {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - g * (b - a);
      f1 = at(x1);
    } else {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + g * (b - a);
      f2 = at(x2);
    }
  }
  return Math.min(bestD, f1, f2);
}

/** True if pixel `index` at `order` overlaps the disc (target-order test). */
function overlaps(order: number, index: number, c: Vec3, r: number, centrePixel: number): boolean {
  if (index === centrePixel) return true;
  const { x, y, face } = nestToXyf(order, index);
  const n = 2 ** order;
  const x0 = x / n;
  const y0 = y / n;
  const x1 = (x + 1) / n;
  const y1 = (y + 1) / n;
  return (
    edgeDistance(c, face, x0, y0, x1, y0) <= r ||
    edgeDistance(c, face, x1, y0, x1, y1) <= r ||
    edgeDistance(c, face, x1, y1, x0, y1) <= r ||
    edgeDistance(c, face, x0, y1, x0, y0) <= r
  );
}

/**
 * Sorted, merged half-open ranges [start, end) of the NESTED pixels at `order` ≤ 24
 * that overlap the disc of `radiusDeg` around (ra, dec). Cheap even for large discs
 * (whole subtrees inside the disc become one range).
 *
 * @example
 * queryDiscRanges(10, 10, 20, 0.1) // [[start, end), …]
 */
export function queryDiscRanges(order: number, ra: number, dec: number, radiusDeg: number): [number, number][] {
  checkOrder(order, MAX_NUMBER_ORDER);
  if (!(radiusDeg >= 0) || !Number.isFinite(radiusDeg)) {
    throw new AlertflowError('ERR_HEALPIX', `disc radius must be a finite number ≥ 0, got ${radiusDeg}`, { radiusDeg });
  }
  const centrePixel = ang2pix(order, ra, dec); // also validates ra/dec
  const c = radecToVector(ra, dec);
  const r = Math.min(radiusDeg, 180) * DEG2RAD;
  const ranges: [number, number][] = [];
  const add = (start: number, end: number): void => {
    const last = ranges[ranges.length - 1];
    if (last && last[1] === start) last[1] = end;
    else ranges.push([start, end]);
  };
  const visit = (k: number, idx: number): void => {
    const { x, y, face } = nestToXyf(k, idx);
    const n = 2 ** k;
    const centre = facePointVector(face, (x + 0.5) / n, (y + 0.5) / n);
    const d = sepRad(c, centre);
    const bound = maxPixelRadiusDeg(k) * DEG2RAD;
    if (d > r + bound) return;
    const span = 4 ** (order - k);
    if (k === order) {
      if (overlaps(order, idx, c, r, centrePixel)) add(idx, idx + 1);
      return;
    }
    if (d + bound <= r) {
      add(idx * span, (idx + 1) * span);
      return;
    }
    for (let child = 0; child < 4; child++) visit(k + 1, idx * 4 + child);
  };
  for (let f = 0; f < 12; f++) visit(0, f);
  return ranges;
}

/**
 * Sorted NESTED pixels at `order` ≤ 24 that overlap the disc of `radiusDeg` around
 * (ra, dec) (exact overlap, see the module notes). Throws ERR_HEALPIX when the
 * answer would exceed `maxPixels`; use {@link queryDiscRanges} for large discs.
 *
 * @example
 * queryDisc(8, 45, 30, 0.5) // [ …sorted pixel indices ]
 */
export function queryDisc(order: number, ra: number, dec: number, radiusDeg: number, options: DiscOptions = {}): number[] {
  const max = options.maxPixels ?? 10_000_000;
  const ranges = queryDiscRanges(order, ra, dec, radiusDeg);
  const count = ranges.reduce((s, [a, b]) => s + (b - a), 0);
  if (count > max) {
    throw new AlertflowError('ERR_HEALPIX', `disc covers ${count} pixels at order ${order}, more than maxPixels=${max}`, { count, maxPixels: max, order });
  }
  const out = new Array<number>(count);
  let o = 0;
  for (const [a, b] of ranges) for (let p = a; p < b; p++) out[o++] = p;
  return out;
}
