/**
 * The extendedness filter shaped like an ANTARES filter: a function over a
 * locus (an object's properties, its alerts' properties and its tags) that
 * decides and may tag the locus. The shapes mirror ANTARES' locus model
 * (facts of its public interface); the property names are ours, below.
 *
 * Property mapping (documented contract of {@link alertToLocus}):
 * - each locus alert's `properties` hold the diaSource fields as
 *   `lsst_diaSource_<field>` (e.g. `lsst_diaSource_extendedness`,
 *   `lsst_diaSource_ssObjectId`, `lsst_diaSource_midpointMjdTai`);
 * - the newest alert also holds its ssSource fields as `lsst_ssSource_<field>`
 *   and its orbit as `lsst_mpc_orbits_<field>` (v9: `lsst_MPCORB_<field>`);
 * - `locus.properties` hold `ra`, `dec` (the diaObject's mean position, else
 *   the diaSource's), `lsst_diaObject_diaObjectId`, `num_alerts`, and
 *   `newest_alert_observation_time` (MJD TAI).
 * A bare `extendedness` / `ssObjectId` property is accepted as well, so a
 * locus whose properties use the plain Rubin names works too.
 */
import { alertOf, resolveExtendednessConfig, statsOf, statsPass, type ExtendednessConfig, type ExtendednessStats } from './extendedness.js';
import { hasSolarSystemAssociation, isAssociatedId, isSolarSystemTag } from './solar-system.js';

/**
 * One alert of a locus: its properties, and optionally the decoded packet.
 *
 * @example
 * const a: LocusAlert = { alert_id: 'lsst:42', mjd: 60961.2, properties: { lsst_diaSource_extendedness: 0.8 } };
 */
export interface LocusAlert {
  alert_id?: string;
  mjd?: number;
  properties: Record<string, unknown>;
  /** The decoded Rubin packet, when the broker keeps it. */
  packet?: Record<string, unknown>;
}

/**
 * A locus: an object on the sky with its alert history and tags.
 *
 * @example
 * const locus: Locus = { locus_id: 'L1', properties: { ra: 10, dec: -5 }, alerts: [], tags: [] };
 */
export interface Locus {
  locus_id?: string;
  properties: Record<string, unknown>;
  alerts: LocusAlert[];
  tags: string[];
  /** How the broker tags a locus; without it, tags are appended to `tags`. */
  addTag?: (tag: string) => void;
}

/** Property-name prefixes (see the module comment). @example LOCUS_PREFIX.diaSource + 'extendedness' */
export const LOCUS_PREFIX = { diaSource: 'lsst_diaSource_', ssSource: 'lsst_ssSource_', mpcOrbits: 'lsst_mpc_orbits_', mpcorb: 'lsst_MPCORB_', diaObject: 'lsst_diaObject_' } as const;

/** What {@link createExtendednessLocusFilter}'s function returns. @example if (r.pass) … */
export interface LocusFilterResult {
  pass: boolean;
  stats: ExtendednessStats;
  ssSource: boolean;
  /** The tag added to the locus, when it passed and a tag was configured. */
  tagged?: string;
}

function prop(p: Record<string, unknown>, name: string): unknown {
  const v = p[LOCUS_PREFIX.diaSource + name];
  return v === undefined ? p[name] : v;
}

function flatten(prefix: string, rec: unknown, into: Record<string, unknown>): void {
  if (rec === null || typeof rec !== 'object') return;
  for (const [k, v] of Object.entries(rec as Record<string, unknown>)) into[prefix + k] = v;
}

/**
 * Builds a locus from one Rubin alert (DecodedAlert or bare): one locus
 * alert per prvDiaSource, oldest first, then the alert itself.
 *
 * @example
 * const locus = alertToLocus(decoded, ['nuclear_transient']);
 */
