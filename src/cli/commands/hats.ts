/**
 * `alertflow export hats` (native HATS export / nightly append) and
 * `alertflow hats compact` (rebalance a catalog, swapped in atomically).
 */
import type { Command } from 'commander';
import { AlertflowError } from '../../errors.js';
import type { HatsInput, HatsProgress, HatsWriteResult, PartitionStrategy } from '../../hats/index.js';
import { Progress } from '../progress.js';

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new AlertflowError('ERR_CLI_USAGE', `${name} must be a positive integer (got ${value})`);
  return n;
}

function orderOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 20) throw new AlertflowError('ERR_CLI_USAGE', `--mapping-order must be an integer 0..20 (got ${value})`);
  return n;
}

function strategyOf(value: string | undefined): PartitionStrategy | undefined {
  if (value === undefined) return undefined;
  if (value !== 'top-down' && value !== 'drop-empty-siblings') throw new AlertflowError('ERR_CLI_USAGE', `--strategy must be top-down or drop-empty-siblings (got ${value})`);
  return value;
}

/** One bar per phase: loading, writing leaves, moving them into place. */
function progressReporter(quiet: boolean): { onProgress: (p: HatsProgress) => void; stop: () => void } {
  let bar: Progress | undefined;
  let phase = '';
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    onProgress(p) {
      if (p.phase !== phase) {
        stop();
        phase = p.phase;
        const label = { load: 'hats: load + index', partition: 'hats: partition', write: 'hats: write leaves', apply: 'hats: move into place' }[p.phase];
        bar = new Progress({ label, total: p.total, unit: p.phase === 'write' || p.phase === 'apply' ? 'files' : 'steps', quiet });
      }
      bar?.update(p.done);
    },
    stop,
  };
}

function summary(r: HatsWriteResult, verb: string): string {
  const lines = r.recovered.map((a) => `hats: recovered: ${a}`);
  if (r.alreadyIngested) return [...lines, `hats: batch ${r.batchId} is already in ${r.root}; nothing written`].join('\n') + '\n';
  lines.push(`hats: ${verb} ${r.rows} rows → ${r.root} (${r.totalRows} rows, ${r.partitions.length} partitions, ${r.created.length} new; mapping order ${r.mappingOrder}; ${r.seconds.toFixed(1)} s)`);
  return lines.join('\n') + '\n';
}

/**
 * Adds `hats` under the `export` command:
 * `alertflow export hats (--input FILE | --db FILE --table T) --ra-column C --dec-column C --out DIR [...]`.
 *
 * @example
 * registerExportHatsCommand(program.command('export'));
 */
