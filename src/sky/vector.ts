/**
 * Unit vectors on the celestial sphere and angular separations accurate to
 * well below a milliarcsecond at every scale (the atan2 form, which stays
 * exact for tiny and antipodal separations where acos and haversine do not).
 */

export type Vec3 = [number, number, number];

const DEG = Math.PI / 180;

/**
 * Unit vector of (ra, dec) in degrees.
 *
 * @example
 * radecToVector(0, 90) // [~0, 0, 1]
 */
export function radecToVector(raDeg: number, decDeg: number): Vec3 {
  const ra = raDeg * DEG;
  const dec = decDeg * DEG;
  const c = Math.cos(dec);
  return [c * Math.cos(ra), c * Math.sin(ra), Math.sin(dec)];
}

/**
 * (ra, dec) in degrees of a vector (need not be unit length); ra in [0, 360).
 *
 * @example
 * vectorToRadec([0, 1, 0]) // [90, 0]
 */
export function vectorToRadec(v: readonly number[]): [number, number] {
  const [x, y, z] = v;
  let ra = Math.atan2(y, x) / DEG;
  if (ra < 0) ra += 360;
  if (ra >= 360) ra -= 360;
  return [ra, Math.atan2(z, Math.hypot(x, y)) / DEG];
}

/**
 * Angular separation in degrees between two positions (Vincenty's formula).
 *
 * @example
 * separationDeg(10, 20, 10, 20 + 1 / 3600) * 3600 // 1 (arcsec)
 */
export function separationDeg(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const dra = (ra2 - ra1) * DEG;
  const p1 = dec1 * DEG;
  const p2 = dec2 * DEG;
  const sdra = Math.sin(dra);
  const cdra = Math.cos(dra);
  const s1 = Math.sin(p1);
  const c1 = Math.cos(p1);
  const s2 = Math.sin(p2);
  const c2 = Math.cos(p2);
  const num1 = c2 * sdra;
  const num2 = c1 * s2 - s1 * c2 * cdra;
  const den = s1 * s2 + c1 * c2 * cdra;
  return Math.atan2(Math.hypot(num1, num2), den) / DEG;
}

/**
 * Angle in degrees between two unit vectors (atan2 of cross and dot).
 *
 * @example
 * vectorSeparationDeg(radecToVector(0, 0), radecToVector(90, 0)) // 90
 */
export function vectorSeparationDeg(a: readonly number[], b: readonly number[]): number {
  const cx = a[1] * b[2] - a[2] * b[1];
  const cy = a[2] * b[0] - a[0] * b[2];
  const cz = a[0] * b[1] - a[1] * b[0];
  const dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  return Math.atan2(Math.hypot(cx, cy, cz), dot) / DEG;
}

/**
 * Squared chord length between unit vectors for an angle: comparing chords
 * avoids trigonometry in tight loops (chord² = 2 − 2 cos θ = 4 sin²(θ/2)).
 *
 * @example
 * const r2 = chord2ForAngleDeg(1 / 3600);
 */
export function chord2ForAngleDeg(angleDeg: number): number {
  const s = Math.sin((angleDeg * DEG) / 2);
  return 4 * s * s;
}
