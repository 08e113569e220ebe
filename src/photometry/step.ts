/**
 * The forced-measurement batch step: requests {id, ra, dec, image?} in,
 * measurements {id, ra, dec, x, y, psfFlux, psfFluxErr, flags} out. Built
 * from plain-JSON config so it runs in a worker as well as in-process; the
 * records of a batch are grouped by image, so one image load serves all of
 * its positions, and decoded images stay in an LRU cache across batches.
 */
import { resolve } from 'node:path';
import { AlertflowError, toErrorData } from '../errors.js';
import type { BatchFn, RecordResult } from '../runtime/types.js';
import { LruCache } from './cache.js';
import { forcedPhotometry, type ForcedImage } from './fit.js';
import type { ForcedFlag } from './flags.js';
import { loadImage, type LoadedImage } from './load.js';
import { gaussianPrf, imagePsf, type PsfInterpolation, type PsfModel } from './psf.js';

/**
 * Plain-JSON config of {@link createForcedMeasureStep}.
 *
 * @example
 * const cfg: ForcedMeasureConfig = { image: 'diff.fits', variance: 'var.fits', psfFwhm: 3.8, cacheSize: 4 };
 */
export interface ForcedMeasureConfig {
  /** Default image (FITS path); a record's `image` overrides it. */
  image?: string;
  /** Variance plane of `image` (FITS path, same shape). Not applied to other images. */
  variance?: string;
  /** Constant noise sigma, for images without a variance plane. */
  sigma?: number;
  /** Gaussian PRF FWHM in pixels (one of psfFwhm / psf). */
  psfFwhm?: number;
  /** PSF image (FITS path), normalised to sum 1 and shifted by interpolation. */
  psf?: string;
  /** PSF samples per image pixel (default 1). */
  psfOversampling?: number;
  /** PSF image interpolation (default `sinc`). */
  psfInterpolation?: PsfInterpolation;
  /** Fitting box side (odd) or [ny, nx]; default 2·ceil(1.5·FWHM)+1. */
  fitShape?: number | [number, number];
  /** `none` (default, for difference images) or `fit` a constant local background. */
  background?: 'none' | 'fit';
  /** Image planes (science and variance alike) kept decoded; default 8. */
  cacheSize?: number;
  /** HDU of every image and variance file (default: the first 2-D image). */
  hdu?: number;
}

/**
 * One request: a fixed sky position, and optionally its own image (and variance plane).
 *
 * @example
 * const r: ForcedRequest = { id: '1234', ra: 150.1, dec: 2.2, image: '/cache/visit42-diff.fits' };
 */
export interface ForcedRequest {
  id: unknown;
  ra: number;
  dec: number;
  image?: string;
  variance?: string;
}

/**
 * One measurement (x, y zero-based pixels; NaN flux when not measured, with a flag saying why).
 *
 * @example
 * const m: ForcedMeasurement = { id: '1', ra: 150.1, dec: 2.2, x: 10, y: 12, psfFlux: 350, psfFluxErr: 20, flags: ['forced'] };
 */
export interface ForcedMeasurement {
  id: unknown;
  ra: number;
  dec: number;
  x: number;
  y: number;
  psfFlux: number;
  psfFluxErr: number;
  flags: ForcedFlag[];
  /** Echoed when the request named its own image. */
  image?: string;
}

function configError(message: string, details: Record<string, unknown> = {}): AlertflowError {
  return new AlertflowError('ERR_STEP_CONFIG', `forcedMeasure: ${message}`, details);
}

function optionalNumber(config: Record<string, unknown>, key: string, ok: (n: number) => boolean): number | undefined {
  const v = config[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !ok(v)) throw configError(`${key} is invalid (${JSON.stringify(v)})`, { [key]: v });
  return v;
}

