/**
 * Celestial WCS for 2-D images (WCS Papers I and II): pixel coordinates →
 * intermediate world coordinates through the linear CD matrix, → native
 * spherical coordinates through a zenithal projection, → celestial
 * coordinates through the spherical rotation of Paper II, eq. 2 (and back).
 *
 * FITS pixel coordinates are 1-based (the centre of the first pixel is 1.0);
 * the `…0` helpers take and give 0-based coordinates, like astropy's
 * `all_pix2world(x, y, 0)` and `world_to_pixel`.
 */
import { AlertflowError } from '../errors.js';
import { deprojectZenithal, projectZenithal, type ZenithalCode } from './zenithal.js';

/**
 * A 2-D celestial WCS. Arrays are in header axis order (index 0 = axis 1);
 * `lngAxis` says which world axis is the longitude (1 when CTYPE1 is the latitude).
 *
 * @example
 * const wcs: CelestialWcs = { projection: 'TAN', crval: [150, 2.2], crpix: [1024.5, 1024.5], cd: [[-5.6e-5, 0], [0, 5.6e-5]] };
 */
export interface CelestialWcs {
  projection: ZenithalCode;
  /** CRVAL1, CRVAL2 in degrees. */
  crval: readonly [number, number];
  /** CRPIX1, CRPIX2, 1-based. */
  crpix: readonly [number, number];
  /** [[CD1_1, CD1_2], [CD2_1, CD2_2]], degrees per pixel. */
  cd: readonly [readonly [number, number], readonly [number, number]];
  /** LONPOLE in degrees; default 180°, or 0° when the reference point is the north celestial pole (Paper II, sect. 2.4). */
  lonpole?: number;
  /** 0 (default) when axis 1 is the longitude, 1 when axis 2 is. */
  lngAxis?: 0 | 1;
  /** First four characters of the longitude and latitude CTYPEs (default 'RA--', 'DEC-'). */
  types?: readonly [string, string];
  radesys?: string;
  equinox?: number;
}

const D2R = Math.PI / 180;
const R2D = 180 / Math.PI;

/** sin and cos of an angle in degrees, exact at multiples of 90° (so LONPOLE = 180° rotates exactly). */
function sincosd(deg: number): [number, number] {
  const q = deg / 90;
  if (Number.isInteger(q)) {
    const k = ((q % 4) + 4) % 4;
    return [[0, 1, 0, -1][k]!, [1, 0, -1, 0][k]!];
  }
  return [Math.sin(deg * D2R), Math.cos(deg * D2R)];
}

/**
 * The LONPOLE a WCS uses: its own, or the default for zenithal projections.
 *
 * @example
 * lonpoleOf({ ...wcs, crval: [0, 90] }) // 0
 */
export function lonpoleOf(wcs: CelestialWcs): number {
  if (wcs.lonpole !== undefined) return wcs.lonpole;
  return wcs.crval[wcs.lngAxis ?? 0 ? 0 : 1] >= 90 ? 0 : 180;
}

function refPoint(wcs: CelestialWcs): { a0: number; sinD0: number; cosD0: number; sinPp: number; cosPp: number } {
  const l = wcs.lngAxis ?? 0;
  const lat = wcs.crval[1 - l]!;
  if (!(Math.abs(lat) <= 90)) throw new AlertflowError('ERR_WCS', `reference latitude ${lat} is outside [-90, 90]`);
  const [sinD0, cosD0] = sincosd(lat);
  const [sinPp, cosPp] = sincosd(lonpoleOf(wcs));
  return { a0: wcs.crval[l]!, sinD0, cosD0, sinPp, cosPp };
}

function normLng(deg: number): number {
  const x = deg % 360;
  return x < 0 ? x + 360 : x === 360 ? 0 : x;
}

/**
 * FITS 1-based pixel coordinates to celestial (longitude in [0, 360), latitude), degrees.
 * Pixels outside the projection's domain give NaNs.
 *
 * @example
 * pixelToWorld(wcs, wcs.crpix[0], wcs.crpix[1]) // [crval1, crval2]
 */
