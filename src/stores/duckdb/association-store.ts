/**
 * {@link DiaObjectStore} on the DuckDB candidate store, so association keeps
 * its state in the Level 1 tables: current objects come from the
 * `diaObject_current` view, sources from `diaSource` (solar-system sources
 * too, with `ssObjectId` set), and `applyVisit` is one transaction that
 * closes the touched objects' current versions and inserts the new ones.
 *
 * Differences from the in-memory store: each object version needs a time
 * (`validityStartMjdTai`, else the latest `midpointMjdTai` of the visit's
 * sources) that is later than the object's stored version, and sources must
 * carry the schema's required diaSource fields (a missing `visit` is taken
 * from the update).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { AlertflowError } from '../../errors.js';
import { separationDeg } from '../../sky/vector.js';
import type { DiaObjectStore, NearbyObject, VisitUpdate } from '../../association/store.js';
import type { DiaObjectRecord, DiaSourceRecord, SsObjectSummary } from '../../association/types.js';
import { appendRecords } from './append.js';
import { openCandidateStore, writeCandidates, type CandidateStore, type CandidateStoreOptions } from './candidate-store.js';
import { queryRows, runSql, sqlIdent, type DuckdbHandle } from './connection.js';
import { historyFor, idList } from './history.js';
import { recordColumns } from './schema.js';

const POSITION_COLUMNS = [
  { name: 'i', type: 'INTEGER', nullable: false },
  { name: 'ra', type: 'DOUBLE', nullable: false },
  { name: 'dec', type: 'DOUBLE', nullable: false },
] as const;

/**
 * The DuckDB-backed association store.
 *
 * @example
 * const store = await DuckdbDiaObjectStore.open('l1.duckdb');
 * const result = await associateVisit(store, visit);
 * await store.close();
 */
export class DuckdbDiaObjectStore implements DiaObjectStore {
  private constructor(readonly candidates: CandidateStore) {}

  /** Opens (creating if needed) the store in a DuckDB file, `:memory:`, or an open handle. */
  static async open(db: string | DuckdbHandle, options: CandidateStoreOptions = {}): Promise<DuckdbDiaObjectStore> {
    const candidates = await openCandidateStore(db, options);
    const counter = sqlIdent(`${candidates.names.diaObject}_next_id`);
    await candidates.db.exclusive((c) => runSql(c, `CREATE TABLE IF NOT EXISTS ${counter} ("next" BIGINT NOT NULL)`));
    return new DuckdbDiaObjectStore(candidates);
  }

  private get db(): DuckdbHandle {
    return this.candidates.db;
  }

  private get names() {
    return this.candidates.names;
  }

  /**
   * Writes initial objects (a catalogue, a previous night) as versions valid from `validityStartMjdTai`.
   *
   * @example
   * await store.seed([{ diaObjectId: 1n, ra: 10, dec: 20 }], 60999);
   */
  async seed(objects: readonly DiaObjectRecord[], validityStartMjdTai: number): Promise<void> {
    const rows = objects.map((o) => withRequiredCounts({ ...o, validityStartMjdTai: o.validityStartMjdTai ?? validityStartMjdTai }));
    await this.db.transaction((conn) => writeCandidates(conn, this.names, { diaObjects: rows }));
  }

  async near(positions: readonly { ra: number; dec: number }[], radiusDeg: number): Promise<NearbyObject[][]> {
    const out: NearbyObject[][] = positions.map(() => []);
    if (positions.length === 0 || !(radiusDeg >= 0)) return out;
    const r = Math.min(radiusDeg, 180);
    // Zones (dec bands of height ≥ r): each position is joined with objects of its own and both neighbouring bands.
    const h = Math.max(r, 1e-9);
    const pos = sqlIdent(`_near_${this.names.diaObject}`);
    const rows = await this.db.exclusive(async (conn) => {
      await runSql(conn, `CREATE OR REPLACE TEMP TABLE ${pos} ("i" INTEGER, "ra" DOUBLE, "dec" DOUBLE)`);
      await appendRecords(conn, `_near_${this.names.diaObject}`, POSITION_COLUMNS, positions.map((p, i) => ({ i, ra: p.ra, dec: p.dec })));
      return queryRows(
        conn,
        `WITH p AS (SELECT "i", "ra", "dec", CAST(floor("dec" / ${h}) AS BIGINT) + d.dz AS zone FROM ${pos}, (VALUES (-1), (0), (1)) d(dz)),
              o AS (SELECT "diaObjectId", "ra", "dec", CAST(floor("dec" / ${h}) AS BIGINT) AS zone FROM ${sqlIdent(this.names.diaObjectCurrent)})
         SELECT p."i", o."diaObjectId", o."ra", o."dec" FROM p JOIN o ON o.zone = p.zone
         WHERE abs(o."dec" - p."dec") <= ${r} * 1.000001
           AND least(abs(o."ra" - p."ra"), 360 - abs(o."ra" - p."ra")) * cos(radians(least(90, abs(p."dec") + ${r}))) <= ${r} * 1.000001`,
      );
    });
    // The SQL window is generous; the exact test uses the same separation formula as the in-memory store.
    for (const row of rows) {
      const p = positions[row.i as number]!;
      const sep = separationDeg(p.ra, p.dec, row.ra as number, row.dec as number);
      if (sep <= radiusDeg) out[row.i as number]!.push({ diaObjectId: row.diaObjectId as bigint, ra: row.ra as number, dec: row.dec as number, separationDeg: sep });
    }
    return out;
  }

