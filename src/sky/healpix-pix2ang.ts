/**
 * HEALPix NESTED index → position: pixel centres (same arithmetic as healpy
 * `pix2ang(nest=True, lonlat=True)`), and any point of a pixel given in
 * fractional in-face coordinates (corners, edges) for geometry.
 *
 * Geometry (Górski et al. 2005): base face f has a ring offset R_f ∈ {2, 3, 4}
 * and a longitude offset P_f (in units of π/4). A point (fx, fy) ∈ [0, 1]² of
 * the face lies on the continuous ring coordinate r = R_f − fx − fy (0 = north
 * pole, 4 = south pole): for 1 ≤ r ≤ 3, z = (2 − r)·2/3 and φ = (P_f + fx − fy)·π/4;
 * in the caps z = ±(1 − ρ²/3) with ρ = r or 4 − r and φ = (P_f + (fx − fy)/ρ)·π/4.
 */
import { MAX_ORDER, checkOrder, nestToXyf } from './healpix-order.js';

/** Ring offset of each base face (in units of nside). */
export const FACE_RING = [2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4] as const;
/** Longitude offset of each base face (in units of π/4). */
export const FACE_PHI = [1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7] as const;

const HALF_PI = Math.PI / 2;
const RAD2DEG = 180 / Math.PI;

/**
 * Centre (ra, dec) in degrees of pixel `index` at `order` (number for order ≤ 24,
 * number or bigint at any order ≤ 29). ra is in [0, 360).
 *
 * @example
 * pix2ang(0, 4) // [0, 0]
 * pix2ang(29, 1370628467894962607n) // ≈ [5, 5]
 */
export function pix2ang(order: number, index: number | bigint): [number, number] {
  checkOrder(order, MAX_ORDER);
  const { x, y, face } = nestToXyf(order, index);
  const nside = 2 ** order;
  const npix = 12 * nside * nside;
  const fact2 = 4 / npix;
  const fact1 = 2 * nside * fact2;
  const nl4 = 4 * nside;
  const jr = FACE_RING[face]! * nside - x - y - 1;
  let nr: number;
  let z: number;
  let sth = NaN; // set near the poles, where acos(z) would lose precision
  let kshift: number;
  if (jr < nside) {
    nr = jr;
    const tmp = nr * nr * fact2;
    z = 1 - tmp;
    if (z > 0.99) sth = Math.sqrt(tmp * (2 - tmp));
    kshift = 0;
  } else if (jr > 3 * nside) {
    nr = nl4 - jr;
    const tmp = nr * nr * fact2;
    z = tmp - 1;
    if (z < -0.99) sth = Math.sqrt(tmp * (2 - tmp));
    kshift = 0;
  } else {
    nr = nside;
    z = (2 * nside - jr) * fact1;
    kshift = (jr - nside) & 1;
  }
  // Integer division truncating toward zero, as in the C++ reference.
  let jp = Math.trunc((FACE_PHI[face]! * nr + x - y + 1 + kshift) / 2);
  if (jp > nl4) jp -= nl4;
  if (jp < 1) jp += nl4;
  const phi = (jp - (kshift + 1) * 0.5) * (HALF_PI / nr);
  const theta = Number.isNaN(sth) ? Math.acos(z) : Math.atan2(sth, z);
  return [phi * RAD2DEG, 90 - theta * RAD2DEG];
}

/**
 * Unit vector of the point with fractional in-face coordinates (fx, fy) ∈ [0, 1]²
 * of base face `face` ((0, 0) is the face's south corner, (1, 1) its north corner).
 *
 * @example
 * facePointVector(4, 0.5, 0.5) // [1, 0, 0]
 */
export function facePointVector(face: number, fx: number, fy: number): [number, number, number] {
  const r = FACE_RING[face]! - fx - fy;
  let z: number;
  let phi: number;
  let sth: number;
  if (r < 1) {
    z = 1 - (r * r) / 3;
    sth = r * Math.sqrt((2 - (r * r) / 3) / 3); // sin θ = √(1 − z²), stable near the pole
    phi = r === 0 ? 0 : (FACE_PHI[face]! + (fx - fy) / r) * (Math.PI / 4);
  } else if (r > 3) {
    const rho = 4 - r;
    z = (rho * rho) / 3 - 1;
    sth = rho * Math.sqrt((2 - (rho * rho) / 3) / 3);
    phi = rho === 0 ? 0 : (FACE_PHI[face]! + (fx - fy) / rho) * (Math.PI / 4);
  } else {
    z = ((2 - r) * 2) / 3;
    sth = Math.sqrt((1 - z) * (1 + z));
    phi = (FACE_PHI[face]! + fx - fy) * (Math.PI / 4);
  }
  return [sth * Math.cos(phi), sth * Math.sin(phi), z];
}

/**
 * Unit vector of the point (u, v) ∈ [0, 1]² inside pixel `index` at `order`
 * ((0.5, 0.5) is the centre, (0, 0) the south corner, (1, 1) the north corner).
 *
 * @example
 * pixelPointVector(0, 4, 0.5, 0.5) // [1, 0, 0]
 */
export function pixelPointVector(order: number, index: number | bigint, u: number, v: number): [number, number, number] {
  const { x, y, face } = nestToXyf(order, index);
  const nside = 2 ** order;
  return facePointVector(face, (x + u) / nside, (y + v) / nside);
}

/**
 * The four corners of a pixel as (ra, dec) in degrees, in the order
 * south, east, north, west (healpy `boundaries(step=1)` uses N, W, S, E).
 *
 * @example
 * pixelCorners(0, 4) // [[0, -41.81…], [45, 0], [0, 41.81…], [315, 0]]
 */
export function pixelCorners(order: number, index: number | bigint): [number, number][] {
  const pts: [number, number][] = [];
  for (const [u, v] of [[0, 0], [1, 0], [1, 1], [0, 1]] as const) {
    const [px, py, pz] = pixelPointVector(order, index, u, v);
    let ra = Math.atan2(py, px) * RAD2DEG;
    if (ra < 0) ra += 360;
    if (ra >= 360) ra -= 360;
    pts.push([ra, Math.atan2(pz, Math.hypot(px, py)) * RAD2DEG]);
  }
  return pts;
}
