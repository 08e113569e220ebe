/**
 * Table definitions of the candidate store, derived from the Rubin
 * `lsst.v11_0` Avro records so that a column exists for every schema field,
 * with the same name and the mapped type (long→BIGINT, int→INTEGER,
 * float→FLOAT, double→DOUBLE, string→VARCHAR, boolean→BOOLEAN, bytes→BLOB;
 * `["null", T]` unions are NULL-able, everything else NOT NULL).
 *
 * Versioning of diaObject: each row is one version, valid over the half-open
 * MJD (TAI) interval [validityStartMjdTai, validityEndMjdTai); a NULL end marks
 * the current version. MJD doubles rather than TIMESTAMPs because the schema's
 * own `validityStartMjdTai` is an MJD TAI double, so both ends compare
 * directly with it and with `midpointMjdTai`.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { AlertflowError } from '../../errors.js';
import { requireBuiltInSchema } from '../../formats/avro/builtin.js';
import { runSql, sqlIdent } from './connection.js';

/** DuckDB column types the mapping produces. */
export type SqlType = 'BIGINT' | 'INTEGER' | 'FLOAT' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN' | 'BLOB' | 'TIMESTAMP';

/**
 * One column of a store table.
 *
 * @example
 * const c: ColumnSpec = { name: 'psfFlux', type: 'FLOAT', nullable: true };
 */
export interface ColumnSpec {
  name: string;
  type: SqlType;
  nullable: boolean;
}

/** The record kinds the candidate store keeps. */
export type CandidateRecord = 'diaObject' | 'diaSource' | 'diaForcedSource' | 'ssSource';

/** The candidate record kinds, in creation order. */
export const CANDIDATE_RECORDS: readonly CandidateRecord[] = ['diaObject', 'diaSource', 'diaForcedSource', 'ssSource'];

/** Column closing a diaObject version (NULL = current). */
export const VALIDITY_END = 'validityEndMjdTai';

/**
 * Key of each table: the idempotency key of appends. Enforced by an anti-join
 * in the (single, serialised) writer's transaction, not by a PRIMARY KEY
 * constraint, because an ART index on every id slows appends severalfold.
 */
export const PRIMARY_KEYS: Readonly<Record<CandidateRecord, readonly string[]>> = {
  diaObject: ['diaObjectId', 'validityStartMjdTai'],
  diaSource: ['diaSourceId'],
  diaForcedSource: ['diaForcedSourceId'],
  ssSource: ['diaSourceId'],
};

/**
 * Table and view names of one candidate store. A prefix keeps several
 * stores (surveys, test runs) apart in one database file.
 *
 * @example
 * tableNames('rubin').diaSource // 'rubin_diaSource'
 */
export interface TableNames extends Record<CandidateRecord, string> {
  /** View of the current diaObject versions. */
  diaObjectCurrent: string;
}

/**
 * Names of the tables for an optional prefix (`''` → `diaSource`, `x` → `x_diaSource`).
 *
 * @example
 * tableNames().diaObjectCurrent // 'diaObject_current'
 */
export function tableNames(prefix = ''): TableNames {
  if (prefix !== '' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix)) throw new AlertflowError('ERR_STORE', `table prefix must be a plain identifier (got ${prefix})`, { prefix });
  const p = prefix === '' ? '' : `${prefix}_`;
  return { diaObject: `${p}diaObject`, diaSource: `${p}diaSource`, diaForcedSource: `${p}diaForcedSource`, ssSource: `${p}ssSource`, diaObjectCurrent: `${p}diaObject_current` };
}

type AvroType = string | { type: string; name?: string; items?: AvroType; logicalType?: string; fields?: AvroField[] } | AvroType[];
interface AvroField {
  name: string;
  type: AvroType;
}

const PRIMITIVES: Record<string, SqlType> = { long: 'BIGINT', int: 'INTEGER', float: 'FLOAT', double: 'DOUBLE', string: 'VARCHAR', boolean: 'BOOLEAN', bytes: 'BLOB' };

/**
 * The DuckDB type of an Avro field type, and whether it is NULL-able.
 *
 * @example
 * avroToSql(['null', 'float']) // { type: 'FLOAT', nullable: true }
 */
export function avroToSql(t: AvroType): { type: SqlType; nullable: boolean } {
  if (Array.isArray(t)) {
    const rest = t.filter((b) => b !== 'null');
    if (rest.length !== 1) throw new AlertflowError('ERR_STORE', `unsupported union ${JSON.stringify(t)}`, { type: t });
    return { type: avroToSql(rest[0]!).type, nullable: rest.length < t.length };
  }
  if (typeof t === 'string') {
    const mapped = PRIMITIVES[t];
    if (!mapped) throw new AlertflowError('ERR_STORE', `unsupported Avro type ${t}`, { type: t });
    return { type: mapped, nullable: false };
  }
  if (t.logicalType === 'timestamp-micros' || t.logicalType === 'timestamp-millis') return { type: 'TIMESTAMP', nullable: false };
  return avroToSql(t.type as AvroType);
}

