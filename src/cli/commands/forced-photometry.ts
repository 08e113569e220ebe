/**
 * `alertflow forced-photometry`: PSF fluxes at the sky positions of a CSV
 * (`id,ra,dec`) on one image, written as CSV
 * (`id,ra,dec,x,y,psfFlux,psfFluxErr,flags`). Rows that cannot be measured
 * at all (a non-numeric coordinate) are reported on stderr with their code;
 * the rest are still written and the exit status is 1.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { AlertflowError } from '../../errors.js';
import { csvLine, readCsvFile } from '../../io/csv.js';
import { formatFlags } from '../../photometry/flags.js';
import { createForcedMeasureStep, type ForcedMeasureConfig, type ForcedRequest } from '../../photometry/step.js';

/**
 * Options of {@link forcedPhotometryToFile} (the command's flags).
 *
 * @example
 * const o: ForcedPhotometryFileOptions = { image: 'diff.fits', sigma: 5, psfFwhm: 3.5, positions: 'pos.csv', out: 'out.csv' };
 */
export interface ForcedPhotometryFileOptions {
  image: string;
  variance?: string;
  sigma?: number;
  psfFwhm?: number;
  psf?: string;
  positions: string;
  out: string;
  fitShape?: number;
  hdu?: number;
  background?: 'none' | 'fit';
  psfOversampling?: number;
  psfInterpolation?: ForcedMeasureConfig['psfInterpolation'];
}

/** Columns of the output CSV. */
const COLUMNS = ['id', 'ra', 'dec', 'x', 'y', 'psfFlux', 'psfFluxErr', 'flags'] as const;
/** Records per step call: bounds the memory of results for very long position lists. */
const CHUNK = 4096;

/**
 * Measures every position of `positions` and writes `out` (via `<out>.partial`, renamed when complete).
 *
 * @example
 * const { measured, failed } = await forcedPhotometryToFile({ image: 'diff.fits', sigma: 5, psfFwhm: 3.5, positions: 'pos.csv', out: 'out.csv' });
 */
export async function forcedPhotometryToFile(o: ForcedPhotometryFileOptions, errors: NodeJS.WritableStream = process.stderr): Promise<{ measured: number; failed: number; path: string }> {
  const config: ForcedMeasureConfig = { image: o.image, cacheSize: 2 };
  if (o.variance !== undefined) config.variance = o.variance;
  if (o.sigma !== undefined) config.sigma = o.sigma;
  if (o.psfFwhm !== undefined) config.psfFwhm = o.psfFwhm;
  if (o.psf !== undefined) config.psf = o.psf;
  if (o.fitShape !== undefined) config.fitShape = o.fitShape;
  if (o.hdu !== undefined) config.hdu = o.hdu;
  if (o.background !== undefined) config.background = o.background;
  if (o.psfOversampling !== undefined) config.psfOversampling = o.psfOversampling;
  if (o.psfInterpolation !== undefined) config.psfInterpolation = o.psfInterpolation;
  if (config.variance === undefined && config.sigma === undefined) throw new AlertflowError('ERR_CLI_USAGE', 'give --variance VAR.fits or --sigma S');
  if ((config.psfFwhm === undefined) === (config.psf === undefined)) throw new AlertflowError('ERR_CLI_USAGE', 'give exactly one of --psf-fwhm PIX or --psf PSF.fits');
  const step = createForcedMeasureStep(config);
  const { rows } = readCsvFile(o.positions, ['id', 'ra', 'dec']);
  const path = resolve(o.out);
  mkdirSync(dirname(path), { recursive: true });
  const lines: string[] = [csvLine(COLUMNS)];
  let measured = 0;
  let failed = 0;
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    // Empty or non-numeric cells become NaN, which the step reports as a failed record.
    const requests: ForcedRequest[] = chunk.map((r) => ({ id: r.id, ra: r.ra.trim() === '' ? NaN : Number(r.ra), dec: r.dec.trim() === '' ? NaN : Number(r.dec) }));
    const results = await step(requests);
    results.forEach((res, k) => {
      if (res.ok) {
        for (const m of res.out) lines.push(csvLine([m.id, m.ra, m.dec, m.x, m.y, m.psfFlux, m.psfFluxErr, formatFlags(m.flags)]));
        measured++;
        return;
      }
      // Only a row's own coordinates fail it alone; an unusable image (unreadable, no WCS) stops the command.
      if (res.error.details?.reason !== 'coordinates') throw new AlertflowError(res.error.code, res.error.message, res.error.details ?? {});
      failed++;
      errors.write(`forced-photometry: ${o.positions} row ${start + k + 2} (id ${chunk[k].id}): ${res.error.code}: ${res.error.message}\n`);
    });
  }
  writeFileSync(`${path}.partial`, lines.join(''));
  renameSync(`${path}.partial`, path);
  return { measured, failed, path };
}

