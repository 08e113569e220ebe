/**
 * The candidate store (DPDD "Level 1 database") on DuckDB: versioned
 * diaObjects plus append-only diaSources, forced sources and ssSources.
 *
 * A write (one visit, or one sink batch) is ONE transaction (seed 002 step 9):
 * rows are appended to per-connection temp staging tables, then moved into
 * the real tables with set-based SQL: sources by `INSERT OR IGNORE` on their
 * primary key (so a re-delivered batch adds nothing), and each staged
 * diaObject version closes the object's current version (sets its
 * `validityEndMjdTai` to the new `validityStartMjdTai`) and becomes current.
 * Readers on other connections see the whole write or none of it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { appendRecords } from './append.js';
import { openDuckdb, queryRows, runSql, sqlIdent, storeError, type DuckdbHandle, type OpenDuckdbOptions } from './connection.js';
import { CANDIDATE_RECORDS, PRIMARY_KEYS, VALIDITY_END, ensureCandidateSchema, recordColumns, tableNames, type CandidateRecord, type TableNames } from './schema.js';

/**
 * Rows of one write. Records are `lsst.v11_0` shaped (longs as bigint);
 * diaObjects are new versions, each stamped with `validityStartMjdTai`.
 *
 * @example
 * const batch: CandidateBatch = { diaSources: [alert.diaSource], diaObjects: [alert.diaObject] };
 */
export interface CandidateBatch {
  diaObjects?: readonly Record<string, unknown>[];
  diaSources?: readonly Record<string, unknown>[];
  diaForcedSources?: readonly Record<string, unknown>[];
  ssSources?: readonly Record<string, unknown>[];
}

/**
 * Rows a write added (duplicates and stale versions are not counted).
 *
 * @example
 * const { diaSources } = await store.write(batch);
 */
export interface WriteCounts {
  diaObjects: number;
  /** Versions that were current and got closed. */
  closedDiaObjects: number;
  diaSources: number;
  diaForcedSources: number;
  ssSources: number;
}

const BATCH_KEYS: Record<CandidateRecord, keyof CandidateBatch> = { diaObject: 'diaObjects', diaSource: 'diaSources', diaForcedSource: 'diaForcedSources', ssSource: 'ssSources' };

/** Options of {@link openCandidateStore}. */
export interface CandidateStoreOptions extends OpenDuckdbOptions {
  /** Table-name prefix (default none: `diaObject`, `diaSource`, …). */
  prefix?: string;
  /** Create ART indexes on diaObjectId (default false: see {@link ensureCandidateSchema}). */
  indexes?: boolean;
  /** Also declare PRIMARY KEY constraints (default false: the anti-join already keeps keys unique). */
  primaryKeys?: boolean;
}

/**
 * An open candidate store.
 *
 * @example
 * const store = await openCandidateStore('l1.duckdb');
 * await store.write({ diaSources, diaObjects });
 * await store.close();
 */
export interface CandidateStore {
  readonly db: DuckdbHandle;
  readonly names: TableNames;
  /** Applies one batch as one transaction. */
  write(batch: CandidateBatch): Promise<WriteCounts>;
  /** Row counts per table (committed data, via the writer connection). */
  counts(): Promise<Record<CandidateRecord | 'diaObjectCurrent', number>>;
  close(): Promise<void>;
}

/**
 * Opens (creating tables if needed) a candidate store in a DuckDB file, or
 * `:memory:`. `db` may also be an open handle, shared with other stores.
 *
 * @example
 * const store = await openCandidateStore(':memory:', { prefix: 'test' });
 */
export async function openCandidateStore(db: string | DuckdbHandle, options: CandidateStoreOptions = {}): Promise<CandidateStore> {
  const handle = typeof db === 'string' ? await openDuckdb(db, options) : db;
  const names = tableNames(options.prefix ?? '');
  await handle.exclusive((conn) => ensureCandidateSchema(conn, names, { indexes: options.indexes === true, primaryKeys: options.primaryKeys === true }));
  return {
    db: handle,
    names,
    write: (batch) => handle.transaction((conn) => writeCandidates(conn, names, batch)),
    counts: () => handle.exclusive((conn) => countRows(conn, names)),
    close: async () => {
      if (typeof db === 'string') await handle.close();
    },
  };
}

/** Name of a record kind's staging table (a TEMP table, private to the connection). */
const stageName = (names: TableNames, r: CandidateRecord) => `_stage_${names[r]}`;

async function stage(conn: DuckDBConnection, names: TableNames, r: CandidateRecord, rows: readonly Record<string, unknown>[]): Promise<void> {
  const stageTable = sqlIdent(stageName(names, r));
  await runSql(conn, `CREATE TEMP TABLE IF NOT EXISTS ${stageTable} AS SELECT * FROM ${sqlIdent(names[r])} LIMIT 0`);
  await runSql(conn, `DELETE FROM ${stageTable}`);
  await appendRecords(conn, stageName(names, r), recordColumns(r), rows);
}