/** Finds a named record anywhere inside a self-contained schema JSON. */
function findRecord(node: unknown, fullName: string): { fields: AvroField[] } | undefined {
  if (Array.isArray(node)) {
    for (const n of node) {
      const r = findRecord(n, fullName);
      if (r) return r;
    }
    return undefined;
  }
  if (node === null || typeof node !== 'object') return undefined;
  const o = node as { type?: unknown; name?: unknown; fields?: AvroField[]; items?: unknown };
  if (o.type === 'record' && o.name === fullName && o.fields) return { fields: o.fields };
  if (o.fields) for (const f of o.fields) {
    const r = findRecord(f.type, fullName);
    if (r) return r;
  }
  if (o.items !== undefined) return findRecord(o.items, fullName);
  if (typeof o.type === 'object') return findRecord(o.type, fullName);
  return undefined;
}

const cache = new Map<string, ColumnSpec[]>();

/**
 * Columns of a record of a built-in schema, in schema order (diaObject adds
 * `validityEndMjdTai` last).
 *
 * @example
 * recordColumns('diaSource').find((c) => c.name === 'diaSourceId') // { type: 'BIGINT', nullable: false, … }
 */
export function recordColumns(record: CandidateRecord, schemaName = 'lsst.v11_0'): ColumnSpec[] {
  const key = `${schemaName}/${record}`;
  let cols = cache.get(key);
  if (cols) return cols;
  const schema = requireBuiltInSchema(schemaName);
  const namespace = schemaName.startsWith('lsst.') ? schemaName : schemaName.replace(/ .*/, '');
  const rec = findRecord(schema.json, `${namespace}.${record}`);
  if (!rec) throw new AlertflowError('ERR_STORE', `schema ${schemaName} has no record ${record}`, { schemaName, record });
  cols = rec.fields.map((f) => ({ name: f.name, ...avroToSql(f.type) }));
  if (record === 'diaObject') cols.push({ name: VALIDITY_END, type: 'DOUBLE', nullable: true });
  cache.set(key, cols);
  return cols;
}

/**
 * `CREATE TABLE IF NOT EXISTS` for one record kind.
 *
 * @example
 * createTableSql('diaSource', 'diaSource') // 'CREATE TABLE IF NOT EXISTS "diaSource" ("diaSourceId" BIGINT NOT NULL, …)'
 */
export function createTableSql(record: CandidateRecord, table: string, opts: { primaryKey?: boolean; temp?: boolean } = {}): string {
  const cols = recordColumns(record).map((c) => `${sqlIdent(c.name)} ${c.type}${c.nullable ? '' : ' NOT NULL'}`);
  if (opts.primaryKey === true && !opts.temp) cols.push(`PRIMARY KEY (${PRIMARY_KEYS[record].map(sqlIdent).join(', ')})`);
  return `CREATE ${opts.temp ? 'TEMP ' : ''}TABLE IF NOT EXISTS ${sqlIdent(table)} (${cols.join(', ')})`;
}

/**
 * Creates the candidate tables and the `diaObject_current` view if missing;
 * with `indexes: true` also ART indexes on `diaObjectId`.
 *
 * Why no index by default: ingestion appends in time order, so
 * `midpointMjdTai` zone maps prune a history window, and an id filter over
 * the remaining row groups is a fast vectorised scan. bench/storage/duckdb.ts
 * measured the ART lookup *slower* than the scan for these ~100-column rows
 * (a row-id fetch per column), and it slows appends.
 *
 * @example
 * await ensureCandidateSchema(db.connection, tableNames());
 */
export async function ensureCandidateSchema(conn: DuckDBConnection, names: TableNames, opts: { indexes?: boolean; primaryKeys?: boolean } = {}): Promise<void> {
  for (const r of CANDIDATE_RECORDS) await runSql(conn, createTableSql(r, names[r], { primaryKey: opts.primaryKeys === true }));
  await runSql(conn, `CREATE VIEW IF NOT EXISTS ${sqlIdent(names.diaObjectCurrent)} AS SELECT * EXCLUDE (${sqlIdent(VALIDITY_END)}) FROM ${sqlIdent(names.diaObject)} WHERE ${sqlIdent(VALIDITY_END)} IS NULL`);
  if (opts.indexes !== true) return;
  await runSql(conn, `CREATE INDEX IF NOT EXISTS ${sqlIdent(`${names.diaSource}_object_idx`)} ON ${sqlIdent(names.diaSource)} ("diaObjectId")`);
  await runSql(conn, `CREATE INDEX IF NOT EXISTS ${sqlIdent(`${names.diaForcedSource}_object_idx`)} ON ${sqlIdent(names.diaForcedSource)} ("diaObjectId")`);
}
