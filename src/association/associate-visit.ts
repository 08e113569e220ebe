/**
 * Association of one visit (alert generation steps 1–4, 6 and 8): match each
 * DiaSource to a DiaObject, else to a solar-system object, else create a new
 * DiaObject; set the ids on the sources; recompute the touched DiaObjects from
 * all their sources; write everything to the store as one atomic update.
 *
 * Order of stages: (1) DiaObjects within `radiusArcsec`, one source per object
 * per visit by the greedy rule of {@link greedyOneToOne}; (2) sources left
 * over against the visit's ephemerides, each within its own radius, one
 * source per ssObject, same rule; (3) the rest become new DiaObjects, with
 * fresh ids from the store handed out in diaSourceId order.
 */
import { AlertflowError } from '../errors.js';
import { separationDeg } from '../sky/vector.js';
import { diaObjectFromSources } from './aggregates.js';
import { SkyKdTree } from './kdtree.js';
import { greedyOneToOne, type CandidatePair } from './match.js';
import type { DiaObjectStore } from './store.js';
import { toId, type AssociateResult, type AssociateVisit, type AssociationMatch, type DiaObjectRecord, type DiaSourceRecord, type Ephemeris } from './types.js';

/**
 * Association settings (plain JSON).
 *
 * @example
 * const o: AssociationOptions = { radiusArcsec: 1, ssoRadiusArcsec: 5 };
 */
export interface AssociationOptions {
  /** DiaObject match radius in arcsec (default 1). */
  radiusArcsec?: number;
  /** Radius for ephemerides without their own `radiusArcsec` (default: `radiusArcsec`). */
  ssoRadiusArcsec?: number;
}

/**
 * Checks options and fills defaults; throws ERR_STEP_CONFIG on bad values.
 *
 * @example
 * resolveAssociationOptions({}) // { radiusArcsec: 1, ssoRadiusArcsec: 1 }
 */
export function resolveAssociationOptions(o: AssociationOptions = {}): Required<AssociationOptions> {
  const radius = o.radiusArcsec ?? 1;
  const sso = o.ssoRadiusArcsec ?? radius;
  for (const [k, v] of [['radiusArcsec', radius], ['ssoRadiusArcsec', sso]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 3600) {
      throw new AlertflowError('ERR_STEP_CONFIG', `${k} must be a number in (0, 3600] arcsec (got ${String(v)})`, { [k]: String(v) });
    }
  }
  return { radiusArcsec: radius, ssoRadiusArcsec: sso };
}

/**
 * Associates one visit against `store` and commits it. Rejects with
 * ERR_ASSOCIATION (store unchanged) on an invalid visit: a non-finite or
 * out-of-range position, a duplicate diaSourceId or ssObjectId, a bad id.
 *
 * @example
 * const store = new InMemoryDiaObjectStore([{ diaObjectId: 1n, ra: 10, dec: 20 }]);
 * const r = await associateVisit(store, { visit: 1n, midpointMjdTai: 61000.1, diaSources: [{ diaSourceId: 5n, ra: 10, dec: 20 }] });
 * r.matches[0] // { diaSourceId: 5n, diaObjectId: 1n, ssObjectId: null, separationArcsec: 0, isNew: false }
 */
