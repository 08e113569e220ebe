/**
 * Opening DuckDB databases, quoting SQL, serialising a connection's
 * transactions and wrapping DuckDB failures as typed `ERR_STORE` errors.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { AlertflowError, isAlertflowError } from '../../errors.js';

/**
 * An open database: one instance, one connection for writes (transactions
 * on it are serialised), and more connections on demand for readers.
 *
 * @example
 * const db = await openDuckdb('candidates.duckdb');
 * const reader = await db.connect();
 * await db.close();
 */
export interface DuckdbHandle {
  /** Absolute file path, or `:memory:`. */
  readonly path: string;
  readonly instance: DuckDBInstance;
  /** The writer connection. Use {@link DuckdbHandle.exclusive} for multi-statement work on it. */
  readonly connection: DuckDBConnection;
  /** A new connection to the same database (its own transactions; sees only committed data of others). */
  connect(): Promise<DuckDBConnection>;
  /** Runs `fn` with the writer connection once every earlier `exclusive` call has finished. */
  exclusive<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T>;
  /** Runs `fn` inside BEGIN … COMMIT on the writer connection (ROLLBACK if it throws), serialised. */
  transaction<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Options of {@link openDuckdb}. */
export interface OpenDuckdbOptions {
  /** DuckDB configuration options, e.g. `{ threads: '4', memory_limit: '2GB' }`. */
  config?: Record<string, string>;
}

/** Open file instances of this process, shared and reference-counted by path and config. */
const shared = new Map<string, { instance: Promise<DuckDBInstance>; refs: number; config: string }>();

async function acquire(abs: string, config: Record<string, string> | undefined): Promise<DuckDBInstance> {
  const key = JSON.stringify(config ?? {});
  const entry = shared.get(abs);
  if (entry) {
    if (entry.config !== key) throw new AlertflowError('ERR_STORE', `database ${abs} is already open in this process with other options (${entry.config})`, { path: abs });
    entry.refs++;
    return entry.instance;
  }
  const instance = DuckDBInstance.create(abs, config);
  shared.set(abs, { instance, refs: 1, config: key });
  instance.catch(() => shared.delete(abs));
  return instance;
}

function release(abs: string): void {
  const entry = shared.get(abs);
  if (!entry || --entry.refs > 0) return;
  shared.delete(abs);
  // Closing the last user's instance releases the file lock, so it can be reopened (say read-only).
  void entry.instance.then((i) => i.closeSync()).catch(() => {});
}

/**
 * Opens (creating if needed) a DuckDB database file, or an in-memory one for
 * `:memory:`. Handles of one file in a process share one instance, because
 * two instances of one file would not see each other's writes; the instance
 * closes with its last handle.
 *
 * @example
 * const db = await openDuckdb(':memory:');
 * await db.connection.run('select 1');
 */
export async function openDuckdb(path: string, options: OpenDuckdbOptions = {}): Promise<DuckdbHandle> {
  const memory = path === ':memory:' || path === '';
  const abs = memory ? ':memory:' : resolve(path);
  let instance: DuckDBInstance;
  try {
    if (!memory) mkdirSync(dirname(abs), { recursive: true });
    instance = memory ? await DuckDBInstance.create(':memory:', options.config) : await acquire(abs, options.config);
  } catch (err) {
    throw storeError(err, `cannot open DuckDB database ${abs}`, { path: abs });
  }
  const connection = await instance.connect();
  const extra: DuckDBConnection[] = [];
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  const exclusive = <T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new AlertflowError('ERR_STORE', `database ${abs} is closed`, { path: abs }));
    const next = queue.then(() => fn(connection));
    queue = next.catch(() => {});
    return next;
  };

  return {
    path: abs,
    instance,
    connection,
    async connect() {
      const c = await instance.connect();
      extra.push(c);
      return c;
    },
    exclusive,
    transaction: <T>(fn: (conn: DuckDBConnection) => Promise<T>) =>
      exclusive(async (conn) => {
        await conn.run('BEGIN TRANSACTION');
        try {
          const out = await fn(conn);
          await conn.run('COMMIT');
          return out;
        } catch (err) {
          await conn.run('ROLLBACK').catch(() => {});
          throw storeError(err, 'transaction rolled back', { path: abs });
        }
      }),
    async close() {
      if (closed) return;
      await queue;
      closed = true;
      for (const c of extra) c.closeSync();
      connection.closeSync();
      if (memory) instance.closeSync();
      else release(abs);
    },
  };
}

/**
 * A double-quoted SQL identifier (table or column name).
 *
 * @example
 * sqlIdent('dec') // '"dec"'
 */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A single-quoted SQL string literal.
 *
 * @example
 * sqlString("it's") // "'it''s'"
 */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * A DuckDB failure as an `ERR_STORE` error (an AlertflowError passes through).
 *
 * @example
 * try { await conn.run(sql) } catch (e) { throw storeError(e, 'insert failed', { table }) }
 */
export function storeError(err: unknown, message: string, details: Record<string, unknown> = {}): AlertflowError {
  if (isAlertflowError(err)) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new AlertflowError('ERR_STORE', `${message}: ${reason}`, details, { cause: err });
}

/**
 * Runs a statement, turning a DuckDB failure into `ERR_STORE` with the SQL in its details.
 *
 * @example
 * await runSql(conn, 'delete from diaSource where midpointMjdTai < 60000');
 */
export async function runSql(conn: DuckDBConnection, sql: string): Promise<void> {
  try {
    await conn.run(sql);
  } catch (err) {
    throw storeError(err, 'SQL failed', { sql: sql.length > 500 ? `${sql.slice(0, 500)}…` : sql });
  }
}

/**
 * Runs a query and returns its rows as objects (BIGINT as bigint, LIST as arrays).
 *
 * @example
 * const [{ n }] = await queryRows(conn, 'select count(*) as n from diaSource');
 */
export async function queryRows(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  try {
    const reader = await conn.runAndReadAll(sql);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } catch (err) {
    throw storeError(err, 'query failed', { sql: sql.length > 500 ? `${sql.slice(0, 500)}…` : sql });
  }
}

/**
 * Rows of a query with bound parameters.
 *
 * @example
 * await rows<{ n: bigint }>(conn, 'SELECT count(*) AS n FROM t WHERE kind = $1', ['science'])
 */
export async function rows<T>(conn: DuckDBConnection, sql: string, params: DuckDBValue[] = []): Promise<T[]> {
  if (params.length === 0) return (await queryRows(conn, sql)) as T[];
  try {
    return (await conn.runAndReadAll(sql, params)).getRowObjectsJS() as T[];
  } catch (err) {
    throw storeError(err, 'query failed', { sql });
  }
}

/**
 * A statement with bound parameters.
 *
 * @example
 * await exec(conn, 'DELETE FROM t WHERE id = $1', [id])
 */
export async function exec(conn: DuckDBConnection, sql: string, params: DuckDBValue[] = []): Promise<void> {
  try {
    await conn.run(sql, params);
  } catch (err) {
    throw storeError(err, 'SQL failed', { sql });
  }
}
