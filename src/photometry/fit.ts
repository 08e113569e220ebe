/**
 * Forced PSF photometry: the flux of a PSF model at a fixed position. With the
 * position fixed the model is linear in flux, so the weighted least-squares
 * solution is closed-form,
 *
 *   flux = Σ w P D / Σ w P²,   σ(flux) = 1 / √(Σ w P²),   w = 1 / variance,
 *
 * over a fitting box around the position (P: unit-flux PRF, D: data). This is
 * what an iterative fitter with x, y held fixed converges to, with the error
 * taken from the absolute (not χ²-rescaled) covariance. An optional constant
 * local background adds a second linear parameter.
 */
import { AlertflowError } from '../errors.js';
import { tanSkyToPixel, type TanWcs } from '../fits/index.js';
import { FLAG_BITS, flagNames, type ForcedFlag } from './flags.js';
import type { PsfModel } from './psf.js';

/**
 * An image to measure on: pixels (row-major, index = y · width + x), and the
 * noise as a variance plane or one constant sigma. A WCS is needed only for
 * sky positions.
 *
 * @example
 * const img: ForcedImage = { data, width: 2048, height: 2048, sigma: 12.5, wcs };
 */
export interface ForcedImage {
  data: ArrayLike<number>;
  width: number;
  height: number;
  /** Per-pixel variance (same shape as data); pixels with non-finite or ≤ 0 variance are skipped. */
  variance?: ArrayLike<number>;
  /** Constant background noise sigma, used when there is no variance plane. */
  sigma?: number;
  wcs?: TanWcs;
}

/**
 * A position: zero-based pixel coordinates (astropy origin 0), or sky degrees (needs the image WCS).
 *
 * @example
 * const p: ForcedPosition = { ra: 150.1, dec: 2.2 };
 */
export type ForcedPosition = { x: number; y: number } | { ra: number; dec: number };

/**
 * Options of {@link forcedPhotometry}.
 *
 * @example
 * const o: ForcedOptions = { psf: gaussianPrf(4), fitShape: 13, background: 'none' };
 */
export interface ForcedOptions {
  psf: PsfModel;
  /**
   * Fitting box side in pixels (odd), or [ny, nx] as photutils' fit_shape.
   * Default 2·ceil(1.5·FWHM) + 1: out to ~3.8σ each side, where the Gaussian has 99.9% of its flux.
   */
  fitShape?: number | readonly [number, number];
  /**
   * `none` (default): the image is background-subtracted (difference images are,
   * by construction). `fit`: fit a constant background in the box together with the flux.
   */
  background?: 'none' | 'fit';
}

/**
 * One measurement.
 *
 * @example
 * const r: ForcedRow = { x: 10.2, y: 5.9, psfFlux: 1520.3, psfFluxErr: 31.2, flags: ['forced'] };
 */
export interface ForcedRow {
  x: number;
  y: number;
  /** Total flux of the PSF model, in image units; NaN when not measured. */
  psfFlux: number;
  psfFluxErr: number;
  flags: ForcedFlag[];
  /** The fitted background level per pixel, with `background: 'fit'`. */
  background?: number;
}

/**
 * The default fitting box side for a PSF FWHM: 2·ceil(1.5·FWHM) + 1.
 *
 * @example
 * defaultFitShape(4) // 13
 */
export function defaultFitShape(fwhm: number): number {
  return 2 * Math.ceil(1.5 * fwhm) + 1;
}

function boxShape(opts: ForcedOptions): [number, number] {
  const f = opts.fitShape ?? defaultFitShape(opts.psf.fwhm);
  const [ny, nx] = typeof f === 'number' ? [f, f] : f;
  for (const n of [ny, nx]) {
    if (!Number.isInteger(n) || n < 1 || n % 2 === 0) throw new AlertflowError('ERR_PHOTOMETRY', `fitShape must be odd positive integers (got ${JSON.stringify(f)})`, { fitShape: f });
  }
  return [ny, nx];
}

/**
 * Measures PSF fluxes at fixed positions on one image. Rows line up with
 * `positions`. The box is centred on the pixel nearest each position (ties
 * round down, as astropy's overlap_slices does) and clipped at the border.
 *
 * @example
 * const rows = forcedPhotometry({ data, width, height, sigma: 5 }, [{ x: 40.2, y: 17.7 }], { psf: gaussianPrf(3) });
 * rows[0].psfFlux; rows[0].psfFluxErr; rows[0].flags // ['forced']
 */
