/**
 * The products database (seed 004): `ms_index` (one row per 5-minute
 * observation and its pipeline stage), `storage_locations` (base directories),
 * `mosaic_groups` (the seed's schema, plus `seq` for ordering and `error`) and
 * the calibration registry table (see registry.ts), all in one DuckDB file.
 *
 * Why DuckDB rather than the seed's SQLite files: it is already a dependency
 * and embedded, its transactions are ACID, and Node 20 has no built-in
 * sqlite. One file rather than two lets a group's registry entries and its
 * ms_index updates commit in a single transaction, which is what makes
 * recovery after a crash exact.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { exec, openDuckdb, rows, type DuckdbHandle } from '../stores/duckdb/connection.js';

export { exec, rows };

/** Pipeline stage of an MS, in order. */
export type MsStage = 'staging' | 'converted' | 'calibrated' | 'imaged' | 'mosaicked';
/** Processing status of an MS (`pending` while staged, before conversion). */
export type MsStatus = 'pending' | 'converted' | 'done' | 'failed';
/** Status of a mosaic group. */
export type GroupStatus = 'pending' | 'calibrated' | 'imaged' | 'mosaicked' | 'completed' | 'calibration_failed' | 'mosaic_failed';

/** One ms_index row. */
export interface MsRow {
  timestamp: string;
  path: string;
  stage: MsStage;
  status: MsStatus;
  cal_applied: number;
  imagename: string | null;
  mid_mjd: number | null;
  start_mjd: number | null;
  end_mjd: number | null;
  ra_deg: number | null;
  dec_deg: number | null;
  /** Calibrator whose transit falls inside this observation, if any. */
  calibrator: string | null;
  error: string | null;
  updated_at: number;
}

