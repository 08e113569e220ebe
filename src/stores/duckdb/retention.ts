/**
 * Retention by age: the prompt database keeps a rolling window (alerts carry
 * 12 months of history), so old measurements and superseded object versions
 * are deleted relative to a caller-given "now" (an MJD, not the wall clock,
 * so replays and tests are deterministic).
 */
import type { DuckdbHandle } from './connection.js';
import { storeError, sqlIdent } from './connection.js';
import { VALIDITY_END, type TableNames } from './schema.js';

/**
 * What to keep.
 *
 * @example
 * const r: RetentionOptions = { nowMjd: 61365, sourceDays: 365, objectVersionDays: 30 };
 */
export interface RetentionOptions {
  /** "Now", MJD TAI. */
  nowMjd: number;
  /** Delete diaSources / forced sources with `midpointMjdTai < nowMjd - sourceDays` (and their ssSource rows); omit to keep all. */
  sourceDays?: number;
  /** Delete diaObject versions superseded before `nowMjd - objectVersionDays` (current versions are never deleted); omit to keep all. */
  objectVersionDays?: number;
}

/**
 * Rows deleted per table.
 *
 * @example
 * const { diaSources } = await applyRetention(db, names, { nowMjd, sourceDays: 365 });
 */
export interface RetentionResult {
  diaSources: number;
  diaForcedSources: number;
  ssSources: number;
  diaObjectVersions: number;
}

/**
 * Deletes rows older than the windows, as one transaction.
 *
 * @example
 * await applyRetention(store.db, store.names, { nowMjd: 61365.0, sourceDays: 365, objectVersionDays: 30 });
 */
export async function applyRetention(db: DuckdbHandle, names: TableNames, options: RetentionOptions): Promise<RetentionResult> {
  const { nowMjd, sourceDays, objectVersionDays } = options;
  for (const [k, v] of Object.entries({ nowMjd, sourceDays, objectVersionDays })) {
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && (k === 'nowMjd' || v >= 0))) throw storeError(new Error(`${k} must be a finite${k === 'nowMjd' ? '' : ', non-negative'} number (got ${String(v)})`), 'bad retention options', { [k]: v });
  }
  const out: RetentionResult = { diaSources: 0, diaForcedSources: 0, ssSources: 0, diaObjectVersions: 0 };
  return db.transaction(async (conn) => {
    const del = async (sql: string) => (await conn.run(sql)).rowsChanged;
    if (sourceDays !== undefined) {
      const cutoff = nowMjd - sourceDays;
      const src = sqlIdent(names.diaSource);
      // ssSource rows have no time of their own: they go with their diaSource.
      out.ssSources = await del(`DELETE FROM ${sqlIdent(names.ssSource)} WHERE "diaSourceId" IN (SELECT "diaSourceId" FROM ${src} WHERE "midpointMjdTai" < ${cutoff})`);
      out.diaSources = await del(`DELETE FROM ${src} WHERE "midpointMjdTai" < ${cutoff}`);
      out.diaForcedSources = await del(`DELETE FROM ${sqlIdent(names.diaForcedSource)} WHERE "midpointMjdTai" < ${cutoff}`);
    }
    if (objectVersionDays !== undefined) {
      const end = sqlIdent(VALIDITY_END);
      out.diaObjectVersions = await del(`DELETE FROM ${sqlIdent(names.diaObject)} WHERE ${end} IS NOT NULL AND ${end} < ${nowMjd - objectVersionDays}`);
    }
    return out;
  });
}