async function changed(conn: DuckDBConnection, sql: string): Promise<number> {
  try {
    return (await conn.run(sql)).rowsChanged;
  } catch (err) {
    throw storeError(err, 'SQL failed', { sql: sql.slice(0, 500) });
  }
}

/**
 * Moves one batch into the tables. Call inside a transaction (the store's
 * `write` does); exported for stores that share a transaction with other work.
 *
 * @example
 * await db.transaction((conn) => writeCandidates(conn, tableNames(), batch));
 */
export async function writeCandidates(conn: DuckDBConnection, names: TableNames, batch: CandidateBatch): Promise<WriteCounts> {
  const counts: WriteCounts = { diaObjects: 0, closedDiaObjects: 0, diaSources: 0, diaForcedSources: 0, ssSources: 0 };
  for (const r of CANDIDATE_RECORDS) {
    const rows = batch[BATCH_KEYS[r]];
    if (!rows || rows.length === 0) continue;
    await stage(conn, names, r, rows);
    if (r === 'diaObject') Object.assign(counts, await moveVersions(conn, names));
    else counts[BATCH_KEYS[r] as Exclude<keyof WriteCounts, 'diaObjects' | 'closedDiaObjects'>] = await moveAppendOnly(conn, names, r);
  }
  return counts;
}

/**
 * Append-only tables: an anti-join on the key makes re-delivered rows no-ops
 * (DuckDB pushes the staged keys' min/max into the table scan, so mostly
 * increasing ids prune old row groups).
 */
async function moveAppendOnly(conn: DuckDBConnection, names: TableNames, r: CandidateRecord): Promise<number> {
  const key = sqlIdent(PRIMARY_KEYS[r][0]!);
  // No ORDER BY: arrival order is time order, which keeps midpointMjdTai zone maps tight for history windows.
  return changed(
    conn,
    `INSERT INTO ${sqlIdent(names[r])} SELECT * FROM ${sqlIdent(stageName(names, r))} s
     WHERE NOT EXISTS (SELECT 1 FROM ${sqlIdent(names[r])} t WHERE t.${key} = s.${key})
     QUALIFY row_number() OVER (PARTITION BY s.${key}) = 1`,
  );
}

/**
 * Versioned diaObjects. Staged versions not newer than the object's latest
 * stored version are dropped (replays, late duplicates); the rest are
 * chained per object (each closed by the next staged one, the last left
 * current), and the object's current stored version is closed at the first.
 */
async function moveVersions(conn: DuckDBConnection, names: TableNames): Promise<{ diaObjects: number; closedDiaObjects: number }> {
  const t = sqlIdent(names.diaObject);
  const s = sqlIdent(stageName(names, 'diaObject'));
  const end = sqlIdent(VALIDITY_END);
  const cols = recordColumns('diaObject').map((c) => sqlIdent(c.name));
  const fresh = sqlIdent(`_fresh_${names.diaObject}`);
  await runSql(conn, `CREATE OR REPLACE TEMP TABLE ${fresh} AS
    SELECT s.* FROM ${s} s
    LEFT JOIN (SELECT "diaObjectId", max("validityStartMjdTai") AS latest FROM ${t} WHERE "diaObjectId" IN (SELECT "diaObjectId" FROM ${s}) GROUP BY 1) l USING ("diaObjectId")
    WHERE l.latest IS NULL OR s."validityStartMjdTai" > l.latest
    QUALIFY row_number() OVER (PARTITION BY s."diaObjectId", s."validityStartMjdTai" ORDER BY s."nDiaSources" DESC) = 1`);
  const closed = await changed(conn, `UPDATE ${t} SET ${end} = f.first FROM (SELECT "diaObjectId", min("validityStartMjdTai") AS first FROM ${fresh} GROUP BY 1) f
    WHERE ${t}."diaObjectId" = f."diaObjectId" AND ${t}.${end} IS NULL`);
  const select = cols.map((c) => (c === end ? `lead("validityStartMjdTai") OVER (PARTITION BY "diaObjectId" ORDER BY "validityStartMjdTai") AS ${end}` : c));
  const inserted = await changed(conn, `INSERT INTO ${t} (${cols.join(', ')}) SELECT ${select.join(', ')} FROM ${fresh} ORDER BY "diaObjectId", "validityStartMjdTai"`);
  await runSql(conn, `DROP TABLE ${fresh}`);
  return { diaObjects: inserted, closedDiaObjects: closed };
}

async function countRows(conn: DuckDBConnection, names: TableNames): Promise<Record<CandidateRecord | 'diaObjectCurrent', number>> {
  const parts = [...CANDIDATE_RECORDS, 'diaObjectCurrent' as const].map((k) => `(SELECT count(*) FROM ${sqlIdent(names[k])}) AS ${sqlIdent(k)}`);
  const [row] = await queryRows(conn, `SELECT ${parts.join(', ')}`);
  const out = {} as Record<CandidateRecord | 'diaObjectCurrent', number>;
  for (const [k, v] of Object.entries(row!)) out[k as CandidateRecord] = Number(v);
  return out;
}
