/**
 * Loading the rows of an export or append into the session's `rows` table,
 * and the content-derived batch id that makes re-running an append harmless.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { checkInput, createRowsTable, describe, inputRelation, type ColumnInfo, type DuckSession, type HatsInput } from './duck.js';

/**
 * Where the rows come from and which columns hold the position.
 *
 * @example
 * const s: RowSource = { input: { kind: 'file', path: 'night.parquet' }, ra: 'ra', dec: 'dec' };
 */
export interface RowSource {
  input: HatsInput;
  /** RA column, degrees. */
  ra: string;
  /** Dec column, degrees. */
  dec: string;
}

/**
 * Loads the input into table `rows` (with `_healpix_29`, sorted); returns its row count.
 *
 * @example
 * const n = await loadRows(session, { input, ra: 'ra', dec: 'dec' });
 */
export async function loadRows(session: DuckSession, src: RowSource, schema?: ColumnInfo[]): Promise<number> {
  const c = session.connection;
  const rel = await inputRelation(c, src.input);
  const cols = await describe(c, rel);
  const n = await checkInput(c, rel, cols, src.ra, src.dec);
  await createRowsTable(c, 'rows', rel, cols, src.ra, src.dec, schema);
  return n;
}

/**
 * A batch id derived from the input's content: the SHA-256 of a file's bytes,
 * or a DuckDB hash of a table's rows, prefixed with a readable label.
 *
 * @example
 * await contentBatchId(session, { kind: 'file', path: 'night-2025-10-06.parquet' }) // 'night-2025-10-06-3f2a…'
 */
export async function contentBatchId(session: DuckSession, input: HatsInput): Promise<string> {
  let digest: string;
  let label: string;
  if (input.kind === 'file') {
    const h = createHash('sha256');
    for await (const chunk of createReadStream(input.path)) h.update(chunk as Buffer);
    digest = h.digest('hex');
    label = basename(input.path).replace(/\.(parquet|csv|tsv)(\.gz)?$/i, '');
  } else {
    const rel = await inputRelation(session.connection, input);
    const r = await session.connection.runAndReadAll(`SELECT count(*)::VARCHAR || ':' || coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR AS k FROM ${rel} AS t`);
    digest = createHash('sha256').update(String(r.getRowObjectsJS()[0]!.k)).digest('hex');
    label = input.table;
    await session.connection.run('DETACH alertflow_src');
  }
  const safe = label.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[._-]+/, '').slice(0, 80) || 'batch';
  return `${safe}-${digest.slice(0, 16)}`;
}
