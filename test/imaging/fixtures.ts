/** Seeded test images with a WCS, for cutout tests. */
import { writeFits } from '../../src/fits/write-hdus.js';
import { wcsHeaderCards } from '../../src/wcs/header.js';
import type { CelestialWcs } from '../../src/wcs/celestial.js';
import type { FitsCard } from '../../src/fits/header.js';

/** Mulberry32: a tiny seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const WIDTH = 120;
export const HEIGHT = 90;

/** A rotated TAN WCS at 0.2″/pixel. */
export function testWcs(projection: 'TAN' | 'SIN' | 'ZEA' = 'TAN'): CelestialWcs {
  const s = 0.2 / 3600, r = (33 * Math.PI) / 180;
  return { projection, crval: [150.1, 2.2], crpix: [60.3, 44.9], cd: [[-s * Math.cos(r), -s * Math.sin(r)], [-s * Math.sin(r), s * Math.cos(r)]], radesys: 'ICRS' };
}

/** Noise plus a few Gaussian stars, float32, with a NaN or two. */
export function testPixels(seed = 1): Float32Array {
  const rnd = prng(seed);
  const data = new Float32Array(WIDTH * HEIGHT);
  const stars = Array.from({ length: 6 }, () => [rnd() * WIDTH, rnd() * HEIGHT, 200 + rnd() * 5000] as const);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      let v = 100 + (rnd() - 0.5) * 20;
      for (const [sx, sy, f] of stars) v += f * Math.exp(-((x - sx) ** 2 + (y - sy) ** 2) / 4.5);
      data[y * WIDTH + x] = v;
    }
  }
  data[5] = NaN;
  data[WIDTH * 40 + 70] = NaN;
  return data;
}

/** FITS bytes of the test image: primary HDU, or an empty primary and an extension named SCI. */
export function testImageFits(opts: { ext?: boolean; projection?: 'TAN' | 'SIN' | 'ZEA'; gzip?: boolean; extra?: FitsCard[] } = {}): Buffer {
  const hdu = { data: testPixels(), axes: [WIDTH, HEIGHT], cards: [...wcsHeaderCards(testWcs(opts.projection)), { key: 'BUNIT', value: 'nJy' }, { key: 'MJD-OBS', value: 60000.5 }, ...(opts.extra ?? [])] };
  return writeFits(opts.ext ? [{}, { ...hdu, extname: 'SCI' }] : [hdu], { gzip: opts.gzip ?? false });
}
