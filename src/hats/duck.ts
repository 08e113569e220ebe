/**
 * The DuckDB side of HATS writing: one in-memory database per run (spilling
 * to the staging dir), input sources, the `rows` table with `_healpix_29`
 * first and sorted, histograms and Parquet leaf files.
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBVector } from '@duckdb/node-api';
import { availableParallelism } from 'node:os';
import { extname, resolve } from 'node:path';
import { AlertflowError } from '../errors.js';
import type { Histogram } from './partitioning.js';
import { HEALPIX29_SQL, registerHealpix29, type Healpix29Batch } from './spatial-index.js';

/**
 * Where rows come from: a Parquet or CSV file, or a table of a DuckDB database file.
 *
 * @example
 * const a: HatsInput = { kind: 'file', path: 'night.parquet' };
 * const b: HatsInput = { kind: 'duckdb', path: 'candidates.duckdb', table: 'candidates' };
 */
export type HatsInput = { kind: 'file'; path: string; format?: 'parquet' | 'csv' } | { kind: 'duckdb'; path: string; table: string };

/**
 * A column name and DuckDB type.
 *
 * @example
 * const c: ColumnInfo = { name: 'ra', type: 'DOUBLE' };
 */
export interface ColumnInfo {
  name: string;
  type: string;
}

/** The spatial index column. */
export const HEALPIX_COLUMN = '_healpix_29';
/** hive-style key names that must never be data columns (spec §6.1). */
const RESERVED_COLUMNS = ['Norder', 'Dir', 'Npix'];

/**
 * SQL identifier quoting.
 *
 * @example
 * ident('my col') // '"my col"'
 */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * SQL string literal quoting.
 *
 * @example
 * lit("it's") // "'it''s'"
 */
export function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * An open DuckDB connection with `alertflow_healpix29` registered.
 *
 * @example
 * const s = await openSession(tmpDir, h29); … s.close();
 */