function number(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new AlertflowError('ERR_CLI_USAGE', `--${name} must be a number (got ${v})`);
    return n;
  };
}

function integer(name: string): (v: string) => number {
  return (v) => {
    const n = number(name)(v);
    if (!Number.isInteger(n) || n < 0) throw new AlertflowError('ERR_CLI_USAGE', `--${name} must be a non-negative integer (got ${v})`);
    return n;
  };
}

/**
 * Adds `forced-photometry` to the program.
 *
 * @example
 * registerForcedPhotometryCommand(program); // alertflow forced-photometry --help
 */
export function registerForcedPhotometryCommand(program: Command): void {
  program
    .command('forced-photometry')
    .description('PSF-fit flux and error at fixed sky positions (id,ra,dec CSV) on a difference or calibrated image')
    .requiredOption('--image <fits>', 'image to measure on (FITS, plain or .gz, with a TAN WCS)')
    .option('--variance <fits>', 'variance plane, same shape as the image')
    .option('--sigma <s>', 'constant background noise sigma (instead of --variance)', number('sigma'))
    .option('--psf-fwhm <pix>', 'circular Gaussian PRF (integrated over each pixel) with this FWHM in pixels', number('psf-fwhm'))
    .option('--psf <fits>', 'PSF image (normalised to sum 1, centred on its middle pixel, sinc-shifted by default)')
    .requiredOption('--positions <csv>', 'CSV with columns id,ra,dec (degrees, ICRS)')
    .requiredOption('--out <csv>', 'output CSV: id,ra,dec,x,y,psfFlux,psfFluxErr,flags')
    .option('--fit-shape <n>', 'odd side of the fitting box in pixels (default 2*ceil(1.5*FWHM)+1)', integer('fit-shape'))
    .option('--hdu <n>', 'HDU of the image, variance and PSF files (default: the first 2-D image)', integer('hdu'))
    .option('--background <mode>', '"none" (default: difference images) or "fit" a constant local background', 'none')
    .option('--psf-oversampling <n>', 'PSF image samples per image pixel', integer('psf-oversampling'))
    .option('--psf-interpolation <kind>', 'PSF image shift: sinc (default, band-limited), lanczos3, bicubic or bilinear')
    .addHelpText(
      'after',
      '\nx, y are zero-based pixel coordinates (astropy origin 0); psfFlux is the total flux of the PSF model in\n' +
        'image units, psfFluxErr = 1/sqrt(sum P^2/variance). flags: forced (always), edge (box clipped),\n' +
        'nan (masked pixels skipped), outside (off the image: no measurement), zeroWeight (no usable pixel).\n' +
        'Exit status: 0 when every row was measured, 1 when some rows had unusable coordinates (see stderr).',
    )
    .action(async (o: ForcedPhotometryFileOptions) => {
      if (o.background !== 'none' && o.background !== 'fit') throw new AlertflowError('ERR_CLI_USAGE', `--background must be none or fit (got ${String(o.background)})`);
      const r = await forcedPhotometryToFile(o);
      process.stderr.write(`forced-photometry: ${r.measured} measured, ${r.failed} failed -> ${r.path}\n`);
      if (r.failed > 0) process.exitCode = 1;
    });
}
