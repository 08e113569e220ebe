/**
 * `alertflow cutout --image IMG.fits --positions POS.csv --size N --out DIR`:
 * postage stamps around the positions of a CSV file (header `id,ra,dec`),
 * cut from one image on astropy Cutout2D's pixel grid, written as
 * DIR/<id>.fits (or .fits.gz) and, with --png, DIR/<id>.png.
 */
import type { Command } from 'commander';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AlertflowError, fromErrorData } from '../../errors.js';
import { numberCell, readCsvFile } from '../../io/csv.js';
import { createCutoutCore, type CutoutRequest } from '../../imaging/batch.js';
import { loadSkyImage } from '../../imaging/image.js';
import type { SizeUnit } from '../../imaging/cutout.js';

interface CutoutCliOptions {
  image: string;
  positions: string;
  size: string;
  sizeUnit: string;
  out: string;
  gzip?: boolean;
  png?: boolean;
  stretch: string;
  hdu?: string;
  skipOutside?: boolean;
}

/**
 * What one run did (also printed as the summary line).
 *
 * @example
 * const s: CutoutSummary = { written: 10, partial: 2, outside: 1, failed: 0 };
 */
export interface CutoutSummary {
  written: number;
  partial: number;
  outside: number;
  failed: number;
}

function usage(message: string): AlertflowError {
  return new AlertflowError('ERR_CLI_USAGE', `cutout: ${message}`);
}

/** File names from ids: anything but letters, digits, '.', '_' and '-' becomes '_'. */
function safeName(id: string): string {
  const s = id.replace(/[^A-Za-z0-9._-]/g, '_');
  return s === '' || s === '.' || s === '..' ? `_${s}` : s;
}

/**
 * Runs the cutout command (exported for tests): reads the positions, cuts
 * every stamp from the image loaded once, writes the files, returns the summary.
 *
 * @example
 * await runCutout({ image: 'calexp.fits', positions: 'pos.csv', size: '31', sizeUnit: 'pix', out: 'stamps', stretch: 'zscale' });
 */
export async function runCutout(o: CutoutCliOptions, log: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<CutoutSummary> {
  const size = Number(o.size);
  if (!(Number.isFinite(size) && size > 0)) throw usage(`--size needs a positive number, got "${o.size}"`);
  if (o.sizeUnit !== 'pix' && o.sizeUnit !== 'arcsec') throw usage(`--size-unit must be pix or arcsec, got "${o.sizeUnit}"`);
  if (o.stretch !== 'zscale' && o.stretch !== 'asinh') throw usage(`--stretch must be zscale or asinh, got "${o.stretch}"`);
  const hdu = o.hdu === undefined ? undefined : /^\d+$/.test(o.hdu) ? Number(o.hdu) : o.hdu;
  const { rows } = readCsvFile(o.positions, ['id', 'ra', 'dec']);
  const requests: CutoutRequest[] = rows.map((r, k) => ({ id: r.id!, ra: numberCell(r, 'ra', k + 2), dec: numberCell(r, 'dec', k + 2) }));
  const image = await loadSkyImage(o.image, hdu);
  const core = createCutoutCore({ image, size, sizeUnit: o.sizeUnit as SizeUnit, gzip: Boolean(o.gzip), png: o.png ? (o.stretch as 'zscale' | 'asinh') : false, skipOutside: Boolean(o.skipOutside) });
  await mkdir(o.out, { recursive: true });
  const summary: CutoutSummary = { written: 0, partial: 0, outside: 0, failed: 0 };
  // Batches bound the memory held by encoded stamps.
  for (let i = 0; i < requests.length; i += 256) {
    const batch = requests.slice(i, i + 256);
    const results = await core(batch);
    for (const [k, r] of results.entries()) {
      const req = batch[k]!;
      if (!r.ok) {
        summary.failed++;
        const e = fromErrorData(r.error);
        log(`cutout: ${req.id}: ${e.code}: ${e.message}`);
        continue;
      }
      for (const s of r.out) {
        const base = join(o.out, safeName(String(s.id)));
        await writeFile(`${base}.fits${o.gzip ? '.gz' : ''}`, s.fits);
        if (s.png) await writeFile(`${base}.png`, s.png);
        summary.written++;
      }
      const flags = r.out[0]?.flags;
      if (flags?.partial) summary.partial++;
      if (flags?.outside || (r.out.length === 0 && o.skipOutside)) summary.outside++;
    }
  }
  return summary;
}

/**
 * Adds `cutout` to the program.
 *
 * @example
 * registerCutoutCommand(program);
 */
export function registerCutoutCommand(program: Command): void {
  program
    .command('cutout')
    .description('Cut postage stamps (FITS, optional PNG) around sky positions from one FITS image with a celestial WCS (TAN, SIN, ZEA)')
    .requiredOption('--image <file>', 'FITS image (.fits or .fits.gz) with a TAN, SIN or ZEA WCS')
    .requiredOption('--positions <csv>', 'CSV file with a header row containing id,ra,dec (degrees, in the image WCS frame)')
    .requiredOption('--size <n>', 'stamp side (square stamps), in --size-unit')
    .option('--size-unit <unit>', 'pix or arcsec', 'pix')
    .requiredOption('--out <dir>', 'output directory (created if missing)')
    .option('--gzip', 'write gzip-compressed stamps (<id>.fits.gz, as ZTF ships them)')
    .option('--png', 'also write 8-bit greyscale <id>.png previews (north up, NaN black)')
    .option('--stretch <name>', 'PNG stretch: zscale (IRAF, linear) or asinh (a = 0.1 on min-max)', 'zscale')
    .option('--hdu <n|name>', 'image HDU: index (0 = primary) or EXTNAME; default the primary, or HDU 1 when the primary is empty')
    .option('--skip-outside', 'write nothing for positions wholly off the image (default: an all-NaN stamp)')
    .addHelpText(
      'after',
      '\nStamps sit on the pixel grid of astropy.nddata.Cutout2D(mode="partial", fill_value=nan): pixels off the\n' +
        'image are NaN, even sizes round the position up, and each stamp header carries the image WCS with\n' +
        'CRPIX shifted. Prints "written N, partial N, outside N, failed N"; exit status 1 if any position failed.\n' +
        '\nExample:\n  alertflow cutout --image calexp.fits --positions pos.csv --size 63 --out stamps --png --stretch asinh',
    )
    .action(async (o: CutoutCliOptions) => {
      const s = await runCutout(o);
      process.stdout.write(`written ${s.written}, partial ${s.partial}, outside ${s.outside}, failed ${s.failed}\n`);
      if (s.failed > 0) process.exitCode = 1;
    });
}