export function forcedPhotometry(image: ForcedImage, positions: readonly ForcedPosition[], opts: ForcedOptions): ForcedRow[] {
  const { data, width, height, variance } = image;
  if (data.length !== width * height) throw new AlertflowError('ERR_PHOTOMETRY', `image has ${data.length} pixels, not ${width}×${height}`);
  if (variance && variance.length !== data.length) throw new AlertflowError('ERR_PHOTOMETRY', `variance plane has ${variance.length} pixels, the image ${data.length}`);
  const sigma = image.sigma;
  if (!variance && !(sigma !== undefined && sigma > 0 && Number.isFinite(sigma))) {
    throw new AlertflowError('ERR_PHOTOMETRY', 'forced photometry needs a variance plane or a positive sigma', { sigma });
  }
  const constW = variance ? 0 : 1 / (sigma! * sigma!);
  const fitBg = opts.background === 'fit';
  const [ny, nx] = boxShape(opts);
  const model = new Float64Array(nx * ny);
  const rows: ForcedRow[] = [];
  for (const p of positions) {
    let x: number, y: number;
    if ('x' in p) ({ x, y } = p);
    else {
      if (!image.wcs) throw new AlertflowError('ERR_PHOTOMETRY', 'sky positions need an image with a WCS');
      [x, y] = tanSkyToPixel(image.wcs, p.ra, p.dec);
      x -= 1; // FITS pixels are 1-based, ours 0-based
      y -= 1;
    }
    let mask = FLAG_BITS.forced;
    if (!(x >= -0.5 && x < width - 0.5 && y >= -0.5 && y < height - 0.5)) {
      rows.push({ x, y, psfFlux: NaN, psfFluxErr: NaN, flags: flagNames(mask | FLAG_BITS.outside), ...(fitBg ? { background: NaN } : {}) });
      continue;
    }
    const bx = Math.ceil(x - nx / 2);
    const by = Math.ceil(y - ny / 2);
    opts.psf.render(x, y, bx, by, nx, ny, model);
    const i0 = Math.max(0, bx), i1 = Math.min(width, bx + nx);
    const j0 = Math.max(0, by), j1 = Math.min(height, by + ny);
    if (i0 !== bx || j0 !== by || i1 !== bx + nx || j1 !== by + ny) mask |= FLAG_BITS.edge;
    // Weighted sums: S_pp = Σ w P², S_pd = Σ w P D, and for the background S_p = Σ w P, S_1 = Σ w, S_d = Σ w D.
    let spp = 0, spd = 0, sp = 0, s1 = 0, sd = 0;
    for (let j = j0; j < j1; j++) {
      const row = j * width;
      const mrow = (j - by) * nx - bx;
      for (let i = i0; i < i1; i++) {
        const d = data[row + i];
        let w = constW;
        if (variance) {
          const v = variance[row + i];
          w = v > 0 && v < Infinity ? 1 / v : 0;
        }
        if (!(w > 0) || !Number.isFinite(d)) {
          mask |= FLAG_BITS.nan;
          continue;
        }
        const m = model[mrow + i];
        const wm = w * m;
        spp += wm * m;
        spd += wm * d;
        if (fitBg) {
          sp += wm;
          s1 += w;
          sd += w * d;
        }
      }
    }
    let flux = NaN, err = NaN, bg = NaN;
    if (fitBg) {
      const det = spp * s1 - sp * sp;
      if (spp > 0 && det > 1e-12 * spp * s1) {
        flux = (s1 * spd - sp * sd) / det;
        bg = (spp * sd - sp * spd) / det;
        err = Math.sqrt(s1 / det);
      }
    } else if (spp > 0) {
      flux = spd / spp;
      err = 1 / Math.sqrt(spp);
    }
    if (Number.isNaN(flux)) mask |= FLAG_BITS.zeroWeight;
    rows.push({ x, y, psfFlux: flux, psfFluxErr: err, flags: flagNames(mask), ...(fitBg ? { background: bg } : {}) });
  }
  return rows;
}