  async inCone(ra: number, dec: number, radiusDeg: number): Promise<DiaObjectRecord[]> {
    const [hits] = await this.near([{ ra, dec }], radiusDeg);
    const objects = await this.getObjects(hits!.map((n) => n.diaObjectId));
    return hits!.map((n) => objects.get(n.diaObjectId)!).filter(Boolean);
  }

  async getObjects(ids: readonly bigint[]): Promise<Map<bigint, DiaObjectRecord>> {
    const out = new Map<bigint, DiaObjectRecord>();
    if (ids.length === 0) return out;
    const rows = await this.db.exclusive((c) => queryRows(c, `SELECT * FROM ${sqlIdent(this.names.diaObjectCurrent)} WHERE "diaObjectId" IN (${idList(ids)})`));
    for (const r of rows) out.set(r.diaObjectId as bigint, r as DiaObjectRecord);
    return out;
  }

  async sourcesOf(ids: readonly bigint[]): Promise<Map<bigint, DiaSourceRecord[]>> {
    const h = await this.db.exclusive((c) => historyFor(c, this.names, ids, { withoutForced: true }));
    return new Map([...h].map(([id, v]) => [id, v.diaSources as DiaSourceRecord[]]));
  }

  async ssObjects(ids: readonly bigint[]): Promise<Map<bigint, SsObjectSummary>> {
    const out = new Map<bigint, SsObjectSummary>();
    if (ids.length === 0) return out;
    const rows = await this.db.exclusive((c) =>
      queryRows(c, `SELECT "ssObjectId", count(*) AS n, min("midpointMjdTai") AS first, max("midpointMjdTai") AS last FROM ${sqlIdent(this.names.diaSource)} WHERE "ssObjectId" IN (${idList(ids)}) GROUP BY 1`),
    );
    for (const r of rows) out.set(r.ssObjectId as bigint, { ssObjectId: r.ssObjectId as bigint, nDiaSources: Number(r.n), firstDiaSourceMjdTai: (r.first as number | null) ?? null, lastDiaSourceMjdTai: (r.last as number | null) ?? null });
    return out;
  }

  async reserveIds(count: number): Promise<bigint[]> {
    if (!Number.isInteger(count) || count < 0) throw new AlertflowError('ERR_ASSOCIATION', `reserveIds needs a non-negative integer (got ${count})`);
    if (count === 0) return [];
    const counter = sqlIdent(`${this.names.diaObject}_next_id`);
    // Committed on its own, so ids handed to a visit that later fails are never reused.
    const start = await this.db.transaction(async (conn) => {
      const [row] = await queryRows(conn, `SELECT greatest(coalesce((SELECT max("next") FROM ${counter}), 1), coalesce((SELECT max("diaObjectId") + 1 FROM ${sqlIdent(this.names.diaObject)}), 1)) AS s`);
      const s = row!.s as bigint;
      await runSql(conn, `DELETE FROM ${counter}`);
      await runSql(conn, `INSERT INTO ${counter} VALUES (${(s + BigInt(count)).toString()})`);
      return s;
    });
    return Array.from({ length: count }, (_, i) => start + BigInt(i));
  }

  async applyVisit(update: VisitUpdate): Promise<void> {
    const { objects, sources } = prepareVisit(update);
    await this.db.transaction(async (conn) => {
      await checkAgainstStored(conn, this, update, objects, sources);
      await writeCandidates(conn, this.names, { diaObjects: objects, diaSources: sources });
    });
  }

  /** Closes the database if this store opened it. */
  async close(): Promise<void> {
    await this.candidates.close();
  }
}

const reject = (update: VisitUpdate, message: string, details: Record<string, unknown> = {}) => new AlertflowError('ERR_ASSOCIATION', message, { visit: String(update.visit), ...details });

/** Missing NOT NULL counters of a diaObject (`*_psfFluxNdata`, `nDiaSources`) default to 0. */
function withRequiredCounts(o: Record<string, unknown>): Record<string, unknown> {
  for (const c of recordColumns('diaObject')) if (!c.nullable && c.type === 'INTEGER' && o[c.name] == null) o[c.name] = 0;
  return o;
}