export async function associateVisit<S extends DiaSourceRecord>(store: DiaObjectStore, visit: AssociateVisit<S>, options: AssociationOptions = {}): Promise<AssociateResult<S>> {
  const opts = resolveAssociationOptions(options);
  const visitId = toId(visit.visit, 'visit');
  const mjd = typeof visit.midpointMjdTai === 'number' && Number.isFinite(visit.midpointMjdTai) ? visit.midpointMjdTai : null;
  const sources = checkSources(visit.diaSources, visitId);
  const ids = sources.map((s) => s.diaSourceId);

  // Stage 1: DiaObjects.
  const near = await store.near(sources, opts.radiusArcsec / 3600);
  const objPairs: CandidatePair[] = [];
  near.forEach((list, i) => {
    for (const o of list) objPairs.push({ source: i, sourceId: ids[i], target: o.diaObjectId, separationArcsec: o.separationDeg * 3600 });
  });
  const toObject = greedyOneToOne(objPairs);

  // Stage 2: solar-system objects, for the sources stage 1 left over.
  const leftover = sources.map((_, i) => i).filter((i) => !toObject.has(i));
  const toSso = greedyOneToOne(ssoPairs(sources, ids, leftover, checkEphemerides(visit.ephemerides ?? [], visitId), opts.ssoRadiusArcsec));

  // Stage 3: new objects, ids handed out in diaSourceId order so input order does not matter.
  const orphans = leftover.filter((i) => !toSso.has(i)).sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
  const fresh = await store.reserveIds(orphans.length);
  const newId = new Map<number, bigint>(orphans.map((i, k) => [i, fresh[k]]));

  const out: S[] = [];
  const matches: AssociationMatch[] = [];
  sources.forEach((s, i) => {
    const obj = toObject.get(i);
    const sso = toSso.get(i);
    const diaObjectId = obj ? obj.target : (newId.get(i) ?? null);
    const ssObjectId = sso ? sso.target : null;
    out.push({ ...s, diaObjectId, ssObjectId } as S);
    matches.push({ diaSourceId: ids[i], diaObjectId, ssObjectId, separationArcsec: (obj ?? sso)?.separationArcsec ?? null, isNew: newId.has(i) });
  });

  // Step 8: recompute every touched DiaObject from all of its sources.
  const matchedIds = [...toObject.values()].map((p) => p.target).sort(cmpBig);
  const history = await store.sourcesOf(matchedIds);
  const bySource = new Map<bigint, S>(out.filter((s) => s.diaObjectId !== null).map((s) => [s.diaObjectId as bigint, s]));
  const updated: DiaObjectRecord[] = matchedIds.map((id) => diaObjectFromSources(id, [...(history.get(id) ?? []), bySource.get(id)!], mjd));
  const created: DiaObjectRecord[] = [...newId.values()].sort(cmpBig).map((id) => diaObjectFromSources(id, [bySource.get(id)!], mjd));

  await store.applyVisit({
    visit: visitId,
    diaSources: out.filter((s) => s.diaObjectId !== null),
    objects: [...updated, ...created],
    ssSources: out.filter((s) => s.ssObjectId !== null),
  });
  const ssIds = [...new Set([...toSso.values()].map((p) => p.target))].sort(cmpBig);
  const ssNow = await store.ssObjects(ssIds);
  return {
    visit: visit.visit,
    midpointMjdTai: mjd,
    diaSources: out,
    updatedDiaObjects: updated,
    newDiaObjects: created,
    ssObjects: ssIds.map((id) => ssNow.get(id)).filter((s) => s !== undefined),
    matches,
  };
}

const cmpBig = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

function checkSources<S extends DiaSourceRecord>(list: unknown, visit: bigint): S[] {
  if (!Array.isArray(list)) throw new AlertflowError('ERR_ASSOCIATION', `visit ${visit}: diaSources must be an array`, { visit: visit.toString() });
  const seen = new Set<bigint>();
  return list.map((raw: S) => {
    const id = toId(raw?.diaSourceId, 'diaSourceId');
    if (seen.has(id)) throw new AlertflowError('ERR_ASSOCIATION', `visit ${visit}: duplicate diaSourceId ${id}`, { visit: visit.toString(), diaSourceId: id.toString() });
    seen.add(id);
    checkPosition(raw.ra, raw.dec, `diaSource ${id}`, visit);
    return raw.diaSourceId === id ? raw : { ...raw, diaSourceId: id };
  });
}

function checkEphemerides(list: Ephemeris[], visit: bigint): Ephemeris[] {
  const seen = new Set<bigint>();
  return list.map((e) => {
    const id = toId(e?.ssObjectId, 'ssObjectId');
    if (seen.has(id)) throw new AlertflowError('ERR_ASSOCIATION', `visit ${visit}: ssObject ${id} has two predicted positions`, { visit: visit.toString(), ssObjectId: id.toString() });
    seen.add(id);
    checkPosition(e.ra, e.dec, `ephemeris of ssObject ${id}`, visit);
    const r = e.radiusArcsec;
    if (r !== undefined && r !== null && !(Number.isFinite(r) && r > 0)) throw new AlertflowError('ERR_ASSOCIATION', `visit ${visit}: ssObject ${id} has an invalid radius ${r}`, { visit: visit.toString() });
    return { ...e, ssObjectId: id };
  });
}

function checkPosition(ra: unknown, dec: unknown, what: string, visit: bigint): void {
  if (typeof ra !== 'number' || typeof dec !== 'number' || !Number.isFinite(ra) || !Number.isFinite(dec) || dec < -90 || dec > 90) {
    throw new AlertflowError('ERR_ASSOCIATION', `visit ${visit}: ${what} has an invalid position (${String(ra)}, ${String(dec)})`, { visit: visit.toString() });
  }
}

function ssoPairs(sources: DiaSourceRecord[], ids: bigint[], which: number[], eph: Ephemeris[], defaultRadius: number): CandidatePair[] {
  if (eph.length === 0 || which.length === 0) return [];
  const radius = eph.map((e) => e.radiusArcsec ?? defaultRadius);
  const tree = SkyKdTree.fromRaDec(eph.map((e) => e.ra), eph.map((e) => e.dec));
  const maxDeg = Math.max(...radius) / 3600;
  const pairs: CandidatePair[] = [];
  for (const i of which) {
    const s = sources[i];
    for (const k of tree.withinRaDec(s.ra, s.dec, maxDeg * (1 + 1e-9))) {
      const sep = separationDeg(s.ra, s.dec, eph[k].ra, eph[k].dec) * 3600;
      if (sep <= radius[k]) pairs.push({ source: i, sourceId: ids[i], target: eph[k].ssObjectId, separationArcsec: sep });
    }
  }
  return pairs;
}
