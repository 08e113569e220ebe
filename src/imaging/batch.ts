/**
 * The cutout batch core: many positions against one image (or a few, by
 * path, through an LRU cache), each giving FITS bytes, an optional PNG and
 * flags. It is a plain {@link BatchFn}, so it runs in-process or in a worker.
 */
import { AlertflowError, toErrorData } from '../errors.js';
import { writeFits } from '../fits/write-hdus.js';
import type { BatchFn, RecordResult } from '../runtime/types.js';
import { cutoutAt, type CutoutFlags, type SizeUnit, type Stamp, type StampSize } from './cutout.js';
import { SkyImageCache, type SkyImage } from './image.js';
import { stampPng } from './png.js';
import type { StretchName } from './stretch.js';

/**
 * One position to cut: `image` (a path) overrides the configured image for this record.
 *
 * @example
 * const r: CutoutRequest = { id: 'src-1', ra: 150.1, dec: 2.2 };
 */
export interface CutoutRequest {
  id: string | number | bigint;
  ra: number;
  dec: number;
  image?: string;
}

/**
 * One stamp: FITS bytes (gzip when configured), PNG when configured, flags.
 *
 * @example
 * writeFileSync(`${r.id}.fits`, r.fits);
 */
export interface CutoutResult {
  id: string | number | bigint;
  ra: number;
  dec: number;
  fits: Uint8Array;
  png?: Uint8Array;
  flags: CutoutFlags;
}

/**
 * Configuration of the cutout core. `image` is a path (JSON-safe, for
 * workers) or an already loaded {@link SkyImage} (in-process only).
 *
 * @example
 * const cfg: CutoutConfig = { image: 'calexp.fits', size: 63, sizeUnit: 'pix', gzip: true, png: 'zscale' };
 */
export interface CutoutConfig {
  image?: string | SkyImage;
  /** HDU of the image file: index or EXTNAME (default: primary, or the first extension when the primary is empty). */
  hdu?: number | string;
  size: StampSize;
  sizeUnit?: SizeUnit;
  /** Gzip the FITS bytes (ZTF style); default plain (Rubin style). */
  gzip?: boolean;
  /** PNG stretch, or false / absent for no PNG. */
  png?: StretchName | false;
  /** Positions wholly off the image give no output instead of an all-NaN stamp flagged `outside`. */
  skipOutside?: boolean;
  /** Images kept loaded (default 4). */
  cacheSize?: number;
}

/**
 * FITS bytes of a stamp: a primary HDU (BITPIX −32 or −64) with its WCS cards.
 *
 * @example
 * const bytes = stampFits(stamp, { gzip: true });
 */
export function stampFits(stamp: Stamp, opts: { gzip?: boolean } = {}): Uint8Array {
  const buf = writeFits([{ data: stamp.data, axes: [stamp.width, stamp.height], cards: stamp.cards }], { gzip: opts.gzip ?? false });
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * Checks a plain-JSON cutout configuration (throws ERR_STEP_CONFIG).
 *
 * @example
 * validateCutoutConfig({ image: 'a.fits', size: 31 })
 */
export function validateCutoutConfig(c: Record<string, unknown>): CutoutConfig {
  const fail = (msg: string): never => {
    throw new AlertflowError('ERR_STEP_CONFIG', `cutout: ${msg}`, { config: Object.keys(c) });
  };
  const size = c.size;
  const okSide = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;
  if (!(okSide(size) || (Array.isArray(size) && size.length === 2 && size.every(okSide)))) fail('"size" must be a positive number or [ny, nx]');
  if (c.sizeUnit !== undefined && c.sizeUnit !== 'pix' && c.sizeUnit !== 'arcsec') fail('"sizeUnit" must be "pix" or "arcsec"');
  if (c.png !== undefined && c.png !== false && c.png !== 'zscale' && c.png !== 'asinh') fail('"png" must be "zscale", "asinh" or false');
  if (c.image !== undefined && typeof c.image !== 'string' && !(typeof c.image === 'object' && c.image !== null && 'wcs' in c.image)) fail('"image" must be a path or a loaded image');
  if (c.hdu !== undefined && typeof c.hdu !== 'number' && typeof c.hdu !== 'string') fail('"hdu" must be an index or an EXTNAME');
  return c as unknown as CutoutConfig;
}

/**
 * Cuts every request against one loaded image (results line up with requests).
 *
 * @example
 * const results = await cutoutBatch(img, [{ id: 1, ra, dec }], { size: 31 });
 */
export async function cutoutBatch(img: SkyImage, requests: readonly CutoutRequest[], config: CutoutConfig): Promise<RecordResult<CutoutResult>[]> {
  const results: RecordResult<CutoutResult>[] = [];
  for (const r of requests) {
    try {
      const stamp = cutoutAt(img, r.ra, r.dec, { size: config.size, sizeUnit: config.sizeUnit ?? 'pix' });
      if (stamp.flags.outside && config.skipOutside) {
        results.push({ ok: true, out: [] });
        continue;
      }
      const out: CutoutResult = { id: r.id, ra: r.ra, dec: r.dec, fits: stampFits(stamp, { gzip: config.gzip ?? false }), flags: stamp.flags };
      if (config.png) out.png = stampPng(stamp, config.png);
      results.push({ ok: true, out: [out] });
    } catch (err) {
      results.push({ ok: false, error: toErrorData(err) });
    }
  }
  return results;
}

/**
 * The cutout core as a batch function: each request's image (its own `image`
 * path, else the configured one) is loaded once through an LRU cache that
 * belongs to this core.
 *
 * @example
 * const core = createCutoutCore({ image: 'calexp.fits', size: 31, png: 'asinh' });
 * const results = await core([{ id: 'a', ra: 150.1, dec: 2.2 }]);
 */
export function createCutoutCore(config: CutoutConfig): BatchFn<CutoutRequest, CutoutResult> {
  validateCutoutConfig(config as unknown as Record<string, unknown>);
  const cache = new SkyImageCache(config.cacheSize ?? 4);
  return async (batch) => {
    const results: RecordResult<CutoutResult>[] = new Array(batch.length);
    // Group by image so each image is fetched once per batch, keeping result order.
    const groups = new Map<string | SkyImage | undefined, number[]>();
    batch.forEach((r, i) => {
      const key = typeof r?.image === 'string' ? r.image : config.image;
      const group = groups.get(key);
      if (group) group.push(i);
      else groups.set(key, [i]);
    });
    for (const [key, idx] of groups) {
      let img: SkyImage;
      try {
        if (key === undefined) throw new AlertflowError('ERR_STEP_CONFIG', 'cutout: no image configured and the record names none');
        img = typeof key === 'string' ? await cache.get(key, config.hdu) : key;
      } catch (err) {
        const error = toErrorData(err);
        for (const i of idx) results[i] = { ok: false, error };
        continue;
      }
      const done = await cutoutBatch(img, idx.map((i) => batch[i]!), config);
      idx.forEach((i, k) => (results[i] = done[k]!));
    }
    return results;
  };
}
