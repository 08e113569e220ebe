/**
 * Sky images for cutouts: one 2-D FITS image HDU with its physical pixel
 * values and celestial WCS, loaded once and shared by many cutouts.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AlertflowError } from '../errors.js';
import type { FitsCard } from '../fits/header.js';
import { physicalPixels, readFits } from '../fits/read.js';
import type { CelestialWcs } from '../wcs/celestial.js';
import { wcsFromHeader } from '../wcs/header.js';
import { LruCache } from './lru.js';

/**
 * A 2-D image with physical pixel values (BSCALE/BZERO applied, BLANK → NaN)
 * in row-major order (`data[y * width + x]`, x and y 0-based) and its WCS.
 *
 * @example
 * const img: SkyImage = skyImageFromFits(readFileSync('calexp.fits'));
 */
export interface SkyImage {
  width: number;
  height: number;
  data: Float32Array | Float64Array;
  wcs: CelestialWcs;
  /** The HDU's header cards (for passing selected keywords on to stamps). */
  cards: FitsCard[];
}

/**
 * Decodes one image HDU (default: the primary, or the first IMAGE extension
 * when the primary is empty) of FITS / gzip FITS bytes into a {@link SkyImage}.
 * Degenerate extra axes (NAXIS3 = 1, …) are accepted.
 *
 * @example
 * const img = skyImageFromFits(bytes, 'SCI');
 */
export function skyImageFromFits(bytes: Uint8Array, hdu?: number | string): SkyImage {
  let h = readFits(bytes, hdu ?? 0);
  if (hdu === undefined && h.axes.length === 0) h = readFits(bytes, 1);
  const [width = 0, height = 1, ...rest] = h.axes;
  if (h.axes.length < 2 || rest.some((n) => n !== 1)) throw new AlertflowError('ERR_FITS', `cutouts need a 2-D image, this HDU has axes [${h.axes.join(', ')}]`, { axes: h.axes });
  return { width, height, data: physicalPixels(h), wcs: wcsFromHeader(h.cards, { ignoreDistortion: true }), cards: h.cards };
}

/**
 * Reads and decodes an image file (`.fits` or `.fits.gz`).
 *
 * @example
 * const img = await loadSkyImage('/data/calexp.fits.gz');
 */
export async function loadSkyImage(path: string, hdu?: number | string): Promise<SkyImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new AlertflowError('ERR_IO', `cannot read image ${path}: ${(e as Error).message}`, { path }, { cause: e });
  }
  return skyImageFromFits(bytes, hdu);
}

/**
 * Loads images by path through a small LRU cache (default 4 images), so a
 * batch of positions — or a stream of batches — reads each image once.
 * Concurrent requests for one image share one read.
 *
 * @example
 * const images = new SkyImageCache(2);
 * const img = await images.get('/data/calexp.fits');
 */
export class SkyImageCache {
  private readonly cache: LruCache<string, Promise<SkyImage>>;

  constructor(capacity = 4) {
    this.cache = new LruCache(capacity);
  }

  get(path: string, hdu?: number | string): Promise<SkyImage> {
    const key = `${resolve(path)}\u0000${hdu ?? ''}`;
    let p = this.cache.get(key);
    if (!p) {
      p = loadSkyImage(path, hdu);
      // A failed load is not cached, so a later batch can retry.
      p.catch(() => this.cache.delete(key));
      this.cache.set(key, p);
    }
    return p;
  }

  get size(): number {
    return this.cache.size;
  }
}
