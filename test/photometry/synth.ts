/**
 * Synthetic fields for forced-photometry tests and benches: point sources
 * rendered with the pixel-integrated Gaussian PRF at known fluxes and
 * sub-pixel positions, optional Gaussian noise, a TAN WCS, written as FITS.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stampWcs, tanPixelToSky, writeFitsImage, type TanWcs } from '../../src/fits/index.js';
import { gaussianPrf, type PsfModel } from '../../src/photometry/psf.js';
import { Rng } from '../../src/simulator/prng.js';

export interface SynthOptions {
  width: number;
  height: number;
  fwhm: number;
  /** Grid spacing between sources in pixels (sources never blend beyond it). */
  spacing: number;
  seed: number;
  /** Noise sigma (0: noiseless). */
  sigma: number;
  /** Flux range, uniform in log. */
  flux?: [number, number];
  /** Model to render with (default: the Gaussian PRF of `fwhm`). */
  psf?: PsfModel;
  /** Sources closer than this to the border are not placed (default spacing / 2). */
  margin?: number;
}

export interface SynthSource {
  x: number;
  y: number;
  ra: number;
  dec: number;
  flux: number;
}

export interface SynthField {
  data: Float32Array;
  width: number;
  height: number;
  wcs: TanWcs;
  sources: SynthSource[];
  /** Writes image.fits (and var.fits with a constant variance sigma²) to `dir`; returns their paths. */
  write(dir: string): { image: string; variance: string };
}

/**
 * @example
 * const f = synthField({ width: 512, height: 512, fwhm: 3.5, spacing: 24, seed: 1, sigma: 0 });
 */
export function synthField(o: SynthOptions): SynthField {
  const rng = new Rng(o.seed);
  const { width, height } = o;
  const { wcs, cards } = stampWcs({ ra: 150.1, dec: 2.2, pixelScaleArcsec: 0.2, width, height, rotationDeg: 17 });
  const psf = o.psf ?? gaussianPrf(o.fwhm);
  const [f0, f1] = o.flux ?? [500, 50000];
  const acc = new Float64Array(width * height);
  const half = Math.ceil(4 * o.fwhm);
  const n = 2 * half + 1;
  const stamp = new Float64Array(n * n);
  const margin = o.margin ?? o.spacing / 2;
  const sources: SynthSource[] = [];
  for (let gy = margin; gy < height - margin; gy += o.spacing) {
    for (let gx = margin; gx < width - margin; gx += o.spacing) {
      const x = gx + rng.uniform(-0.5, 0.5);
      const y = gy + rng.uniform(-0.5, 0.5);
      const flux = f0 * Math.exp(rng.float() * Math.log(f1 / f0));
      const bx = Math.round(x) - half;
      const by = Math.round(y) - half;
      psf.render(x, y, bx, by, n, n, stamp);
      for (let j = 0; j < n; j++) {
        const yy = by + j;
        if (yy < 0 || yy >= height) continue;
        for (let i = 0; i < n; i++) {
          const xx = bx + i;
          if (xx >= 0 && xx < width) acc[yy * width + xx] += flux * stamp[j * n + i];
        }
      }
      const [ra, dec] = tanPixelToSky(wcs, x + 1, y + 1);
      sources.push({ x, y, ra, dec, flux });
    }
  }
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = acc[i] + (o.sigma > 0 ? o.sigma * rng.normal() : 0);
  return {
    data,
    width,
    height,
    wcs,
    sources,
    write(dir) {
      const image = join(dir, 'image.fits');
      const variance = join(dir, 'var.fits');
      writeFileSync(image, writeFitsImage({ data, axes: [width, height], cards }));
      const v = new Float32Array(width * height).fill(o.sigma > 0 ? o.sigma * o.sigma : 1);
      writeFileSync(variance, writeFitsImage({ data: v, axes: [width, height], cards }));
      return { image, variance };
    },
  };
}
