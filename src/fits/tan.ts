/**
 * Gnomonic (TAN) projection between sky coordinates and FITS pixel
 * coordinates, as WCS Paper II defines it with the default LONPOLE = 180°
 * (the reference point is the native pole's opposite, so the standard
 * gnomonic formulas apply). Pixel coordinates are FITS 1-based: the centre
 * of the first pixel is (1, 1); subtract 1 for a 0-based array index.
 */
import { AlertflowError } from '../errors.js';

const D2R = Math.PI / 180;
const R2D = 180 / Math.PI;

/**
 * A TAN WCS: reference sky point, reference pixel and CD matrix (degrees per pixel).
 *
 * @example
 * const wcs: TanWcs = { crval: [10, -5], crpix: [15.5, 15.5], cd: [[-5.6e-5, 0], [0, 5.6e-5]] };
 */
export interface TanWcs {
  /** CRVAL1, CRVAL2 in degrees (ICRS ra, dec). */
  crval: readonly [number, number];
  /** CRPIX1, CRPIX2, 1-based. */
  crpix: readonly [number, number];
  /** [[CD1_1, CD1_2], [CD2_1, CD2_2]] in degrees per pixel. */
  cd: readonly [readonly [number, number], readonly [number, number]];
}

/**
 * Options of {@link makeTanWcs}.
 *
 * @example
 * const o: TanWcsOptions = { ra: 10, dec: -5, pixelScaleArcsec: 0.2, width: 30, height: 30 };
 */
export interface TanWcsOptions {
  ra: number;
  dec: number;
  /** Pixel scale in arcseconds per pixel (Rubin: 0.2). */
  pixelScaleArcsec: number;
  /** Image width and height in pixels; the reference pixel is their centre. */
  width: number;
  height: number;
  /** Angle from north to the image +y axis, counter-clockwise (north through east), degrees. Default 0. */
  rotationDeg?: number;
}

/**
 * A north-up, east-left TAN WCS centred on (ra, dec), optionally rotated.
 *
 * @example
 * const wcs = makeTanWcs({ ra: 53.1, dec: -28.1, pixelScaleArcsec: 0.2, width: 30, height: 30 });
 * wcs.crpix // [15.5, 15.5]
 */
export function makeTanWcs(opts: TanWcsOptions): TanWcs {
  const { ra, dec, pixelScaleArcsec, width, height } = opts;
  if (!Number.isFinite(ra) || !Number.isFinite(dec) || Math.abs(dec) > 90) throw new AlertflowError('ERR_FITS', `invalid WCS centre (${ra}, ${dec})`);
  if (!(pixelScaleArcsec > 0)) throw new AlertflowError('ERR_FITS', `invalid pixel scale ${pixelScaleArcsec}`);
  const s = pixelScaleArcsec / 3600;
  const rho = (opts.rotationDeg ?? 0) * D2R;
  const c = Math.cos(rho);
  const sn = Math.sin(rho);
  // CDELT1 = -s (RA grows to the left), CDELT2 = +s, rotated by CROTA2 = rho.
  return {
    crval: [ra >= 0 && ra < 360 ? ra : ((ra % 360) + 360) % 360, dec],
    crpix: [(width + 1) / 2, (height + 1) / 2],
    cd: [
      [-s * c, -s * sn],
      [-s * sn, s * c],
    ],
  };
}

/**
 * Sky (degrees) to FITS 1-based pixel coordinates. Points more than 90° from
 * the reference point have no gnomonic image and give NaN.
 *
 * @example
 * const [x, y] = tanSkyToPixel(wcs, 53.1001, -28.1); // x < crpix1: east is left
 */
export function tanSkyToPixel(wcs: TanWcs, ra: number, dec: number): [number, number] {
  const a0 = wcs.crval[0] * D2R;
  const d0 = wcs.crval[1] * D2R;
  const d = dec * D2R;
  const da = ra * D2R - a0;
  const sd = Math.sin(d), cd = Math.cos(d), sd0 = Math.sin(d0), cd0 = Math.cos(d0), cda = Math.cos(da);
  const den = sd * sd0 + cd * cd0 * cda;
  if (!(den > 0)) return [NaN, NaN];
  const xi = ((cd * Math.sin(da)) / den) * R2D;
  const eta = ((sd * cd0 - cd * sd0 * cda) / den) * R2D;
  const [[a, b], [c, e]] = wcs.cd;
  const det = a * e - b * c;
  return [wcs.crpix[0] + (e * xi - b * eta) / det, wcs.crpix[1] + (-c * xi + a * eta) / det];
}

/**
 * FITS 1-based pixel coordinates to sky (degrees, ra in [0, 360)).
 *
 * @example
 * tanPixelToSky(wcs, wcs.crpix[0], wcs.crpix[1]) // [crval1, crval2]
 */
export function tanPixelToSky(wcs: TanWcs, x: number, y: number): [number, number] {
  const dx = x - wcs.crpix[0];
  const dy = y - wcs.crpix[1];
  const xi = (wcs.cd[0][0] * dx + wcs.cd[0][1] * dy) * D2R;
  const eta = (wcs.cd[1][0] * dx + wcs.cd[1][1] * dy) * D2R;
  const a0 = wcs.crval[0] * D2R;
  const d0 = wcs.crval[1] * D2R;
  const sd0 = Math.sin(d0), cd0 = Math.cos(d0);
  const den = cd0 - eta * sd0;
  const ra = (a0 + Math.atan2(xi, den)) * R2D;
  const dec = Math.atan2(sd0 + eta * cd0, Math.hypot(xi, den)) * R2D;
  return [((ra % 360) + 360) % 360, dec];
}
