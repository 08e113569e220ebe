/**
 * Renders the three alert cutouts (difference, science, template) as FITS
 * images: Gaussian PSF sources and an optional Gaussian host galaxy, plus
 * sky noise, in nJy per pixel, with a TAN WCS centred on the source.
 */
import { createFitsImageWriter } from '../fits/write.js';
import { tanSkyToPixel, type TanWcs } from '../fits/tan.js';
import { tanWcsCards } from '../fits/wcs-header.js';
import type { FitsCard } from '../fits/header.js';
import type { Rng } from './prng.js';
import { TEMPLATE_NOISE } from './measure.js';

/**
 * What the three stamps show.
 *
 * @example
 * renderCutouts({ size: 30, wcs, ra, dec, psfSigmaPix: 1.7, scienceFlux: 5e3, templateFlux: 4e3, differenceFlux: 1e3, skySigma: 60, host: null }, rng);
 */
export interface StampScene {
  size: number;
  wcs: TanWcs;
  /** True source position, degrees. */
  ra: number;
  dec: number;
  psfSigmaPix: number;
  /** Point-source flux (nJy) in the science and template images and in the difference. */
  scienceFlux: number;
  templateFlux: number;
  differenceFlux: number;
  /** Point-source 1σ sky noise of the visit, nJy (sets the per-pixel noise). */
  skySigma: number;
  host: { ra: number; dec: number; flux: number; sigmaPix: number } | null;
  extraCards?: FitsCard[];
}

/**
 * The cutouts as FITS bytes.
 *
 * @example
 * const { difference }: Cutouts = renderCutouts(scene, rng);
 */
export interface Cutouts {
  difference: Buffer;
  science: Buffer;
  template: Buffer;
}

/** 1-D Gaussian profile on pixel centres 1..n (FITS convention), scaled so the 2-D product integrates to `norm`. */
function profile(out: Float64Array, centre: number, sigma: number): void {
  const k = -0.5 / (sigma * sigma);
  for (let i = 0; i < out.length; i++) {
    const d = i + 1 - centre;
    out[i] = Math.exp(k * d * d);
  }
}

/**
 * Renders the difference, science and template cutouts of one alert.
 *
 * @example
 * const { difference, science, template } = renderCutouts(scene, rng);
 */
export function renderCutouts(scene: StampScene, rng: Rng): Cutouts {
  const n = scene.size;
  const write = createFitsImageWriter(-32, [n, n], [...tanWcsCards(scene.wcs), { key: 'BUNIT', value: 'nJy' }, ...(scene.extraCards ?? [])]);
  const [px, py] = tanSkyToPixel(scene.wcs, scene.ra, scene.dec);
  const gx = new Float64Array(n), gy = new Float64Array(n);
  profile(gx, px, scene.psfSigmaPix);
  profile(gy, py, scene.psfSigmaPix);
  const psfNorm = 1 / (2 * Math.PI * scene.psfSigmaPix * scene.psfSigmaPix);
  const hx = new Float64Array(n), hy = new Float64Array(n);
  let hostNorm = 0;
  if (scene.host && scene.host.flux > 0) {
    const [hpx, hpy] = tanSkyToPixel(scene.wcs, scene.host.ra, scene.host.dec);
    profile(hx, hpx, scene.host.sigmaPix);
    profile(hy, hpy, scene.host.sigmaPix);
    hostNorm = scene.host.flux / (2 * Math.PI * scene.host.sigmaPix * scene.host.sigmaPix);
  }
  // Per-pixel noise whose PSF-weighted sum gives the point-source error (noise-equivalent area 4πσ²).
  const pixSigma = scene.skySigma / (Math.sqrt(4 * Math.PI) * scene.psfSigmaPix);
  const tmplSigma = pixSigma * TEMPLATE_NOISE;
  const diffSigma = pixSigma * Math.hypot(1, TEMPLATE_NOISE);
  const diff = new Float32Array(n * n), sci = new Float32Array(n * n), tmpl = new Float32Array(n * n);
  const fd = scene.differenceFlux * psfNorm, fs = scene.scienceFlux * psfNorm, ft = scene.templateFlux * psfNorm;
  for (let y = 0, k = 0; y < n; y++) {
    const py1 = gy[y]!, hy1 = hy[y]! * hostNorm;
    for (let x = 0; x < n; x++, k++) {
      const p = gx[x]! * py1;
      const h = hx[x]! * hy1;
      diff[k] = fd * p + diffSigma * rng.normal();
      sci[k] = fs * p + h + pixSigma * rng.normal();
      tmpl[k] = ft * p + h + tmplSigma * rng.normal();
    }
  }
  return { difference: write(diff), science: write(sci), template: write(tmpl) };
}
