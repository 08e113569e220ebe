/**
 * Small spherical-astronomy helpers for the simulator: sampling in a cap,
 * tangent-plane offsets and ICRS → ecliptic / galactic conversions.
 */
import type { Rng } from './prng.js';

const D2R = Math.PI / 180;
const R2D = 180 / Math.PI;
/** Mean obliquity of the ecliptic at J2000 (IAU 1980), degrees. */
const OBLIQUITY_J2000 = 23.4392911;
/** ICRS → galactic rotation (Hipparcos, ESA 1997 vol. 1 §1.5.3). */
const GAL = [
  [-0.0548755604162154, -0.873437090234885, -0.4838350155487132],
  [0.4941094278755837, -0.4448296299600112, 0.746982244497219],
  [-0.8676661490190047, -0.1980763734312015, 0.4559837761750669],
] as const;

/** Normalises an angle to [0, 360). @example wrap360(-10) // 350 */
export function wrap360(deg: number): number {
  const r = deg % 360;
  return r < 0 ? r + 360 : r;
}

/**
 * Moves (ra, dec) by offsets in arcseconds along east (dra·cos δ) and north.
 *
 * @example
 * offsetArcsec(53, -28, 1, 0) // ≈ [53.000315, -28]
 */
export function offsetArcsec(ra: number, dec: number, east: number, north: number): [number, number] {
  const d = Math.min(89.999999, Math.max(-89.999999, dec + north / 3600));
  return [wrap360(ra + east / 3600 / Math.cos(d * D2R)), d];
}

/**
 * A point uniform in area within `radiusDeg` of (ra, dec).
 *
 * @example
 * const [ra, dec] = randomInCap(rng, 53.1, -28.1, 3.5);
 */
export function randomInCap(rng: Rng, ra: number, dec: number, radiusDeg: number): [number, number] {
  const cosR = Math.cos(radiusDeg * D2R);
  const z = 1 - rng.float() * (1 - cosR); // cos of the distance from the centre
  const rho = Math.acos(z);
  const phi = rng.float() * 2 * Math.PI;
  return destination(ra, dec, rho * R2D, phi * R2D);
}

/**
 * The point `distDeg` from (ra, dec) at position angle `paDeg` (north through east).
 *
 * @example
 * destination(0, 0, 1, 90) // ≈ [1, 0]
 */
export function destination(ra: number, dec: number, distDeg: number, paDeg: number): [number, number] {
  const d0 = dec * D2R, r = distDeg * D2R, pa = paDeg * D2R;
  const sd = Math.sin(d0) * Math.cos(r) + Math.cos(d0) * Math.sin(r) * Math.cos(pa);
  const d = Math.asin(Math.max(-1, Math.min(1, sd)));
  const da = Math.atan2(Math.sin(pa) * Math.sin(r) * Math.cos(d0), Math.cos(r) - Math.sin(d0) * sd);
  return [wrap360(ra + da * R2D), d * R2D];
}

/**
 * Gnomonic offsets (degrees, east and north) of a point from a centre.
 *
 * @example
 * tangentOffset(53, -28, 53.1, -28) // ≈ [0.0883, 0.0012]
 */
export function tangentOffset(ra0: number, dec0: number, ra: number, dec: number): [number, number] {
  const d0 = dec0 * D2R, d = dec * D2R, da = (ra - ra0) * D2R;
  const den = Math.sin(d) * Math.sin(d0) + Math.cos(d) * Math.cos(d0) * Math.cos(da);
  return [((Math.cos(d) * Math.sin(da)) / den) * R2D, ((Math.sin(d) * Math.cos(d0) - Math.cos(d) * Math.sin(d0) * Math.cos(da)) / den) * R2D];
}

/**
 * ICRS (ra, dec) to mean ecliptic (λ, β) of J2000, degrees.
 *
 * @example
 * toEcliptic(90, 23.4392911) // ≈ [90, 0] (the ecliptic point at λ = 90°)
 */
export function toEcliptic(ra: number, dec: number): [number, number] {
  const a = ra * D2R, d = dec * D2R, e = OBLIQUITY_J2000 * D2R;
  const sb = Math.sin(d) * Math.cos(e) - Math.cos(d) * Math.sin(e) * Math.sin(a);
  const lam = Math.atan2(Math.sin(a) * Math.cos(e) + Math.tan(d) * Math.sin(e), Math.cos(a));
  return [wrap360(lam * R2D), Math.asin(sb) * R2D];
}

/**
 * ICRS (ra, dec) to galactic (l, b), degrees.
 *
 * @example
 * toGalactic(266.405, -28.936) // ≈ [0, 0] (Galactic centre)
 */
export function toGalactic(ra: number, dec: number): [number, number] {
  const a = ra * D2R, d = dec * D2R;
  const v = [Math.cos(d) * Math.cos(a), Math.cos(d) * Math.sin(a), Math.sin(d)];
  const g = GAL.map((row) => row[0] * v[0]! + row[1] * v[1]! + row[2] * v[2]!);
  return [wrap360(Math.atan2(g[1]!, g[0]!) * R2D), Math.asin(Math.max(-1, Math.min(1, g[2]!))) * R2D];
}
