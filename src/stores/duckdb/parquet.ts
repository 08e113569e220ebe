/**
 * Parquet exports, written by DuckDB's own writer (`COPY … TO … (FORMAT
 * parquet, COMPRESSION zstd)`): any table, and RAPID's source match-files
 * (seed 000: photometry of every candidate observed more than once). Files
 * are written next to their destination and renamed into place, so a reader
 * never sees a half-written file.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { AlertflowError } from '../../errors.js';
import { queryRows, sqlIdent, sqlString, storeError, type DuckdbHandle } from './connection.js';
import type { TableNames } from './schema.js';

/**
 * Options of {@link exportTableToParquet}.
 *
 * @example
 * const o: ParquetExportOptions = { where: '"band" = \'r\'', orderBy: '"diaObjectId", "midpointMjdTai"' };
 */
export interface ParquetExportOptions {
  /** SQL filter (trusted input: it is pasted into the query). */
  where?: string;
  /** SQL ORDER BY list. */
  orderBy?: string;
  /** Rows per Parquet row group (DuckDB's default when omitted). */
  rowGroupSize?: number;
}

/**
 * What was written.
 *
 * @example
 * const { rows, path } = await exportTableToParquet(db, 'diaSource', 'out/diaSource.parquet');
 */
export interface ParquetExportResult {
  path: string;
  rows: number;
}

const isHandle = (db: DuckdbHandle | DuckDBConnection): db is DuckdbHandle => typeof (db as Partial<DuckdbHandle>).exclusive === 'function';
const connOf = (db: DuckdbHandle | DuckDBConnection): DuckDBConnection => (isHandle(db) ? db.connection : db);

/**
 * Runs `COPY (query) TO out` as zstd Parquet via a temporary file and a rename.
 *
 * @example
 * await copyQueryToParquet(conn, 'SELECT 1 AS x', 'one.parquet');
 */
export async function copyQueryToParquet(db: DuckdbHandle | DuckDBConnection, query: string, out: string, options: { rowGroupSize?: number } = {}): Promise<ParquetExportResult> {
  const path = resolve(out);
  const partial = `${path}.partial`;
  mkdirSync(dirname(path), { recursive: true });
  const rg = options.rowGroupSize === undefined ? '' : `, ROW_GROUP_SIZE ${Math.max(1, Math.floor(options.rowGroupSize))}`;
  const run = async (conn: DuckDBConnection) => {
    try {
      const r = await conn.run(`COPY (${query}) TO ${sqlString(partial)} (FORMAT parquet, COMPRESSION zstd${rg})`);
      renameSync(partial, path);
      return { path, rows: r.rowsChanged };
    } catch (err) {
      rmSync(partial, { force: true });
      throw storeError(err, `Parquet export to ${path} failed`, { path, query: query.slice(0, 500) });
    }
  };
  return isHandle(db) ? db.exclusive(run) : run(db);
}

/**
 * Exports a table (or view) to Parquet, optionally filtered and sorted.
 *
 * @example
 * await exportTableToParquet(store.db, 'diaObject_current', 'objects.parquet', { orderBy: '"diaObjectId"' });
 */
export async function exportTableToParquet(db: DuckdbHandle | DuckDBConnection, table: string, out: string, options: ParquetExportOptions = {}): Promise<ParquetExportResult> {
  const exists = await queryRows(connOf(db), `SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = ${sqlString(table)} UNION ALL SELECT count(*) FROM duckdb_views() WHERE view_name = ${sqlString(table)}`);
  if (exists.every((r) => Number(r.n) === 0)) throw new AlertflowError('ERR_STORE', `no table or view named ${table}`, { table });
  let query = `SELECT * FROM ${sqlIdent(table)}`;
  if (options.where) query += ` WHERE ${options.where}`;
  if (options.orderBy) query += ` ORDER BY ${options.orderBy}`;
  return copyQueryToParquet(db, query, out, options);
}

/**
 * Seed 000's source match-file: every diaSource of the objects observed more
 * than once (current version's `nDiaSources > 1`), sorted by object, then time.
 *
 * @example
 * await exportSourceMatchFile(store.db, store.names, 'matches.parquet');
 */
export async function exportSourceMatchFile(db: DuckdbHandle | DuckDBConnection, names: TableNames, out: string, options: { minSources?: number; where?: string } = {}): Promise<ParquetExportResult> {
  const min = options.minSources ?? 2;
  const extra = options.where ? ` AND (${options.where})` : '';
  const query = `SELECT s.* FROM ${sqlIdent(names.diaSource)} s
    SEMI JOIN (SELECT "diaObjectId" FROM ${sqlIdent(names.diaObjectCurrent)} WHERE "nDiaSources" >= ${Math.floor(min)}) o ON s."diaObjectId" = o."diaObjectId"
    WHERE TRUE${extra}
    ORDER BY s."diaObjectId", s."midpointMjdTai", s."diaSourceId"`;
  return copyQueryToParquet(db, query, out);
}