export function registerExportHatsCommand(exportCommand: Command): void {
  exportCommand
    .command('hats')
    .description('Write rows (Parquet, CSV or a DuckDB table) as a HATS catalog readable by hats/lsdb, or append a night to one')
    .option('--input <file>', 'input .parquet or .csv file')
    .option('--db <file>', 'input DuckDB database file (with --table)')
    .option('--table <name>', 'table (or schema.table) in --db')
    .requiredOption('--ra-column <name>', 'RA column, degrees')
    .requiredOption('--dec-column <name>', 'Dec column, degrees')
    .requiredOption('--out <dir>', 'catalog directory')
    .option('--catalog-name <name>', 'obs_collection (default: the directory name)')
    .option('--catalog-type <type>', 'dataproduct_type: object or source', 'object')
    .option('--max-rows <n>', 'row threshold per partition (hats-import pixel_threshold; default 1000000, or the catalog\'s on --append)')
    .option('--mapping-order <k>', 'HEALPix order of the histogram partitions are built from (default 10; raised automatically when a cell is over --max-rows)')
    .option('--strategy <s>', 'top-down (default) or drop-empty-siblings')
    .option('--append', 'add the rows to an existing catalog as new files (creates it if absent); an input already appended is skipped')
    .option('--overwrite', 'replace an existing catalog (atomically)')
    .option('--batch-id <id>', 'name of this batch\'s leaf files (default: input name + content hash)')
    .option('--quiet', 'no progress bar')
    .addHelpText('after', '\nThe catalog uses directory leaves (hats_npix_suffix=/): each night is a new file in dataset/Norder=k/Dir=d/Npix=n/.\nWrites are staged next to --out and renamed into place; a killed run leaves the previous catalog intact.')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const input = inputOf(o);
      if (o.append && o.overwrite) throw new AlertflowError('ERR_CLI_USAGE', '--append and --overwrite exclude each other');
      const type = String(o.catalogType);
      if (type !== 'object' && type !== 'source') throw new AlertflowError('ERR_CLI_USAGE', `--catalog-type must be object or source (got ${type})`);
      const { exportHats, appendHats } = await import('../../hats/index.js');
      const rep = progressReporter(o.quiet === true);
      const maxRows = positiveInt('--max-rows', o.maxRows as string | undefined);
      const mappingOrder = orderOf(o.mappingOrder as string | undefined);
      const strategy = strategyOf(o.strategy as string | undefined);
      const common = {
        input,
        ra: String(o.raColumn),
        dec: String(o.decColumn),
        out: String(o.out),
        catalogType: type as 'object' | 'source',
        onProgress: rep.onProgress,
        ...(o.catalogName ? { catalogName: String(o.catalogName) } : {}),
        ...(maxRows ? { maxRows } : {}),
        ...(mappingOrder !== undefined ? { mappingOrder } : {}),
        ...(strategy ? { strategy } : {}),
        ...(o.batchId ? { batchId: String(o.batchId) } : {}),
      };
      try {
        const r = o.append ? await appendHats(common) : await exportHats({ ...common, overwrite: o.overwrite === true });
        rep.stop();
        process.stderr.write(summary(r, o.append ? 'appended' : 'exported'));
      } finally {
        rep.stop();
      }
    });
}

function inputOf(o: Record<string, string | boolean | undefined>): HatsInput {
  if (o.input && o.db) throw new AlertflowError('ERR_CLI_USAGE', 'give either --input or --db, not both');
  if (o.input) return { kind: 'file', path: String(o.input) };
  if (o.db) {
    if (!o.table) throw new AlertflowError('ERR_CLI_USAGE', '--db needs --table');
    return { kind: 'duckdb', path: String(o.db), table: String(o.table) };
  }
  throw new AlertflowError('ERR_CLI_USAGE', 'give --input FILE (.parquet/.csv) or --db FILE --table T');
}

/**
 * Adds `alertflow hats compact DIR [--max-rows N]`.
 *
 * @example
 * registerHatsCommand(program);
 */
export function registerHatsCommand(program: Command): void {
  const hats = program.command('hats').description('Maintain HATS catalogs written by `alertflow export hats`');
  hats
    .command('compact')
    .description('Rebuild a catalog with balanced partitions (merge nightly files, split partitions over the threshold) and swap it in atomically')
    .argument('<dir>', 'catalog directory')
    .option('--max-rows <n>', 'row threshold per partition (default: the catalog\'s hats_max_rows)')
    .option('--mapping-order <k>', 'HEALPix order of the histogram (default: the catalog\'s hats_skymap_order)')
    .option('--strategy <s>', 'top-down (default) or drop-empty-siblings')
    .option('--quiet', 'no progress bar')
    .action(async (dir: string, o: Record<string, string | boolean | undefined>) => {
      const { compactHats } = await import('../../hats/index.js');
      const rep = progressReporter(o.quiet === true);
      const maxRows = positiveInt('--max-rows', o.maxRows as string | undefined);
      const strategy = strategyOf(o.strategy as string | undefined);
      const mappingOrder = orderOf(o.mappingOrder as string | undefined);
      try {
        const r = await compactHats({
          root: dir,
          onProgress: rep.onProgress,
          ...(maxRows ? { maxRows } : {}),
          ...(mappingOrder !== undefined ? { mappingOrder } : {}),
          ...(strategy ? { strategy } : {}),
        });
        rep.stop();
        process.stderr.write(summary(r, 'compacted'));
      } finally {
        rep.stop();
      }
    });
}
