/**
 * The measurement model: what a difference-image pipeline reports for an
 * object in one visit, given the visit's noise and seeing.
 */
import { fluxError } from './visits.js';
import type { Rng } from './prng.js';
import type { Band } from './rubin.js';
import { offsetArcsec } from './sky.js';
import { trueFlux, type SkyObject } from './population.js';

/**
 * Conditions of one exposure as the measurement model needs them.
 *
 * @example
 * const e: Exposure = { mjd: 61000.1, band: 'r', skySigma: 60, seeingArcsec: 0.8 };
 */
export interface Exposure {
  mjd: number;
  band: Band;
  skySigma: number;
  seeingArcsec: number;
}

/**
 * Fluxes (nJy) and their 1σ errors measured on the difference, science and template images.
 *
 * @example
 * const { psfFlux, psfFluxErr }: DifferenceFluxes = measure(obj, exposure, rng);
 */
export interface DifferenceFluxes {
  psfFlux: number;
  psfFluxErr: number;
  scienceFlux: number;
  scienceFluxErr: number;
  templateFlux: number;
  templateFluxErr: number;
}

/**
 * Measured quantities of one object in one exposure.
 *
 * @example
 * const { psfFlux, psfFluxErr }: Measurement = measure(obj, exposure, rng);
 */
export interface Measurement extends DifferenceFluxes {
  trueFlux: number;
  snr: number;
  ra: number;
  dec: number;
  posErrArcsec: number;
}

/** Template noise as a fraction of one visit's (templates are coadds). @example skySigma * TEMPLATE_NOISE */
export const TEMPLATE_NOISE = 1 / 3;

/**
 * 1σ centroid error (arcsec) for a PSF of the given FWHM at the given SNR, with a systematic floor.
 *
 * @example
 * centroidError(0.8, 10) // ≈ 0.034
 */
export function centroidError(seeingArcsec: number, snr: number): number {
  return Math.hypot(seeingArcsec / 2.3548 / Math.max(snr, 1), 0.01);
}

/**
 * Measures a static-sky object in an exposure: difference flux = (current − template) + noise.
 *
 * @example
 * const m = measure(obj, { mjd, band: 'r', skySigma: 60, seeingArcsec: 0.8 }, rng);
 */
export function measure(obj: SkyObject, exp: Exposure, rng: Rng): Measurement {
  const f = trueFlux(obj, exp.band, exp.mjd);
  const fT = obj.templateFlux[exp.band];
  const sci = fluxError(exp.skySigma, f);
  const tmpl = fluxError(exp.skySigma * TEMPLATE_NOISE, fT);
  const diff = Math.hypot(sci, tmpl);
  const psfFlux = f - fT + diff * rng.normal();
  const snr = Math.abs(psfFlux) / diff;
  const posErr = centroidError(exp.seeingArcsec, snr);
  const [ra, dec] = offsetArcsec(obj.ra, obj.dec, posErr * rng.normal(), posErr * rng.normal());
  return {
    trueFlux: f,
    psfFlux,
    psfFluxErr: diff,
    scienceFlux: f + sci * rng.normal(),
    scienceFluxErr: sci,
    templateFlux: fT + tmpl * rng.normal(),
    templateFluxErr: tmpl,
    snr,
    ra,
    dec,
    posErrArcsec: posErr,
  };
}

/**
 * Extendedness and reliability a classifier would give this kind of source.
 *
 * @example
 * const { extendedness, reliability } = classifierScores(true, rng);
 */
export function classifierScores(extended: boolean, rng: Rng): { extendedness: number | null; reliability: number } {
  const extendedness = rng.chance(0.05) ? null : extended ? 0.65 + 0.35 * rng.float() : Math.min(1, 0.08 * Math.abs(rng.normal()));
  const reliability = 1 - 0.3 * rng.float() ** 3;
  return { extendedness, reliability };
}