/** Checks that need no database, and fills derivable fields (validity start, visit). */
function prepareVisit(update: VisitUpdate): { objects: Record<string, unknown>[]; sources: Record<string, unknown>[] } {
  const sources: Record<string, unknown>[] = [];
  const seen = new Set<bigint>();
  let latest: number | null = null;
  for (const s of [...update.diaSources, ...update.ssSources]) {
    if (seen.has(s.diaSourceId)) throw reject(update, `diaSourceId ${s.diaSourceId} appears twice`);
    seen.add(s.diaSourceId);
    const t = s.midpointMjdTai;
    if (typeof t === 'number' && Number.isFinite(t)) latest = latest === null ? t : Math.max(latest, t);
    sources.push({ ...s, visit: s.visit ?? update.visit });
  }
  const perObject = new Set<bigint>();
  for (const s of update.diaSources) {
    if (s.diaObjectId == null) throw reject(update, `diaSource ${s.diaSourceId} has no diaObjectId`);
    if (perObject.has(s.diaObjectId)) throw reject(update, `diaObject ${s.diaObjectId} has more than one diaSource in visit ${update.visit}`);
    perObject.add(s.diaObjectId);
  }
  for (const s of update.ssSources) if (s.ssObjectId == null) throw reject(update, `ss source ${s.diaSourceId} has no ssObjectId`);
  const ids = new Set<bigint>();
  const objects = update.objects.map((o) => {
    if (typeof o.diaObjectId !== 'bigint') throw reject(update, 'diaObjectId must be a bigint');
    if (ids.has(o.diaObjectId)) throw reject(update, `diaObjectId ${o.diaObjectId} written twice`);
    ids.add(o.diaObjectId);
    if (!Number.isFinite(o.ra) || !Number.isFinite(o.dec) || Math.abs(o.dec) > 90) throw reject(update, `diaObject ${o.diaObjectId} has an invalid position (${o.ra}, ${o.dec})`);
    const start = typeof o.validityStartMjdTai === 'number' && Number.isFinite(o.validityStartMjdTai) ? o.validityStartMjdTai : latest;
    if (start === null) throw reject(update, `diaObject ${o.diaObjectId} needs validityStartMjdTai (or sources with midpointMjdTai) to be versioned`, { diaObjectId: o.diaObjectId.toString() });
    return withRequiredCounts({ ...o, validityStartMjdTai: start });
  });
  return { objects, sources };
}

/** Checks against stored rows, inside the visit's transaction. */
async function checkAgainstStored(conn: DuckDBConnection, store: DuckdbDiaObjectStore, update: VisitUpdate, objects: Record<string, unknown>[], sources: Record<string, unknown>[]): Promise<void> {
  const names = store.candidates.names;
  if (sources.length > 0) {
    const dup = await queryRows(conn, `SELECT "diaSourceId" FROM ${sqlIdent(names.diaSource)} WHERE "diaSourceId" IN (${idList(sources.map((s) => s.diaSourceId as bigint))}) LIMIT 1`);
    if (dup.length > 0) throw reject(update, `diaSourceId ${String(dup[0]!.diaSourceId)} is already stored`);
  }
  const written = new Set(objects.map((o) => o.diaObjectId as bigint));
  const referenced = [...new Set(update.diaSources.map((s) => s.diaObjectId as bigint))].filter((id) => !written.has(id));
  if (referenced.length > 0) {
    const found = await queryRows(conn, `SELECT "diaObjectId" FROM ${sqlIdent(names.diaObjectCurrent)} WHERE "diaObjectId" IN (${idList(referenced)})`);
    const known = new Set(found.map((r) => r.diaObjectId as bigint));
    const missing = referenced.find((id) => !known.has(id));
    if (missing !== undefined) throw reject(update, `diaSource names unknown diaObjectId ${missing}`);
  }
  if (objects.length > 0) {
    const latest = await queryRows(conn, `SELECT "diaObjectId", max("validityStartMjdTai") AS t FROM ${sqlIdent(names.diaObject)} WHERE "diaObjectId" IN (${idList([...written])}) GROUP BY 1`);
    const byId = new Map(latest.map((r) => [r.diaObjectId as bigint, r.t as number]));
    for (const o of objects) {
      const t = byId.get(o.diaObjectId as bigint);
      if (t !== undefined && !((o.validityStartMjdTai as number) > t)) throw reject(update, `diaObject ${String(o.diaObjectId)}: new version (validityStartMjdTai ${String(o.validityStartMjdTai)}) is not later than the stored one (${t})`);
    }
  }
}