export function pixelToWorld(wcs: CelestialWcs, px: number, py: number): [number, number] {
  const dx = px - wcs.crpix[0];
  const dy = py - wcs.crpix[1];
  const w1 = wcs.cd[0][0] * dx + wcs.cd[0][1] * dy;
  const w2 = wcs.cd[1][0] * dx + wcs.cd[1][1] * dy;
  const l = wcs.lngAxis ?? 0;
  const n = deprojectZenithal(wcs.projection, l === 0 ? w1 : w2, l === 0 ? w2 : w1);
  if (!n) return [NaN, NaN];
  const { a0, sinD0, cosD0, sinPp, cosPp } = refPoint(wcs);
  // Δφ = φ − φp
  const sinDp = n.sinPhi * cosPp - n.cosPhi * sinPp;
  const cosDp = n.cosPhi * cosPp + n.sinPhi * sinPp;
  const X = n.sinTheta * cosD0 - n.cosTheta * sinD0 * cosDp;
  const Y = -n.cosTheta * sinDp;
  const Z = n.sinTheta * sinD0 + n.cosTheta * cosD0 * cosDp;
  const lng = X === 0 && Y === 0 ? a0 : a0 + Math.atan2(Y, X) * R2D;
  const lat = Math.atan2(Z, Math.hypot(X, Y)) * R2D;
  const world: [number, number] = [normLng(lng), lat];
  return l === 0 ? world : [world[1], world[0]];
}

/**
 * Celestial (degrees, in header axis order: usually ra, dec) to FITS 1-based
 * pixel coordinates. Points the projection cannot show give NaNs.
 *
 * @example
 * const [x, y] = worldToPixel(wcs, 150.001, 2.2);
 */
export function worldToPixel(wcs: CelestialWcs, w1: number, w2: number): [number, number] {
  const l = wcs.lngAxis ?? 0;
  const lng = l === 0 ? w1 : w2;
  const lat = l === 0 ? w2 : w1;
  const { a0, sinD0, cosD0, sinPp, cosPp } = refPoint(wcs);
  const [sinD, cosD] = sincosd(lat);
  const [sinA, cosA] = sincosd(lng - a0);
  const X = sinD * cosD0 - cosD * sinD0 * cosA;
  const Y = -cosD * sinA;
  const Z = sinD * sinD0 + cosD * cosD0 * cosA;
  const r = Math.hypot(X, Y);
  const sinPsi = r === 0 ? 0 : Y / r;
  const cosPsi = r === 0 ? 1 : X / r;
  // φ = φp + ψ
  const sinPhi = sinPsi * cosPp + cosPsi * sinPp;
  const cosPhi = cosPsi * cosPp - sinPsi * sinPp;
  const [x, y] = projectZenithal(wcs.projection, sinPhi, cosPhi, Z, r);
  const i1 = l === 0 ? x : y;
  const i2 = l === 0 ? y : x;
  const [[a, b], [c, d]] = wcs.cd;
  const det = a * d - b * c;
  if (det === 0) throw new AlertflowError('ERR_WCS', 'the CD matrix is singular');
  return [wcs.crpix[0] + (d * i1 - b * i2) / det, wcs.crpix[1] + (-c * i1 + a * i2) / det];
}

/**
 * 0-based pixel coordinates to celestial degrees: astropy's `all_pix2world(x, y, 0)`.
 *
 * @example
 * const [ra, dec] = pixelToWorld0(wcs, 0, 0); // centre of the first pixel
 */
export function pixelToWorld0(wcs: CelestialWcs, x: number, y: number): [number, number] {
  return pixelToWorld(wcs, x + 1, y + 1);
}

/**
 * Celestial degrees to 0-based pixel coordinates: astropy's `world_to_pixel` / `all_world2pix(ra, dec, 0)`.
 *
 * @example
 * const [x, y] = worldToPixel0(wcs, ra, dec); // x = column index of the nearest pixel after Math.round
 */
export function worldToPixel0(wcs: CelestialWcs, w1: number, w2: number): [number, number] {
  const [x, y] = worldToPixel(wcs, w1, w2);
  return [x - 1, y - 1];
}

/**
 * Pixel scales (degrees per pixel) along each pixel axis: the column norms of
 * the CD matrix, as astropy's `proj_plane_pixel_scales` defines them.
 *
 * @example
 * pixelScales(wcs).map((s) => s * 3600) // [0.2, 0.2] arcsec
 */
export function pixelScales(wcs: CelestialWcs): [number, number] {
  return [Math.hypot(wcs.cd[0][0], wcs.cd[1][0]), Math.hypot(wcs.cd[0][1], wcs.cd[1][1])];
}

/**
 * A copy of a WCS with its reference pixel moved, for a sub-image whose
 * 0-based pixel (x0, y0) is pixel (0, 0) of the sub-image.
 *
 * @example
 * const stampWcs = shiftWcs(wcs, 100, 200); // crpix - [100, 200]
 */
export function shiftWcs(wcs: CelestialWcs, x0: number, y0: number): CelestialWcs {
  return { ...wcs, crpix: [wcs.crpix[0] - x0, wcs.crpix[1] - y0] };
}
