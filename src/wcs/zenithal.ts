/**
 * Zenithal projections of WCS Paper II (Calabretta & Greisen 2002, sect. 5.1):
 * TAN (gnomonic), SIN (orthographic, without the slant parameters) and ZEA
 * (zenithal equal-area). All have their reference point at the native pole
 * (φ0, θ0) = (0°, 90°), so each is a radius function R(θ) with
 * x = R sin φ, y = −R cos φ (degrees in the projection plane).
 *
 * Angles are handled through sin θ and cos θ rather than θ itself, which keeps
 * full precision close to the reference point.
 */

/**
 * The projection codes alertflow implements.
 *
 * @example
 * const p: ZenithalCode = 'ZEA';
 */
export type ZenithalCode = 'TAN' | 'SIN' | 'ZEA';

const R2D = 180 / Math.PI;

/**
 * Projection-plane point (x, y) in degrees of native spherical (φ, θ) given
 * as sin/cos pairs, or NaNs where the projection is undefined (TAN and SIN
 * beyond the native equator).
 *
 * @example
 * projectZenithal('TAN', 0, 1, Math.sin(1e-3), Math.cos(1e-3)) // [0, −cot θ·180/π] ≈ [0, -0.0573]
 */
export function projectZenithal(code: ZenithalCode, sinPhi: number, cosPhi: number, sinTheta: number, cosTheta: number): [number, number] {
  let r: number;
  if (code === 'TAN') {
    if (!(sinTheta > 0)) return [NaN, NaN];
    r = (R2D * cosTheta) / sinTheta;
  } else if (code === 'SIN') {
    if (sinTheta < 0) return [NaN, NaN];
    r = R2D * cosTheta;
  } else {
    // R = (180/π) √(2(1 − sin θ)), written with cos θ to stay exact near θ = 90°.
    r = R2D * Math.sqrt((2 * cosTheta * cosTheta) / (1 + sinTheta));
  }
  return [r * sinPhi, -r * cosPhi];
}

/**
 * Native spherical (φ, θ) as sin/cos pairs of projection-plane (x, y) in
 * degrees, or undefined outside the projection's domain (SIN beyond R = 180/π,
 * ZEA beyond R = 360/π).
 *
 * @example
 * deprojectZenithal('SIN', 0, 0) // { sinPhi: 0, cosPhi: 1, sinTheta: 1, cosTheta: 0 }
 */
export function deprojectZenithal(code: ZenithalCode, x: number, y: number): { sinPhi: number; cosPhi: number; sinTheta: number; cosTheta: number } | undefined {
  const r = Math.hypot(x, y);
  // φ = arg(−y, x); at R = 0 any φ will do, take 0.
  const sinPhi = r === 0 ? 0 : x / r;
  const cosPhi = r === 0 ? 1 : -y / r;
  const rr = r / R2D; // radius in radians
  let sinTheta: number;
  let cosTheta: number;
  if (code === 'TAN') {
    // tan θ = 1 / rr
    const h = Math.hypot(1, rr);
    sinTheta = 1 / h;
    cosTheta = rr / h;
  } else if (code === 'SIN') {
    if (rr > 1 + 1e-13) return undefined;
    cosTheta = Math.min(1, rr);
    sinTheta = Math.sqrt((1 - cosTheta) * (1 + cosTheta));
  } else {
    // ZEA: rr = 2 sin((90° − θ)/2), so cos(90° − θ) = 1 − rr²/2.
    if (rr > 2 + 1e-13) return undefined;
    const half = Math.min(1, rr / 2);
    sinTheta = 1 - 2 * half * half;
    cosTheta = 2 * half * Math.sqrt((1 - half) * (1 + half));
  }
  return { sinPhi, cosPhi, sinTheta, cosTheta };
}
