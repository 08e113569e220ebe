/**
 * Parquet products for one delivery period (seed 000: candidate tables go to
 * MAST as Parquet next to the alert tarballs). A thin layer over the DuckDB
 * store's exports: the period selects diaSources by `midpointMjdTai`, and
 * objects, match-files and light curves are those of the objects seen in it
 * (with their whole history, as a match-file is meant to be).
 */
import { join } from 'node:path';
import type { DuckdbHandle } from '../stores/duckdb/connection.js';
import { exportLightcurves } from '../stores/duckdb/lightcurves.js';
import { exportSourceMatchFile, exportTableToParquet, type ParquetExportResult } from '../stores/duckdb/parquet.js';
import { tableNames } from '../stores/duckdb/schema.js';
import type { Period } from './period.js';

const MJD_UNIX_EPOCH = 40587;
const TAI_MINUS_UTC_S = 37;

/**
 * UTC ms → MJD (TAI), the scale of Rubin's `midpointMjdTai` (valid after 2017).
 *
 * @example
 * epochMsToMjdTai(0); // 40587.000428…
 */
export function epochMsToMjdTai(ms: number): number {
  return MJD_UNIX_EPOCH + (ms / 1000 + TAI_MINUS_UTC_S) / 86400;
}

/** What was written for one period, by file name. */
export type PeriodParquet = Record<'diaSource' | 'diaObject' | 'matches' | 'lightcurves', ParquetExportResult>;

/**
 * Writes `diaSource.parquet`, `diaObject.parquet`, `matches.parquet` and
 * `lightcurves.parquet` for `period` into `folder`.
 *
 * @example
 * const db = await openDuckdb('candidates.duckdb');
 * await exportPeriodParquet(db, period, 'deliveries/20251120');
 */
export async function exportPeriodParquet(db: DuckdbHandle, period: Period, folder: string, options: { prefix?: string } = {}): Promise<PeriodParquet> {
  const names = tableNames(options.prefix ?? '');
  const inPeriod = `"midpointMjdTai" >= ${epochMsToMjdTai(period.startMs)} AND "midpointMjdTai" < ${epochMsToMjdTai(period.endMs)}`;
  const seen = `SELECT DISTINCT "diaObjectId" FROM "${names.diaSource.replace(/"/g, '""')}" WHERE ${inPeriod} AND "diaObjectId" IS NOT NULL`;
  const diaSource = await exportTableToParquet(db, names.diaSource, join(folder, 'diaSource.parquet'), { where: inPeriod, orderBy: '"midpointMjdTai", "diaSourceId"' });
  const diaObject = await exportTableToParquet(db, names.diaObjectCurrent, join(folder, 'diaObject.parquet'), { where: `"diaObjectId" IN (${seen})`, orderBy: '"diaObjectId"' });
  const matches = await exportSourceMatchFile(db, names, join(folder, 'matches.parquet'), { where: `s."diaObjectId" IN (${seen})` });
  const lightcurves = await exportLightcurves(db, names, join(folder, 'lightcurves.parquet'), { where: `o."diaObjectId" IN (${seen})` });
  return { diaSource, diaObject, matches, lightcurves };
}