export function alertToLocus(alertOrRecord: unknown, tags: string[] = []): Locus {
  const alert = alertOf(alertOrRecord);
  const ds = alert['diaSource'] as Record<string, unknown>;
  const prv = Array.isArray(alert['prvDiaSources']) ? (alert['prvDiaSources'] as Record<string, unknown>[]) : [];
  const toLocusAlert = (src: Record<string, unknown>): LocusAlert => {
    const properties: Record<string, unknown> = {};
    flatten(LOCUS_PREFIX.diaSource, src, properties);
    return { alert_id: `lsst:${String(src['diaSourceId'])}`, mjd: src['midpointMjdTai'] as number, properties };
  };
  const alerts = [...prv].sort((a, b) => (a['midpointMjdTai'] as number) - (b['midpointMjdTai'] as number)).map(toLocusAlert);
  const newest = toLocusAlert(ds);
  flatten(LOCUS_PREFIX.ssSource, alert['ssSource'], newest.properties);
  flatten(LOCUS_PREFIX.mpcOrbits, alert['mpc_orbits'], newest.properties);
  flatten(LOCUS_PREFIX.mpcorb, alert['MPCORB'], newest.properties);
  newest.packet = alert;
  alerts.push(newest);
  const obj = alert['diaObject'] as Record<string, unknown> | null | undefined;
  const pos = obj ?? ds;
  return {
    locus_id: `lsst:${String(obj ? obj['diaObjectId'] : ds['diaSourceId'])}`,
    properties: { ra: pos['ra'], dec: pos['dec'], [LOCUS_PREFIX.diaObject + 'diaObjectId']: obj ? obj['diaObjectId'] : null, num_alerts: alerts.length, newest_alert_observation_time: ds['midpointMjdTai'] },
    alerts,
    tags: [...tags],
  };
}

/** Solar-system evidence in a locus: ids and ss records in alert properties, raw packets, tags. */
function locusHasSolarSystem(locus: Locus): boolean {
  if (locus.tags.some(isSolarSystemTag)) return true;
  if (isAssociatedId(locus.properties['ssObjectId'])) return true;
  for (const a of locus.alerts) {
    const p = a.properties;
    if (isAssociatedId(prop(p, 'ssObjectId')) || p['ssObject'] != null) return true;
    for (const [k, v] of Object.entries(p)) {
      if (v != null && (k.startsWith(LOCUS_PREFIX.ssSource) || k.startsWith(LOCUS_PREFIX.mpcOrbits) || k.startsWith(LOCUS_PREFIX.mpcorb))) return true;
    }
    if (a.packet && hasSolarSystemAssociation(a.packet)) return true;
  }
  return false;
}

/**
 * Creates an ANTARES-style filter function over a locus: statistics over
 * every locus alert's extendedness (one value per distinct diaSourceId,
 * nulls and NaN ignored), the same thresholds as {@link evaluateExtendedness},
 * and solar-system status from properties, packets and tags. When the locus
 * passes and `opts.tag` is set, the tag is added (via `locus.addTag` if the
 * locus has one, else appended to `locus.tags` once).
 *
 * @example
 * const filter = createExtendednessLocusFilter({ medianMin: 0.5, requireSsSource: false }, { tag: 'extended_transient' });
 * const { pass, stats } = filter(locus);
 */
export function createExtendednessLocusFilter(config: ExtendednessConfig, opts: { tag?: string } = {}): (locus: Locus) => LocusFilterResult {
  const c = resolveExtendednessConfig(config);
  return (locus) => {
    const seen = new Set<unknown>();
    const values: number[] = [];
    for (const a of locus.alerts) {
      const id = prop(a.properties, 'diaSourceId');
      if (id !== undefined) {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      const v = prop(a.properties, 'extendedness');
      if (typeof v === 'number' && !Number.isNaN(v)) values.push(v);
    }
    const stats = statsOf(values);
    const ssSource = locusHasSolarSystem(locus);
    const pass = ssSource === c.requireSsSource && statsPass(stats, c);
    if (!pass || opts.tag === undefined) return { pass, stats, ssSource };
    if (locus.addTag) locus.addTag(opts.tag);
    else if (!locus.tags.includes(opts.tag)) locus.tags.push(opts.tag);
    return { pass, stats, ssSource, tagged: opts.tag };
  };
}
