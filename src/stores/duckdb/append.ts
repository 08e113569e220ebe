/**
 * Bulk appends through DuckDB's appender: records are transposed into
 * column vectors and appended a data chunk (2048 rows) at a time, which is
 * far cheaper than row-by-row INSERTs. Appends join the connection's open
 * transaction, if any, so a staged visit commits or rolls back as a whole.
 */
import { BIGINT, BLOB, BOOLEAN, DOUBLE, DuckDBDataChunk, FLOAT, INTEGER, TIMESTAMP, VARCHAR, blobValue, timestampValue, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { AlertflowError } from '../../errors.js';
import { storeError } from './connection.js';
import type { ColumnSpec, SqlType } from './schema.js';

const CHUNK_ROWS = 2048;

const DUCK_TYPES: Record<SqlType, DuckDBType> = { BIGINT, INTEGER, FLOAT, DOUBLE, VARCHAR, BOOLEAN, BLOB, TIMESTAMP };

type Convert = (value: unknown) => DuckDBValue;

const bad = (value: unknown, type: SqlType): never => {
  throw new TypeError(`cannot store ${typeof value} ${String(value).slice(0, 40)} in a ${type} column`);
};

/** One converter per column type, chosen once per column rather than per value. */
const CONVERTERS: Record<SqlType, Convert> = {
  BIGINT: (v) => (v == null ? null : typeof v === 'bigint' ? v : (typeof v === 'number' && Number.isSafeInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v)) ? BigInt(v) : bad(v, 'BIGINT')),
  INTEGER: (v) => (v == null ? null : typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : bad(v, 'INTEGER')),
  FLOAT: (v) => (v == null ? null : typeof v === 'number' ? v : bad(v, 'FLOAT')),
  DOUBLE: (v) => (v == null ? null : typeof v === 'number' ? v : bad(v, 'DOUBLE')),
  VARCHAR: (v) => (v == null ? null : typeof v === 'string' ? v : bad(v, 'VARCHAR')),
  BOOLEAN: (v) => (v == null ? null : typeof v === 'boolean' ? v : bad(v, 'BOOLEAN')),
  BLOB: (v) => (v == null ? null : v instanceof Uint8Array ? blobValue(v) : bad(v, 'BLOB')),
  // Avro timestamp-micros decode to bigint or number microseconds; a Date is also accepted.
  TIMESTAMP: (v) =>
    v == null ? null : v instanceof Date ? timestampValue(BigInt(v.getTime()) * 1000n) : typeof v === 'bigint' ? timestampValue(v) : typeof v === 'number' ? timestampValue(BigInt(Math.round(v))) : bad(v, 'TIMESTAMP'),
};

/**
 * Appends records (objects keyed by column name; missing keys become NULL)
 * to `table` through an appender. Returns the number of rows appended.
 *
 * @example
 * await appendRecords(conn, 'stage_diaSource', recordColumns('diaSource'), alerts.map((a) => a.diaSource));
 */
export async function appendRecords(conn: DuckDBConnection, table: string, columns: readonly ColumnSpec[], records: readonly Record<string, unknown>[]): Promise<number> {
  if (records.length === 0) return 0;
  const types = columns.map((c) => DUCK_TYPES[c.type]);
  let appender;
  try {
    appender = await conn.createAppender(table);
  } catch (err) {
    throw storeError(err, `cannot append to ${table}`, { table });
  }
  try {
    if (appender.columnCount !== columns.length) throw new AlertflowError('ERR_STORE', `table ${table} has ${appender.columnCount} columns, expected ${columns.length}`, { table });
    for (let start = 0; start < records.length; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, records.length - start);
      // Column by column: one converter and one property name per inner loop.
      const vectors: DuckDBValue[][] = columns.map((col) => {
        const convert = CONVERTERS[col.type];
        const name = col.name;
        const out = new Array<DuckDBValue>(n);
        let i = 0;
        try {
          for (; i < n; i++) out[i] = convert(records[start + i]![name]);
        } catch (err) {
          throw new AlertflowError('ERR_STORE', `${table}.${name}: ${(err as Error).message}`, { table, column: name, row: start + i });
        }
        return out;
      });
      const chunk = DuckDBDataChunk.create(types, n);
      chunk.setColumns(vectors);
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } catch (err) {
    appender.clear();
    throw storeError(err, `append to ${table} failed`, { table });
  } finally {
    appender.closeSync();
  }
  return records.length;
}
