/**
 * `alertflow export parquet`: a DuckDB table, a source match-file or a nested
 * light-curve table to Parquet (written by DuckDB, zstd).
 */
import type { Command } from 'commander';
import { AlertflowError } from '../../errors.js';

/**
 * Options of {@link exportParquet} (what the command line passes).
 *
 * @example
 * await exportParquet({ db: 'l1.duckdb', table: 'diaSource', out: 'diaSource.parquet', where: '"band" = \'r\'' });
 */
export interface ExportParquetOptions {
  db: string;
  table: string;
  out: string;
  where?: string;
  orderBy?: string;
  /** Nested light curves (one row per object) of the candidate store whose diaSource table is `table`. */
  lightcurves?: boolean;
  /** Seed 000 source match-file: diaSources of objects observed more than once. */
  matches?: boolean;
  forced?: boolean;
  sinceMjd?: number;
  minSources?: number;
}

/** Table-name prefix of the candidate store whose diaSource (or diaObject) table is `table`. */
function prefixOf(table: string): string {
  const m = /^(?:(.*)_)?(diaSource|diaObject|diaObject_current)$/.exec(table);
  if (!m) throw new AlertflowError('ERR_CLI_USAGE', `--lightcurves and --matches need --table to name a candidate diaSource table (diaSource or <prefix>_diaSource), got ${table}`);
  return m[1] ?? '';
}

/**
 * Runs the export; resolves with the file and its row count.
 *
 * @example
 * const { rows } = await exportParquet({ db: 'l1.duckdb', table: 'diaSource', out: 'lc.parquet', lightcurves: true });
 */
export async function exportParquet(o: ExportParquetOptions): Promise<{ path: string; rows: number }> {
  const { existsSync } = await import('node:fs');
  if (!existsSync(o.db)) throw new AlertflowError('ERR_CLI_USAGE', `no such database file: ${o.db}`);
  if (o.lightcurves && o.matches) throw new AlertflowError('ERR_CLI_USAGE', '--lightcurves and --matches are exclusive');
  const { openDuckdb } = await import('../../stores/duckdb/connection.js');
  const { tableNames } = await import('../../stores/duckdb/schema.js');
  const { exportTableToParquet, exportSourceMatchFile } = await import('../../stores/duckdb/parquet.js');
  const { exportLightcurves } = await import('../../stores/duckdb/lightcurves.js');
  // Read-only, so an export never changes the database it reads.
  const db = await openDuckdb(o.db, { config: { access_mode: 'READ_ONLY' } });
  try {
    if (o.lightcurves) {
      return await exportLightcurves(db, tableNames(prefixOf(o.table)), o.out, {
        ...(o.where ? { where: o.where } : {}),
        ...(o.sinceMjd !== undefined ? { sinceMjd: o.sinceMjd } : {}),
        ...(o.minSources !== undefined ? { minSources: o.minSources } : {}),
        forced: o.forced === true,
      });
    }
    if (o.matches) return await exportSourceMatchFile(db, tableNames(prefixOf(o.table)), o.out, { ...(o.where ? { where: o.where } : {}), ...(o.minSources !== undefined ? { minSources: o.minSources } : {}) });
    return await exportTableToParquet(db, o.table, o.out, { ...(o.where ? { where: o.where } : {}), ...(o.orderBy ? { orderBy: o.orderBy } : {}) });
  } finally {
    await db.close();
  }
}

function num(name: string, v: unknown, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || (integer && (!Number.isInteger(n) || n < 1))) throw new AlertflowError('ERR_CLI_USAGE', `${name} must be a ${integer ? 'positive integer' : 'number'} (got ${String(v)})`);
  return n;
}

/**
 * Adds `parquet` under the `export` command:
 * `alertflow export parquet --db FILE.duckdb --table T --out FILE.parquet [--where SQL] [--lightcurves | --matches]`.
 *
 * @example
 * registerExportParquetCommand(program.command('export'));
 */
export function registerExportParquetCommand(exportCommand: Command): void {
  exportCommand
    .command('parquet')
    .description('Export a DuckDB table to Parquet (zstd, written by DuckDB); or nested light curves (one row per object, struct-of-lists as nested-pandas/lsdb read them); or a source match-file (diaSources of objects observed more than once)')
    .requiredOption('--db <file>', 'DuckDB database file (opened read-only)')
    .requiredOption('--table <name>', 'table or view to export; with --lightcurves/--matches the candidate diaSource table (diaSource or <prefix>_diaSource)')
    .requiredOption('--out <file>', 'output .parquet file (written to <out>.partial, then renamed)')
    .option('--where <sql>', 'SQL filter on the rows (objects, with --lightcurves: columns as o."name")')
    .option('--order-by <sql>', 'SQL ORDER BY list (plain table export)')
    .option('--lightcurves', 'one row per current diaObject with a nested `lightcurve` column (struct of equal-length lists)')
    .option('--forced', 'with --lightcurves: also nest forced photometry as `forcedLightcurve`')
    .option('--matches', 'source match-file: diaSources of objects with nDiaSources > 1, sorted by object and time')
    .option('--since-mjd <mjd>', 'with --lightcurves: only measurements at or after this MJD (TAI)')
    .option('--min-sources <n>', 'with --lightcurves/--matches: minimum number of diaSources per object')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const sinceMjd = num('--since-mjd', o.sinceMjd, false);
      const minSources = num('--min-sources', o.minSources, true);
      const r = await exportParquet({
        db: o.db as string,
        table: o.table as string,
        out: o.out as string,
        ...(typeof o.where === 'string' ? { where: o.where } : {}),
        ...(typeof o.orderBy === 'string' ? { orderBy: o.orderBy } : {}),
        lightcurves: o.lightcurves === true,
        matches: o.matches === true,
        forced: o.forced === true,
        ...(sinceMjd !== undefined ? { sinceMjd } : {}),
        ...(minSources !== undefined ? { minSources } : {}),
      });
      process.stderr.write(`wrote ${r.rows} rows to ${r.path}\n`);
    });
}
