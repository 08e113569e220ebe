/**
 * The calibration registry: the authoritative list of calibration tables and
 * the MJD windows in which each applies. `getActiveApplylist(mjd)` returns,
 * for one observation time, the tables to apply in order BP -> GP -> 2G: per
 * type the active table whose window covers the time, the newest one when
 * several do (overlap tiles get the new group's solutions).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { exec, rows } from './products-db.js';
import { covers, type ValidityWindow } from './validity.js';

/** Calibration table types, in application order. */
export type CalTableType = 'BP' | 'GP' | '2G';
/** Order in which table types are applied. */
export const APPLY_ORDER: Record<CalTableType, number> = { BP: 0, GP: 1, '2G': 2 };

/** One registry row. */
export interface CalTableRow {
  id: string;
  set_name: string;
  table_type: CalTableType;
  path: string;
  valid_start_mjd: number;
  valid_end_mjd: number;
  status: 'active' | 'retired';
  apply_order: number;
  /** Calibrator name (BP tables). */
  calibrator: string | null;
  /** Timestamp of the MS the table was solved from. */
  source_ms: string;
  group_id: string | null;
  created_at: number;
}

/** What {@link registerTable} stores. */
export interface NewCalTable {
  setName: string;
  type: CalTableType;
  path: string;
  window: ValidityWindow;
  calibrator?: string;
  sourceMs: string;
  groupId?: string;
}

/**
 * Registers (or re-registers, idempotently) one table as active.
 *
 * @example
 * await registerTable(conn, { setName: '2025-10-29T13:54:17', type: 'GP', path, window: gainWindow(mid), sourceMs: ts }, now);
 */
export async function registerTable(conn: DuckDBConnection, t: NewCalTable, now: number): Promise<string> {
  const id = `${t.setName}_${t.type}`;
  await exec(conn, 'INSERT OR REPLACE INTO cal_registry VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)', [
    id, t.setName, t.type, t.path, t.window.startMjd, t.window.endMjd, 'active', APPLY_ORDER[t.type], t.calibrator ?? null, t.sourceMs, t.groupId ?? null, now,
  ]);
  return id;
}

/**
 * Every registry row, for inspection and recovery.
 *
 * @example
 * (await allTables(conn)).filter((t) => t.status === 'active')
 */
export function allTables(conn: DuckDBConnection): Promise<CalTableRow[]> {
  return rows<CalTableRow>(conn, 'SELECT * FROM cal_registry ORDER BY apply_order, valid_start_mjd, id');
}

/**
 * The tables to apply to an observation at `mjd`: at most one per type, in
 * order BP -> GP -> 2G; among several active tables of a type covering `mjd`,
 * the most recently registered (then the latest window start).
 *
 * @example
 * const list = await getActiveApplylist(conn, 60977.21); // [{table_type:'BP',…},{table_type:'GP',…},{table_type:'2G',…}]
 */
export async function getActiveApplylist(conn: DuckDBConnection, mjd: number): Promise<CalTableRow[]> {
  const candidates = await rows<CalTableRow>(conn, "SELECT * FROM cal_registry WHERE status = 'active' AND valid_start_mjd <= $1 + 1e-8 AND valid_end_mjd >= $1 - 1e-8", [mjd]);
  const best = new Map<CalTableType, CalTableRow>();
  for (const c of candidates.filter((r) => covers({ startMjd: r.valid_start_mjd, endMjd: r.valid_end_mjd }, mjd))) {
    const cur = best.get(c.table_type);
    const newer = !cur || c.created_at > cur.created_at || (c.created_at === cur.created_at && (c.valid_start_mjd > cur.valid_start_mjd || (c.valid_start_mjd === cur.valid_start_mjd && c.id > cur.id)));
    if (newer) best.set(c.table_type, c);
  }
  return [...best.values()].sort((a, b) => a.apply_order - b.apply_order);
}

/**
 * Retires the active tables of `types` whose windows overlap `window`, except
 * those of set `keepSet` (the group's new solutions).
 *
 * @example
 * await retireOverlapping(conn, ['GP', '2G'], gainWindow(mid), newSet);
 */
export async function retireOverlapping(conn: DuckDBConnection, types: CalTableType[], window: ValidityWindow, keepSet: string): Promise<number> {
  const hit = await rows<{ id: string }>(
    conn,
    `SELECT id FROM cal_registry WHERE status = 'active' AND set_name <> $1 AND table_type IN (${types.map((_, i) => `$${i + 4}`).join(', ')}) AND valid_start_mjd <= $3 AND valid_end_mjd >= $2`,
    [keepSet, window.startMjd, window.endMjd, ...types],
  );
  for (const { id } of hit) await exec(conn, "UPDATE cal_registry SET status = 'retired' WHERE id = $1", [id]);
  return hit.length;
}

/**
 * True when a bandpass for `calibrator` at `transitMjd` is the first transit
 * of a newly chosen calibrator: the latest earlier bandpass table in the
 * registry (by transit) is for another calibrator, or there is none.
 *
 * @example
 * const window = bandpassWindow(transit, await isFirstTransit(conn, '3C147', transit));
 */
export async function isFirstTransit(conn: DuckDBConnection, calibrator: string, transitMjd: number): Promise<boolean> {
  // A BP window always ends 12 h after its transit, first day or not.
  const prev = await rows<{ calibrator: string | null }>(conn, "SELECT calibrator FROM cal_registry WHERE table_type = 'BP' AND valid_end_mjd - 0.5 < $1 - 1e-6 ORDER BY valid_end_mjd DESC LIMIT 1", [transitMjd]);
  return prev.length === 0 || prev[0].calibrator !== calibrator;
}