export interface DuckSession {
  connection: DuckDBConnection;
  /** Another connection to the same database (for concurrent leaf writes). */
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

/**
 * Opens an in-memory DuckDB that spills to `tempDir`.
 *
 * @example
 * const s = await openSession('/data/.night.hats-staging-1/duck', await defaultHealpix29());
 */
export async function openSession(tempDir: string, healpix29: Healpix29Batch, options: { threads?: number; memoryLimit?: string } = {}): Promise<DuckSession> {
  const config: Record<string, string> = { temp_directory: tempDir, preserve_insertion_order: 'true' };
  if (options.threads) config.threads = String(options.threads);
  if (options.memoryLimit) config.memory_limit = options.memoryLimit;
  const instance = await DuckDBInstance.create(':memory:', config);
  const connection = await instance.connect();
  registerHealpix29(connection, healpix29);
  const extra: DuckDBConnection[] = [];
  return {
    connection,
    async connect() {
      const c = await instance.connect();
      extra.push(c);
      return c;
    },
    close() {
      for (const c of extra) c.closeSync();
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * SQL table expression reading an input (attaching a database file when needed).
 *
 * @example
 * await inputRelation(conn, { kind: 'file', path: 'x.csv' }) // "read_csv('/abs/x.csv', header = true)"
 */
export async function inputRelation(connection: DuckDBConnection, input: HatsInput): Promise<string> {
  const path = resolve(input.path);
  if (input.kind === 'duckdb') {
    await connection.run(`ATTACH ${lit(path)} AS alertflow_src (READ_ONLY)`);
    const parts = input.table.split('.');
    return ['alertflow_src', ...parts].map(ident).join('.');
  }
  const format = input.format ?? (/\.(csv|tsv)(\.gz)?$/i.test(path) ? 'csv' : extname(path).toLowerCase() === '.parquet' || extname(path) === '' ? 'parquet' : undefined);
  if (format === 'csv') return `read_csv(${lit(path)}, header = true)`;
  if (format === 'parquet') return `read_parquet(${lit(path)}, hive_partitioning = false)`;
  throw new AlertflowError('ERR_HATS', `cannot tell the format of ${input.path}: use a .parquet or .csv file`, { path });
}

/**
 * Column names and types of a relation.
 *
 * @example
 * await describe(conn, "read_parquet('x.parquet')") // [{ name: 'ra', type: 'DOUBLE' }, …]
 */
export async function describe(connection: DuckDBConnection, relation: string): Promise<ColumnInfo[]> {
  const r = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`);
  return r.getRowObjectsJS().map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
}

/**
 * Checks ra/dec (present, numeric, finite, |dec| ≤ 90) and forbidden column names.
 *
 * @example
 * await checkInput(conn, rel, cols, 'ra', 'dec');
 */
export async function checkInput(connection: DuckDBConnection, relation: string, columns: ColumnInfo[], ra: string, dec: string): Promise<number> {
  for (const c of [ra, dec]) {
    if (!columns.some((x) => x.name === c)) throw new AlertflowError('ERR_HATS', `input has no column ${c}`, { column: c, columns: columns.map((x) => x.name) });
  }
  const reserved = columns.filter((c) => RESERVED_COLUMNS.includes(c.name)).map((c) => c.name);
  if (reserved.length) throw new AlertflowError('ERR_HATS', `input has columns named ${reserved.join(', ')}, which collide with HATS directory keys`, { columns: reserved });
  const r = await connection.runAndReadAll(
    `SELECT count(*)::DOUBLE AS n, count(*) FILTER (WHERE NOT (${ident(ra)}::DOUBLE BETWEEN -1e300 AND 1e300) OR NOT (${ident(dec)}::DOUBLE BETWEEN -90 AND 90) OR ${ident(ra)} IS NULL OR ${ident(dec)} IS NULL)::DOUBLE AS bad FROM ${relation}`,
  );
  const row = r.getRowObjectsJS()[0]!;
  const bad = Number(row.bad);
  if (bad > 0) throw new AlertflowError('ERR_HATS', `${bad} input rows have a missing, non-finite or out-of-range ${ra}/${dec}`, { rows: bad, ra, dec });
  return Number(row.n);
}

/**
 * Creates table `name` = input rows with `_healpix_29` first, sorted by it.
 * `schema` (an existing catalog's columns) casts the input to that schema;
 * columns it lacks become NULL, extra input columns are refused.
 *
 * @example
 * await createRowsTable(conn, 'rows', rel, cols, 'ra', 'dec');
 */
export async function createRowsTable(connection: DuckDBConnection, name: string, relation: string, columns: ColumnInfo[], ra: string, dec: string, schema?: ColumnInfo[]): Promise<void> {
  const h = `${HEALPIX29_SQL}(${ident(ra)}::DOUBLE, ${ident(dec)}::DOUBLE) AS ${ident(HEALPIX_COLUMN)}`;
  let body: string;
  if (schema) {
    const have = new Set(columns.map((c) => c.name));
    const want = schema.filter((c) => c.name !== HEALPIX_COLUMN);
    const extra = columns.filter((c) => c.name !== HEALPIX_COLUMN && !want.some((w) => w.name === c.name)).map((c) => c.name);
    if (extra.length) throw new AlertflowError('ERR_HATS', `input columns ${extra.join(', ')} are not in the catalog schema (the schema of a catalog is fixed)`, { columns: extra });
    body = want.map((c) => (have.has(c.name) ? `CAST(${ident(c.name)} AS ${c.type}) AS ${ident(c.name)}` : `CAST(NULL AS ${c.type}) AS ${ident(c.name)}`)).join(', ');
  } else {
    // A stale spatial index in the input is dropped: the stored value must come from our computation.
    body = columns.filter((c) => c.name !== HEALPIX_COLUMN).map((c) => ident(c.name)).join(', ');
  }
  await connection.run(`CREATE OR REPLACE TABLE ${ident(name)} AS SELECT ${h}, ${body} FROM ${relation} ORDER BY 1`);
}

/**
 * Row counts per cell at `order` of a table or view, sorted by cell. Read as
 * raw column vectors: millions of order-10 cells would be slow as JS values.
 * For a table sorted by `_healpix_29` (`sorted`), the counts are run lengths
 * of one column scan, which beats a high-cardinality GROUP BY several times;
 * if the scan turns out not to be sorted, the GROUP BY is used after all.
 *
 * @example
 * await histogram(conn, 'rows', 10, true) // { order: 10, cells: Float64Array […], counts: Float64Array […] }
 */
export async function histogram(connection: DuckDBConnection, table: string, order: number, sorted = false): Promise<Histogram> {
  if (sorted) {
    const h = await runLengthHistogram(connection, table, order);
    if (h) return h;
  }
  const shift = 2 * (29 - order);
  const result = await connection.run(`SELECT (${ident(HEALPIX_COLUMN)} >> ${shift})::DOUBLE AS c, count(*)::DOUBLE AS n FROM ${ident(table)} GROUP BY 1 ORDER BY 1`);
  const cells: Float64Array[] = [];
  const counts: Float64Array[] = [];
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    cells.push(doubles(chunk.getColumnVector(0), chunk.rowCount));
    counts.push(doubles(chunk.getColumnVector(1), chunk.rowCount));
  }
  return { order, cells: concat(cells), counts: concat(counts) };
}

/** Run-length histogram of a sorted `_healpix_29` scan, or undefined if it is not sorted. */
async function runLengthHistogram(connection: DuckDBConnection, table: string, order: number): Promise<Histogram | undefined> {
  if (!LITTLE_ENDIAN) return undefined;
  const shift = 2 * (29 - order);
  const result = await connection.run(`SELECT ${ident(HEALPIX_COLUMN)} FROM ${ident(table)}`);
  let cells: Float64Array = new Float64Array(1 << 16);
  let counts: Float64Array = new Float64Array(1 << 16);
  let n = 0;
  let prev = -1;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const rows = chunk.rowCount;
    const v = chunk.getColumnVector(0);
    const items = (v as unknown as { items?: unknown }).items;
    const big = items instanceof BigInt64Array ? items : BigInt64Array.from({ length: rows }, (_, i) => v.getItem(i) as bigint);
    // Little-endian word pairs: values are non-negative, so (hi, lo) as uint32 give the index exactly.
    const w = new Uint32Array(big.buffer, big.byteOffset, rows * 2);
    for (let i = 0; i < rows; i++) {
      const lo = w[2 * i]!;
      const hi = w[2 * i + 1]!;
      const cell = shift >= 32 ? Math.floor(hi / 2 ** (shift - 32)) : hi * 2 ** (32 - shift) + Math.floor(lo / 2 ** shift);
      if (cell === prev) {
        counts[n - 1]!++;
        continue;
      }
      if (cell < prev) return undefined;
      if (n === cells.length) {
        cells = grow(cells);
        counts = grow(counts);
      }
      cells[n] = cell;
      counts[n++] = 1;
      prev = cell;
    }
  }
  return { order, cells: cells.slice(0, n), counts: counts.slice(0, n) };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

function doubles(v: DuckDBVector, n: number): Float64Array {
  const items = (v as unknown as { items?: unknown }).items;
  if (items instanceof Float64Array) return items.slice(0, n);
  return Float64Array.from({ length: n }, (_, i) => Number(v.getItem(i)));
}

function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Parquet writing options for leaves.
 *
 * @example
 * const p: ParquetOptions = { rowGroupSize: 100000, compressionLevel: 3 };
 */
export interface ParquetOptions {
  rowGroupSize?: number;
  /** ZSTD level (DuckDB default 3; upstream writers use 15, slower). */
  compressionLevel?: number;
  /** Leaf files written at once (default min(4, CPUs)). */
  concurrency?: number;
}

function copyOptions(o: ParquetOptions): string {
  const parts = ['FORMAT parquet', 'COMPRESSION zstd', `ROW_GROUP_SIZE ${o.rowGroupSize ?? 122880}`];
  if (o.compressionLevel !== undefined) parts.push(`COMPRESSION_LEVEL ${o.compressionLevel}`);
  return parts.join(', ');
}

/**
 * Writes the rows with `_healpix_29` in [lo, hi) of a table, sorted, to one Parquet file.
 *
 * @example
 * await writeLeaf(conn, 'rows', lo, hi, '/staging/leaves/0.parquet', {});
 */
export async function writeLeaf(connection: DuckDBConnection, table: string, lo: bigint, hi: bigint, path: string, o: ParquetOptions): Promise<void> {
  const h = ident(HEALPIX_COLUMN);
  await connection.run(`COPY (SELECT * FROM ${ident(table)} WHERE ${h} >= ${lo} AND ${h} < ${hi} ORDER BY ${h}) TO ${lit(path)} (${copyOptions(o)})`);
}

/**
 * One leaf file to write: the `_healpix_29` range [lo, hi) of the table.
 *
 * @example
 * const job: LeafJob = { lo: 0n, hi: 1n << 58n, path: '/staging/leaves/0.parquet' };
 */
export interface LeafJob {
  lo: bigint;
  hi: bigint;
  path: string;
}

/**
 * Writes many leaves, a few at a time on separate connections (one small
 * COPY barely uses DuckDB's threads). `onDone(n)` runs after each file with
 * the number of files finished so far.
 *
 * @example
 * await writeLeaves(session, 'rows', jobs, {}, (n) => progress.update(n));
 */
export async function writeLeaves(session: DuckSession, table: string, jobs: readonly LeafJob[], o: ParquetOptions, onDone: (done: number) => void): Promise<void> {
  const width = Math.max(1, Math.min(o.concurrency ?? Math.min(4, availableParallelism()), jobs.length));
  const connections = [session.connection];
  while (connections.length < width) connections.push(await session.connect());
  let next = 0;
  let done = 0;
  await Promise.all(
    connections.map(async (c) => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        await writeLeaf(c, table, job.lo, job.hi, job.path, o);
        onDone(++done);
      }
    }),
  );
}

/**
 * Writes `_common_metadata`: the schema of a table, zero row groups.
 *
 * @example
 * await writeSchemaFile(conn, 'rows', 'dataset/_common_metadata');
 */
export async function writeSchemaFile(connection: DuckDBConnection, table: string, path: string): Promise<void> {
  await connection.run(`COPY (SELECT * FROM ${ident(table)} LIMIT 0) TO ${lit(path)} (FORMAT parquet, COMPRESSION zstd)`);
}

/**
 * Columns of a Parquet file (e.g. `_common_metadata`).
 *
 * @example
 * await parquetColumns(conn, 'cat/dataset/_common_metadata')
 */
export async function parquetColumns(connection: DuckDBConnection, path: string): Promise<ColumnInfo[]> {
  return describe(connection, `read_parquet(${lit(path)}, hive_partitioning = false)`);
}
