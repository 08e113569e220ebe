/**
 * `alertflow retention --dir DIR --days N`: deletes a consumer's expired CSV
 * and cutout files (seed 001's `find … -mtime +N -delete` cron lines).
 */
import type { Command } from 'commander';
import { AlertflowError } from '../../errors.js';
import { applyFileRetention } from '../../archive/file-retention.js';

interface RetentionCliOptions {
  dir: string;
  days: string;
  by: string;
  dryRun?: boolean;
}

/** Registers `retention`. */
export function registerRetentionCommand(program: Command): void {
  program
    .command('retention')
    .description('Delete CSV (DIR/data/lsst_alerts_*.csv) and cutout (DIR/cutouts/*.fits) files older than N days')
    .requiredOption('--dir <dir>', 'the consumer output folder holding data/ and cutouts/')
    .requiredOption('--days <n>', 'keep files up to N whole days old (like find -mtime +N)')
    .option('--by <mode>', '"mtime" (file modification time, as find does) or "name" (the date in the file name, UTC)', 'mtime')
    .option('--dry-run', 'print what would be removed, remove nothing')
    .addHelpText('after', [
      '',
      'Only regular files matching those two patterns under DIR are considered; symbolic links are never',
      'followed or removed. Each removed path is printed, then a summary.',
      '',
      'Example (seed 001\'s cron cleanup, 60 days):',
      '  alertflow retention --dir ./lsst_alerts --days 60',
    ].join('\n'))
    .action(async (o: RetentionCliOptions) => {
      const days = Number(o.days);
      if (!Number.isInteger(days) || days < 0) throw new AlertflowError('ERR_CLI_USAGE', `--days must be a non-negative integer (got ${o.days})`);
      if (o.by !== 'mtime' && o.by !== 'name') throw new AlertflowError('ERR_CLI_USAGE', `--by must be mtime or name (got ${o.by})`);
      const dryRun = o.dryRun === true;
      const r = await applyFileRetention({ dir: o.dir, days, by: o.by, dryRun, onFile: (path) => process.stdout.write(`${dryRun ? 'would remove' : 'removed'} ${path}\n`) });
      const mb = (r.bytes / 1e6).toFixed(1);
      process.stdout.write(`${dryRun ? 'would remove' : 'removed'} ${r.removed.length} files (${mb} MB), kept ${r.kept}` + (r.undated.length ? `, ${r.undated.length} without a date in the name left alone` : '') + '\n');
    });
}
