/**
 * Postage stamps around sky positions, on the same pixel grid as astropy's
 * `Cutout2D(data, SkyCoord(ra, dec), size, wcs=wcs, mode='partial',
 * fill_value=nan)`:
 *
 * - the position goes to a 0-based pixel position through the WCS;
 * - along each axis of length n the stamp starts at index ceil(p − n/2) and
 *   covers n pixels (so odd sizes centre on the nearest pixel and even sizes
 *   round the position up, as `overlap_slices` documents);
 * - pixels outside the image are NaN; a stamp with no pixel inside the image
 *   is `outside` (Cutout2D raises NoOverlapError; we return it all NaN);
 * - angular sizes become pixels through the pixel scales (column norms of the
 *   CD matrix) and round half to even, like numpy's round.
 *
 * The stamp's WCS is the image's with CRPIX moved by the stamp's origin.
 * Positions are taken in the WCS's own frame (no ICRS ↔ FK5 conversion).
 */
import { AlertflowError } from '../errors.js';
import type { FitsCard } from '../fits/header.js';
import { pixelScales, shiftWcs, worldToPixel0, type CelestialWcs } from '../wcs/celestial.js';
import { wcsHeaderCards } from '../wcs/header.js';
import type { SkyImage } from './image.js';

/**
 * Unit of a stamp size.
 *
 * @example
 * const u: SizeUnit = 'arcsec';
 */
export type SizeUnit = 'pix' | 'arcsec';

/**
 * Stamp size: one number for a square, or `[ny, nx]` (numpy order, like Cutout2D).
 *
 * @example
 * const s: StampSize = [31, 64];
 */
export type StampSize = number | readonly [number, number];

/**
 * Where a stamp fell: partly off the image, or entirely off it.
 *
 * @example
 * if (stamp.flags.outside) skip(stamp);
 */
export interface CutoutFlags {
  partial: boolean;
  outside: boolean;
}

/**
 * A cutout: pixels (row-major, NaN outside the image), its WCS and header cards.
 *
 * @example
 * const { width, height, data, cards, flags } = cutoutAt(img, 150.1, 2.2, { size: 31 });
 */
export interface Stamp {
  width: number;
  height: number;
  data: Float32Array | Float64Array;
  wcs: CelestialWcs;
  /** WCS cards (CD form, CRPIX shifted) and the keywords passed on from the image. */
  cards: FitsCard[];
  flags: CutoutFlags;
  /** 0-based image pixel of the stamp's pixel (0, 0) (may be negative). */
  origin: [number, number];
  /** 0-based image pixel position of the requested sky position. */
  position: [number, number];
}

/**
 * Options of {@link cutoutAt}.
 *
 * @example
 * const o: CutoutOptions = { size: 5, sizeUnit: 'arcsec' };
 */
export interface CutoutOptions {
  size: StampSize;
  /** Default 'pix'. */
  sizeUnit?: SizeUnit;
  /** Image keywords copied to the stamp header (default {@link DEFAULT_PASSTHROUGH}). */
  passthrough?: readonly string[];
}

/**
 * Keywords copied from the image header to each stamp when present.
 *
 * @example
 * DEFAULT_PASSTHROUGH.includes('MJD-OBS') // true
 */
export const DEFAULT_PASSTHROUGH: readonly string[] = ['BUNIT', 'DATE-OBS', 'MJD-OBS', 'EXPTIME', 'FILTER', 'TELESCOP', 'INSTRUME', 'MAGZP'];

/** numpy's round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Stamp shape `[ny, nx]` in pixels. For angular sizes each side is divided by
 * a pixel scale as Cutout2D does (side i by the scale of WCS axis i, which
 * pairs ny with axis 1's scale; identical for square pixels).
 *
 * @example
 * stampShape(wcs, 6, 'arcsec') // [30, 30] at 0.2″/pixel
 */
export function stampShape(wcs: CelestialWcs, size: StampSize, unit: SizeUnit = 'pix'): [number, number] {
  const sides = typeof size === 'number' ? [size, size] : [size[0], size[1]];
  const scales = pixelScales(wcs);
  const shape = sides.map((s, i) => {
    if (!(Number.isFinite(s) && s > 0)) throw new AlertflowError('ERR_STEP_CONFIG', `invalid stamp size ${s}`, { size: s });
    return roundHalfEven(unit === 'arcsec' ? s / 3600 / scales[i]! : s);
  });
  if (shape.some((n) => n < 1)) throw new AlertflowError('ERR_STEP_CONFIG', `stamp size ${sides.join('×')} ${unit} is less than one pixel`);
  return [shape[0]!, shape[1]!];
}

/**
 * First index covered along one axis: ceil(p − n/2), as `overlap_slices` computes it.
 *
 * @example
 * stampStart(10.5, 4) // 9  (covers 9, 10, 11, 12)
 */
export function stampStart(position: number, n: number): number {
  return Math.ceil(position - n / 2);
}

/**
 * Copies `src[y0.., x0..]` into an `nx × ny` stamp, NaN where the stamp leaves the image.
 * Returns the number of pixels that came from the image.
 */
function copyWindow(img: SkyImage, x0: number, y0: number, nx: number, ny: number, out: Float32Array | Float64Array): number {
  out.fill(NaN);
  const xa = Math.max(0, x0), xb = Math.min(img.width, x0 + nx);
  const ya = Math.max(0, y0), yb = Math.min(img.height, y0 + ny);
  if (xa >= xb || ya >= yb) return 0;
  for (let y = ya; y < yb; y++) {
    const from = y * img.width;
    out.set(img.data.subarray(from + xa, from + xb), (y - y0) * nx + (xa - x0));
  }
  return (xb - xa) * (yb - ya);
}

/**
 * Cuts a stamp around (ra, dec) (degrees, in the WCS's frame). Throws ERR_WCS
 * for coordinates that are not finite or that the projection cannot place.
 *
 * @example
 * const stamp = cutoutAt(img, 150.1, 2.2, { size: 31 });
 * stamp.flags // { partial: false, outside: false }
 */
export function cutoutAt(img: SkyImage, ra: number, dec: number, opts: CutoutOptions): Stamp {
  if (!Number.isFinite(ra) || !Number.isFinite(dec) || Math.abs(dec) > 90) throw new AlertflowError('ERR_WCS', `invalid sky position (${ra}, ${dec})`, { ra, dec });
  const [ny, nx] = stampShape(img.wcs, opts.size, opts.sizeUnit);
  const [px, py] = worldToPixel0(img.wcs, ra, dec);
  if (!Number.isFinite(px) || !Number.isFinite(py)) throw new AlertflowError('ERR_WCS', `(${ra}, ${dec}) has no position in this image's projection`, { ra, dec });
  const x0 = stampStart(px, nx), y0 = stampStart(py, ny);
  const data = img.data instanceof Float32Array ? new Float32Array(nx * ny) : new Float64Array(nx * ny);
  const inside = copyWindow(img, x0, y0, nx, ny, data);
  const wcs = shiftWcs(img.wcs, x0, y0);
  const pass = new Set(opts.passthrough ?? DEFAULT_PASSTHROUGH);
  const cards = [...wcsHeaderCards(wcs), ...img.cards.filter((c) => pass.has(c.key) && c.value !== undefined)];
  return { width: nx, height: ny, data, wcs, cards, flags: { partial: inside > 0 && inside < nx * ny, outside: inside === 0 }, origin: [x0, y0], position: [px, py] };
}
