/**
 * Where association keeps DiaObject state between visits. The interface is
 * asynchronous and batch-shaped so that a database store (DuckDB, later) can
 * answer a whole visit with a few queries, and a visit's writes arrive as one
 * {@link VisitUpdate} that the store must apply atomically (all or nothing),
 * like the Level 1 database's "invalidate the old row, insert the new one"
 * transaction.
 */
import type { DiaObjectRecord, DiaSourceRecord, SsObjectSummary } from './types.js';

/**
 * An object found near a query position. `separationDeg` is the great-circle
 * separation (Vincenty's formula, from the positions in degrees).
 *
 * @example
 * const n: NearbyObject = { diaObjectId: 7n, ra: 10, dec: 20, separationDeg: 1e-4 };
 */
export interface NearbyObject {
  diaObjectId: bigint;
  ra: number;
  dec: number;
  separationDeg: number;
}

/**
 * Everything one visit changes, applied as a unit.
 *
 * @example
 * await store.applyVisit({ visit: 1n, diaSources, objects: [...updated, ...created], ssSources: [] });
 */
export interface VisitUpdate {
  visit: bigint;
  /** Sources associated with DiaObjects (each has `diaObjectId` set). */
  diaSources: DiaSourceRecord[];
  /** New versions of existing objects and newly created objects (upserts by id). */
  objects: DiaObjectRecord[];
  /** Sources associated with solar-system objects (each has `ssObjectId` set). */
  ssSources: DiaSourceRecord[];
}

/**
 * DiaObject state. Implementations: {@link InMemoryDiaObjectStore} (now) and a DuckDB store (later).
 *
 * @example
 * const near = await store.near([{ ra: 10, dec: 20 }], 1 / 3600);
 */
export interface DiaObjectStore {
  /** For each position, the current objects within `radiusDeg` (any order). */
  near(positions: readonly { ra: number; dec: number }[], radiusDeg: number): Promise<NearbyObject[][]>;
  /** The current objects within `radiusDeg` of (ra, dec): a region fetch. */
  inCone(ra: number, dec: number, radiusDeg: number): Promise<DiaObjectRecord[]>;
  /** Current versions of the given objects; missing ids are absent from the map. */
  getObjects(ids: readonly bigint[]): Promise<Map<bigint, DiaObjectRecord>>;
  /** All stored DiaSources of each given object (an entry for every id, possibly empty). */
  sourcesOf(ids: readonly bigint[]): Promise<Map<bigint, DiaSourceRecord[]>>;
  /** Current summaries of the given solar-system objects (missing ones are absent). */
  ssObjects(ids: readonly bigint[]): Promise<Map<bigint, SsObjectSummary>>;
  /**
   * `count` fresh DiaObject ids, never returned before and not colliding with
   * any stored object id. Ids reserved by a visit that then fails are skipped.
   */
  reserveIds(count: number): Promise<bigint[]>;
  /** Applies one visit's writes atomically: on rejection, nothing changed. */
  applyVisit(update: VisitUpdate): Promise<void>;
}
