/**
 * Forced photometry throughput: positions per second of our closed-form fit
 * (core on a decoded image; the batch step from FITS files on disk, sky
 * positions through the WCS; a sinc-shifted PSF image) against photutils
 * PSFPhotometry with x, y fixed, on the same seeded image and positions, in
 * the same run. Flux agreement with photutils is reported alongside.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forcedPhotometry } from '../../src/photometry/fit.js';
import { gaussianPrf, imagePsf } from '../../src/photometry/psf.js';
import { createForcedMeasureStep } from '../../src/photometry/step.js';
import { synthField } from '../../test/photometry/synth.js';
import { pythonMissing, runPeer } from '../lib/python.js';
import { median, ratio, round, since } from '../lib/stats.js';

const FWHM = 3.5;
const SIGMA = 5;
const SPACING = 16;
const REPEAT = 3;

/**
 * Runs the bench and returns a JSON-ready report ({inputs, results, ratios, notes}).
 *
 * @example
 * const report = await benchForced({ positions: 2000, seed: 1 });
 * report.ratios // { coreVsPhotutils: …, stepVsPhotutils: … }
 */
export async function benchForced(opts: { positions?: number; seed?: number } = {}): Promise<Record<string, unknown>> {
  const wanted = opts.positions ?? 2000;
  const seed = opts.seed ?? 1;
  const side = (Math.ceil(Math.sqrt(wanted)) + 1) * SPACING; // a grid with at least `wanted` sources
  const field = synthField({ width: side, height: side, fwhm: FWHM, spacing: SPACING, seed, sigma: SIGMA, flux: [100, 20000] });
  const sources = field.sources.slice(0, wanted);
  const n = sources.length;
  const fitShape = 2 * Math.ceil(1.5 * FWHM) + 1;
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-bench-forced-'));
  const notes: string[] = [
    `${n} positions on a ${side}x${side} float32 image, Gaussian PRF FWHM ${FWHM} px, noise sigma ${SIGMA}, fit_shape ${fitShape}; medians of ${REPEAT} rounds`,
    'core: forcedPhotometry on the decoded image at pixel positions; step: createForcedMeasureStep from the FITS file (cold cache each round), sky positions through the TAN WCS',
    'photutils: PSFPhotometry(CircularGaussianPRF, x_0/y_0 fixed, error = sigma) call only, image already in memory; its iterative fitter solves the same linear least squares',
  ];
  try {
    const { image } = field.write(dir);
    const pixels = sources.map((s) => ({ x: s.x, y: s.y }));
    const sky = sources.map((s, i) => ({ id: i, ra: s.ra, dec: s.dec }));
    const psfSide = 25;
    const psfPixels = new Float64Array(psfSide * psfSide);
    gaussianPrf(FWHM).render((psfSide - 1) / 2, (psfSide - 1) / 2, 0, 0, psfSide, psfSide, psfPixels);
    const core: number[] = [], step: number[] = [], imageMode: number[] = [];
    let rows = forcedPhotometry({ ...field, sigma: SIGMA }, pixels, { psf: gaussianPrf(FWHM) }); // warm-up
    for (let r = 0; r < REPEAT; r++) {
      let t = performance.now();
      rows = forcedPhotometry({ ...field, sigma: SIGMA }, pixels, { psf: gaussianPrf(FWHM) });
      core.push(since(t));
      t = performance.now();
      const results = await createForcedMeasureStep({ image, sigma: SIGMA, psfFwhm: FWHM })(sky);
      step.push(since(t));
      if (results.some((x) => !x.ok)) throw new Error('forced step failed a record');
      t = performance.now();
      forcedPhotometry({ ...field, sigma: SIGMA }, pixels, { psf: imagePsf(psfPixels, psfSide, psfSide) });
      imageMode.push(since(t));
    }
    const rate = (runs: number[]): number => round(n / median(runs), 1);
    const results: Record<string, unknown> = {
      core: { seconds: round(median(core), 4), positionsPerSecond: rate(core) },
      step: { seconds: round(median(step), 4), positionsPerSecond: rate(step) },
      coreImagePsfSinc: { seconds: round(median(imageMode), 4), positionsPerSecond: rate(imageMode) },
    };
    const missing = pythonMissing();
    let photutilsRate: number | undefined;
    if (missing) results.photutils = { skipped: missing };
    else {
      const job = join(dir, 'job.json');
      writeFileSync(job, JSON.stringify({ image, sigma: SIGMA, fwhm: FWHM, fit_shape: [fitShape, fitShape], positions: pixels.map((p) => [p.x, p.y]), flux_init: 1000 }));
      const py = await runPeer<{ flux: (number | null)[]; seconds: number; seconds_total: number }>('photometry_psf.py', [job]);
      photutilsRate = round(n / py.seconds, 1);
      let worst = 0;
      rows.forEach((row, i) => (worst = Math.max(worst, Math.abs(row.psfFlux - (py.flux[i] ?? NaN)) / row.psfFluxErr)));
      results.photutils = { seconds: round(py.seconds, 4), positionsPerSecond: photutilsRate, secondsWithStartup: round(py.seconds_total, 3), maxFluxDifferenceInSigma: Number.isNaN(worst) ? null : Number(worst.toExponential(2)) };
    }
    return {
      inputs: { positions: n, seed, width: side, height: side, fwhm: FWHM, sigma: SIGMA, fitShape },
      results,
      ratios: {
        coreVsPhotutils: ratio(rate(core), photutilsRate),
        stepVsPhotutils: ratio(rate(step), photutilsRate),
        coreImagePsfVsPhotutils: ratio(rate(imageMode), photutilsRate),
      },
      notes,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