function optionalString(config: Record<string, unknown>, key: string): string | undefined {
  const v = config[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw configError(`${key} must be a non-empty path`, { [key]: v });
  return v;
}

/** Validates config and builds the PSF model. */
function parseConfig(config: Record<string, unknown>) {
  const psfFwhm = optionalNumber(config, 'psfFwhm', (n) => n > 0 && Number.isFinite(n));
  const psfPath = optionalString(config, 'psf');
  if ((psfFwhm === undefined) === (psfPath === undefined)) throw configError('give exactly one of psfFwhm (pixels) or psf (a PSF image)');
  const sigma = optionalNumber(config, 'sigma', (n) => n > 0 && Number.isFinite(n));
  const hdu = optionalNumber(config, 'hdu', (n) => Number.isInteger(n) && n >= 0);
  const cacheSize = optionalNumber(config, 'cacheSize', (n) => Number.isInteger(n) && n >= 0) ?? 8;
  const fs = config.fitShape;
  const oddInt = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n > 0 && n % 2 === 1;
  if (fs !== undefined && !(oddInt(fs) || (Array.isArray(fs) && fs.length === 2 && fs.every(oddInt)))) throw configError(`fitShape must be an odd integer or [ny, nx] of odd integers (got ${JSON.stringify(fs)})`);
  const background = config.background ?? 'none';
  if (background !== 'none' && background !== 'fit') throw configError(`background must be "none" or "fit" (got ${JSON.stringify(background)})`);
  let psf: PsfModel;
  try {
    if (psfPath !== undefined) {
      const img = loadImage(resolve(psfPath));
      psf = imagePsf(img.data, img.width, img.height, {
        oversampling: optionalNumber(config, 'psfOversampling', (n) => Number.isInteger(n) && n >= 1) ?? 1,
        interpolation: (config.psfInterpolation as PsfInterpolation | undefined) ?? 'sinc',
      });
    } else psf = gaussianPrf(psfFwhm!);
  } catch (err) {
    if (err instanceof AlertflowError && err.code === 'ERR_STEP_CONFIG') throw err;
    throw new AlertflowError('ERR_STEP_CONFIG', `forcedMeasure: cannot use the PSF: ${(err as Error).message}`, { psf: psfPath }, { cause: err });
  }
  return {
    psf,
    image: optionalString(config, 'image'),
    variance: optionalString(config, 'variance'),
    sigma,
    hdu,
    cacheSize,
    fitShape: fs as number | [number, number] | undefined,
    background: background as 'none' | 'fit',
  };
}

/**
 * Builds the forced-measurement step (a plain BatchFn; register it as a
 * `module` step or wrap it with `forcedMeasure` for RxJS). Bad config throws
 * ERR_STEP_CONFIG; a bad record (NaN coordinate, unreadable image, no WCS)
 * fails alone with ERR_PHOTOMETRY / ERR_IO / ERR_FITS.
 *
 * @example
 * const step = createForcedMeasureStep({ image: 'diff.fits', sigma: 8.5, psfFwhm: 3.5 });
 * const [r] = await step([{ id: 1, ra: 53.1, dec: -28.1 }]);
 * if (r.ok) r.out[0].psfFlux;
 */
export function createForcedMeasureStep(config: ForcedMeasureConfig | Record<string, unknown>): BatchFn<ForcedRequest, ForcedMeasurement> {
  const cfg = parseConfig(config as Record<string, unknown>);
  const planes = new LruCache<string, LoadedImage>(cfg.cacheSize);
  const plane = (path: string): LoadedImage => planes.get(`${path}\u0000${cfg.hdu ?? ''}`, () => loadImage(path, cfg.hdu));

  const imageFor = (imagePath: string, variancePath: string | undefined): ForcedImage => {
    const img = plane(imagePath);
    const out: ForcedImage = { data: img.data, width: img.width, height: img.height, ...(img.wcs ? { wcs: img.wcs } : {}) };
    if (variancePath !== undefined) {
      const v = plane(variancePath);
      if (v.width !== img.width || v.height !== img.height) throw new AlertflowError('ERR_PHOTOMETRY', `variance ${variancePath} is ${v.width}×${v.height}, image ${imagePath} is ${img.width}×${img.height}`, { image: imagePath, variance: variancePath });
      out.variance = v.data;
    } else if (cfg.sigma !== undefined) out.sigma = cfg.sigma;
    else throw new AlertflowError('ERR_PHOTOMETRY', `no variance plane or sigma for image ${imagePath}`, { image: imagePath });
    if (!out.wcs) throw new AlertflowError('ERR_PHOTOMETRY', `image ${imagePath} has no TAN WCS in its header`, { image: imagePath });
    return out;
  };

  return (batch) => {
    const results: RecordResult<ForcedMeasurement>[] = new Array(batch.length);
    const fail = (i: number, err: unknown): void => {
      results[i] = { ok: false, error: toErrorData(err) };
    };
    // Group by (image, variance) so each image is looked up once per batch.
    const groups = new Map<string, { image: string; variance: string | undefined; idx: number[] }>();
    batch.forEach((r, i) => {
      if (!r || typeof r !== 'object' || typeof r.ra !== 'number' || typeof r.dec !== 'number' || !Number.isFinite(r.ra) || !Number.isFinite(r.dec) || Math.abs(r.dec) > 90) {
        return fail(i, new AlertflowError('ERR_PHOTOMETRY', `record has no finite ra/dec (${JSON.stringify({ ra: r?.ra, dec: r?.dec })})`, { id: String(r?.id), reason: 'coordinates' }));
      }
      const own = typeof r.image === 'string' && r.image !== '';
      const image = own ? resolve(r.image!) : cfg.image !== undefined ? resolve(cfg.image) : undefined;
      if (image === undefined) return fail(i, new AlertflowError('ERR_PHOTOMETRY', 'record names no image and the step has none', { id: String(r.id) }));
      const recVar = typeof r.variance === 'string' && r.variance !== '' ? resolve(r.variance) : undefined;
      // The configured variance plane belongs to the configured image only.
      const variance = recVar ?? (cfg.variance !== undefined && cfg.image !== undefined && image === resolve(cfg.image) ? resolve(cfg.variance) : undefined);
      const key = `${image}\u0000${variance ?? ''}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { image, variance, idx: [] }));
      g.idx.push(i);
    });
    for (const g of groups.values()) {
      try {
        const img = imageFor(g.image, g.variance);
        const rows = forcedPhotometry(img, g.idx.map((i) => ({ ra: batch[i].ra, dec: batch[i].dec })), { psf: cfg.psf, fitShape: cfg.fitShape, background: cfg.background });
        g.idx.forEach((i, k) => {
          const r = batch[i];
          const m = rows[k];
          const out: ForcedMeasurement = { id: r.id, ra: r.ra, dec: r.dec, x: m.x, y: m.y, psfFlux: m.psfFlux, psfFluxErr: m.psfFluxErr, flags: m.flags };
          if (typeof r.image === 'string' && r.image !== '') out.image = r.image;
          results[i] = { ok: true, out: [out] };
        });
      } catch (err) {
        for (const i of g.idx) fail(i, err);
      }
    }
    return results;
  };
}
