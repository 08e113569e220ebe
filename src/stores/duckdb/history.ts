/**
 * History retrieval for alert packaging (seed 002 step 2a: "retrieve all past
 * DiaSources"): every stored diaSource and forced source of a set of objects,
 * optionally only since a given MJD (alerts carry the last 12 months).
 *
 * Access path: a literal `IN (…)` list of ids (batched up to 4096 per query)
 * filtered in a vectorised scan whose `midpointMjdTai` zone maps skip row
 * groups older than `sinceMjd` (rows arrive in time order, so each row group
 * covers a short time range). An optional ART index on `diaObjectId` exists
 * but measured slower for these wide rows (see bench/storage/duckdb.ts).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, sqlIdent } from './connection.js';
import type { TableNames } from './schema.js';

/**
 * One object's stored history, each list sorted by `midpointMjdTai`.
 *
 * @example
 * const h: ObjectHistory = (await historyFor(conn, names, [id])).get(id)!;
 */
export interface ObjectHistory {
  diaSources: Record<string, unknown>[];
  diaForcedSources: Record<string, unknown>[];
}

/** Options of {@link historyFor}. */
export interface HistoryOptions {
  /** Only measurements with `midpointMjdTai >= sinceMjd`. */
  sinceMjd?: number;
  /** Leave out forced sources (default false). */
  withoutForced?: boolean;
}

/** Ids per query: keeps the SQL text bounded while still batching. */
const IDS_PER_QUERY = 4096;

/**
 * A literal, exact id list for SQL (`1, 2, 3`).
 *
 * @example
 * idList([1n, 2n]) // '1, 2'
 */
export function idList(ids: readonly bigint[]): string {
  return ids.map((id) => BigInt(id).toString()).join(', ');
}

/**
 * Histories of many objects at once: an entry for every requested id
 * (possibly empty lists), diaSources and forced sources in time order.
 *
 * @example
 * const h = await historyFor(conn, tableNames(), [id1, id2], { sinceMjd: nowMjd - 365 });
 * h.get(id1)!.diaSources.length;
 */
export async function historyFor(conn: DuckDBConnection, names: TableNames, objectIds: readonly bigint[], options: HistoryOptions = {}): Promise<Map<bigint, ObjectHistory>> {
  const out = new Map<bigint, ObjectHistory>();
  for (const id of objectIds) if (!out.has(id)) out.set(id, { diaSources: [], diaForcedSources: [] });
  const unique = [...out.keys()];
  const since = options.sinceMjd;
  const timeFilter = since === undefined ? '' : ` AND "midpointMjdTai" >= ${Number(since)}`;
  for (let i = 0; i < unique.length; i += IDS_PER_QUERY) {
    const ids = idList(unique.slice(i, i + IDS_PER_QUERY));
    const tables: [keyof ObjectHistory, string, string][] = [['diaSources', names.diaSource, 'diaSourceId']];
    if (!options.withoutForced) tables.push(['diaForcedSources', names.diaForcedSource, 'diaForcedSourceId']);
    for (const [key, table, idCol] of tables) {
      const rows = await queryRows(conn, `SELECT * FROM ${sqlIdent(table)} WHERE "diaObjectId" IN (${ids})${timeFilter} ORDER BY "diaObjectId", "midpointMjdTai", ${sqlIdent(idCol)}`);
      for (const r of rows) out.get(r.diaObjectId as bigint)![key].push(r);
    }
  }
  return out;
}