/** One mosaic_groups row. */
export interface GroupRow {
  group_id: string;
  mosaic_id: string | null;
  /** JSON array of MS timestamps (the seed keeps paths; ours move, timestamps do not). */
  ms_paths: string;
  calibration_ms_path: string | null;
  bpcal_solved: number;
  created_at: number;
  calibrated_at: number | null;
  imaged_at: number | null;
  mosaicked_at: number | null;
  status: GroupStatus;
  seq: number;
  error: string | null;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS ms_index (
    timestamp TEXT PRIMARY KEY, path TEXT NOT NULL, stage TEXT NOT NULL, status TEXT NOT NULL,
    cal_applied INTEGER NOT NULL DEFAULT 0, imagename TEXT, mid_mjd DOUBLE, start_mjd DOUBLE, end_mjd DOUBLE,
    ra_deg DOUBLE, dec_deg DOUBLE, calibrator TEXT, error TEXT, updated_at DOUBLE NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS storage_locations (location_type TEXT PRIMARY KEY, base_path TEXT NOT NULL, registered_at DOUBLE NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS mosaic_groups (
    group_id TEXT PRIMARY KEY, mosaic_id TEXT, ms_paths TEXT, calibration_ms_path TEXT, bpcal_solved INTEGER DEFAULT 0,
    created_at DOUBLE NOT NULL, calibrated_at DOUBLE, imaged_at DOUBLE, mosaicked_at DOUBLE, status TEXT DEFAULT 'pending',
    seq INTEGER NOT NULL, error TEXT)`,
  `CREATE TABLE IF NOT EXISTS cal_registry (
    id TEXT PRIMARY KEY, set_name TEXT NOT NULL, table_type TEXT NOT NULL, path TEXT NOT NULL,
    valid_start_mjd DOUBLE NOT NULL, valid_end_mjd DOUBLE NOT NULL, status TEXT NOT NULL, apply_order INTEGER NOT NULL,
    calibrator TEXT, source_ms TEXT NOT NULL, group_id TEXT, created_at DOUBLE NOT NULL)`,
];


/**
 * The open products database.
 *
 * @example
 * const db = await ProductsDb.open('/stage/products.duckdb');
 * const staged = await db.msByStage('staging');
 * await db.close();
 */
export class ProductsDb {
  private constructor(readonly handle: DuckdbHandle) {}

  /** Opens (creating tables if needed) the database at `path`. */
  static async open(path: string): Promise<ProductsDb> {
    const handle = await openDuckdb(path);
    for (const sql of SCHEMA) await exec(handle.connection, sql);
    return new ProductsDb(handle);
  }

  /** Runs `fn` in one transaction. */
  tx<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.handle.transaction(fn);
  }

  /** Reads with the writer connection (sees its own committed writes). */
  read<T>(sql: string, params: DuckDBValue[] = []): Promise<T[]> {
    return this.handle.exclusive((c) => rows<T>(c, sql, params));
  }

  /** Every MS row, oldest observation first. */
  allMs(): Promise<MsRow[]> {
    return this.read<MsRow>('SELECT * FROM ms_index ORDER BY coalesce(mid_mjd, 1e9), timestamp');
  }

  msByStage(stage: MsStage): Promise<MsRow[]> {
    return this.read<MsRow>('SELECT * FROM ms_index WHERE stage = $1 ORDER BY coalesce(mid_mjd, 1e9), timestamp', [stage]);
  }

  async ms(timestamp: string): Promise<MsRow | undefined> {
    return (await this.read<MsRow>('SELECT * FROM ms_index WHERE timestamp = $1', [timestamp]))[0];
  }

  /** Groups in formation order. */
  groups(): Promise<GroupRow[]> {
    return this.read<GroupRow>('SELECT * FROM mosaic_groups ORDER BY seq');
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/**
 * Inserts or replaces an ms_index row (all columns).
 *
 * @example
 * await db.tx((c) => putMs(c, row));
 */
export async function putMs(conn: DuckDBConnection, r: MsRow): Promise<void> {
  await exec(
    conn,
    `INSERT OR REPLACE INTO ms_index VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [r.timestamp, r.path, r.stage, r.status, r.cal_applied, r.imagename, r.mid_mjd, r.start_mjd, r.end_mjd, r.ra_deg, r.dec_deg, r.calibrator, r.error, r.updated_at],
  );
}

/**
 * Updates some columns of one MS.
 *
 * @example
 * await db.tx((c) => updateMs(c, ts, { cal_applied: 0 }));
 */
export async function updateMs(conn: DuckDBConnection, timestamp: string, set: Partial<Omit<MsRow, 'timestamp'>>): Promise<void> {
  const keys = Object.keys(set);
  if (keys.length === 0) return;
  const values = keys.map((k) => (set as Record<string, DuckDBValue>)[k]);
  await exec(conn, `UPDATE ms_index SET ${keys.map((k, i) => `${k} = $${i + 1}`).join(', ')} WHERE timestamp = $${keys.length + 1}`, [...values, timestamp]);
}

/**
 * Inserts or replaces a mosaic_groups row.
 *
 * @example
 * await db.tx((c) => putGroup(c, group));
 */
export async function putGroup(conn: DuckDBConnection, g: GroupRow): Promise<void> {
  await exec(
    conn,
    `INSERT OR REPLACE INTO mosaic_groups VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [g.group_id, g.mosaic_id, g.ms_paths, g.calibration_ms_path, g.bpcal_solved, g.created_at, g.calibrated_at, g.imaged_at, g.mosaicked_at, g.status, g.seq, g.error],
  );
}

/**
 * Updates some columns of one group.
 *
 * @example
 * await db.tx((c) => updateGroup(c, id, { status: 'mosaic_failed', error }));
 */
export async function updateGroup(conn: DuckDBConnection, groupId: string, set: Partial<Omit<GroupRow, 'group_id'>>): Promise<void> {
  const keys = Object.keys(set);
  if (keys.length === 0) return;
  const values = keys.map((k) => (set as Record<string, DuckDBValue>)[k]);
  await exec(conn, `UPDATE mosaic_groups SET ${keys.map((k, i) => `${k} = $${i + 1}`).join(', ')} WHERE group_id = $${keys.length + 1}`, [...values, groupId]);
}

/**
 * Registers the base directories (idempotent; keeps the first registration time).
 *
 * @example
 * await db.tx((c) => registerStorageLocations(c, { images: '/stage/images' }, Date.now() / 1000));
 */
export async function registerStorageLocations(conn: DuckDBConnection, locations: Record<string, string>, now: number): Promise<void> {
  for (const [type, base] of Object.entries(locations)) {
    await exec(conn, `INSERT INTO storage_locations VALUES ($1, $2, $3) ON CONFLICT (location_type) DO UPDATE SET base_path = excluded.base_path`, [type, base, now]);
  }
}
