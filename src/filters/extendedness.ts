/**
 * The extendedness filter of seed 001 as plain functions: statistics of
 * `extendedness` over an alert's diaSource and prvDiaSources, thresholds on
 * them, and a solar-system requirement. Works on Rubin v9, v10 and v11
 * alerts (the fields it reads are the same in all three).
 */
import { AlertflowError } from '../errors.js';
import { hasSolarSystemAssociation } from './solar-system.js';

/**
 * Filter thresholds (plain JSON). An alert passes iff
 * `medianMin ≤ median ≤ medianMax`, `min ≥ minThreshold`,
 * `max ≤ maxThreshold`, it has at least one extendedness value, and its
 * solar-system status equals `requireSsSource`.
 *
 * @example
 * const cfg: ExtendednessConfig = { medianMin: 0.5, requireSsSource: false };
 */
export interface ExtendednessConfig {
  /** Lowest median that passes (default 0). */
  medianMin?: number;
  /** Highest median that passes (default 1). */
  medianMax?: number;
  /** Every value must be ≥ this (default 0). */
  minThreshold?: number;
  /** Every value must be ≤ this (default 1). */
  maxThreshold?: number;
  /** true: pass only solar-system alerts; false: pass only alerts without a solar-system association. */
  requireSsSource: boolean;
}

/** {@link ExtendednessConfig} with every default filled in. @example resolveExtendednessConfig({ requireSsSource: true }).medianMax // 1 */
export type ResolvedExtendednessConfig = Required<ExtendednessConfig>;

/**
 * Extendedness statistics of one alert; all null when `count` is 0.
 *
 * @example
 * const { median, min, max, count }: ExtendednessStats = extendednessStats(alert);
 */
export interface ExtendednessStats {
  median: number | null;
  min: number | null;
  max: number | null;
  /** How many values went in (nulls and NaN left out). */
  count: number;
}

/** What the filter decided about one alert, and why. @example if (v.pass) keep(v.stats) */
export interface ExtendednessVerdict {
  pass: boolean;
  stats: ExtendednessStats;
  /** Whether a solar-system association was found. */
  ssSource: boolean;
}

const KEYS = ['medianMin', 'medianMax', 'minThreshold', 'maxThreshold', 'requireSsSource'];
/** Keys the runtime adds to a `module` step's config; not ours to reject. */
const RUNTIME_KEYS = ['module', 'export'];
const NUMERIC = ['medianMin', 'medianMax', 'minThreshold', 'maxThreshold'] as const;
const resolved = new WeakMap<object, ResolvedExtendednessConfig>();

/**
 * Validates a config and fills defaults. Throws ERR_STEP_CONFIG naming the
 * bad key: unknown keys (typos), non-finite numbers, a missing or
 * non-boolean `requireSsSource`, or an empty range (min above max).
 * Results are cached per config object: treat a config as immutable once used.
 *
 * @example
 * resolveExtendednessConfig({ medianMin: 0.3, requireSsSource: false });
 */
export function resolveExtendednessConfig(config: unknown): ResolvedExtendednessConfig {
  if (typeof config === 'object' && config !== null) {
    const hit = resolved.get(config);
    if (hit) return hit;
  }
  const bad = (key: string, msg: string): AlertflowError => new AlertflowError('ERR_STEP_CONFIG', `filter-extendedness: ${msg}`, { key });
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw bad('', 'config must be an object');
  const c = config as Record<string, unknown>;
  for (const k of Object.keys(c)) if (!KEYS.includes(k) && !RUNTIME_KEYS.includes(k) && c[k] !== undefined) throw bad(k, `unknown config key "${k}" (known: ${KEYS.join(', ')})`);
  const out: ResolvedExtendednessConfig = { medianMin: 0, medianMax: 1, minThreshold: 0, maxThreshold: 1, requireSsSource: false };
  for (const k of NUMERIC) {
    const v = c[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(k, `${k} must be a finite number, got ${String(v)}`);
    out[k] = v;
  }
  if (typeof c['requireSsSource'] !== 'boolean') throw bad('requireSsSource', 'requireSsSource is required and must be true (solar-system alerts only) or false (none)');
  out.requireSsSource = c['requireSsSource'];
  if (out.medianMin > out.medianMax) throw bad('medianMin', `medianMin ${out.medianMin} is above medianMax ${out.medianMax}: nothing could pass`);
  if (out.minThreshold > out.maxThreshold) throw bad('minThreshold', `minThreshold ${out.minThreshold} is above maxThreshold ${out.maxThreshold}: nothing could pass`);
  resolved.set(config, out);
  return out;
}

/**
 * The packet fields the extendedness filter reads (its statistics and every
 * solar-system route), as `decode` step `fields` paths: a decode step that
 * builds only these (plus what the sinks need) skips the rest of each packet.
 *
 * @example
 * graph('x').step('decode', 'decode', { fields: [...EXTENDEDNESS_FIELDS, 'cutoutScience'] }, { pool: true })
 */
export const EXTENDEDNESS_FIELDS: readonly string[] = [
  'diaSource.diaSourceId',
  'diaSource.extendedness',
  'diaSource.ssObjectId',
  'prvDiaSources.diaSourceId',
  'prvDiaSources.extendedness',
  'ssSource',
  'ssObject',
  'mpc_orbits',
  'MPCORB',
];

/**
 * The alert inside a DecodedAlert, or the record itself when it is a bare
 * alert; ERR_ALERT_INVALID when neither has a diaSource.
 *
 * @example
 * alertOf({ kind: 'alert', survey: 'lsst', schema: 'lsst.v11_0', alert }) === alert // true
 */
export function alertOf(record: unknown): Record<string, unknown> {
  const r = record as Record<string, unknown> | null;
  if (r && typeof r === 'object') {
    if (r['kind'] === 'alert' && typeof r['alert'] === 'object' && r['alert'] !== null) return r['alert'] as Record<string, unknown>;
    if (typeof r['diaSource'] === 'object' && r['diaSource'] !== null) return r;
  }
  throw new AlertflowError('ERR_ALERT_INVALID', 'not a Rubin alert: no diaSource record', { field: 'diaSource' });
}

function diaSourceOf(alert: Record<string, unknown>): Record<string, unknown> {
  const ds = alert['diaSource'];
  if (typeof ds !== 'object' || ds === null) throw new AlertflowError('ERR_ALERT_INVALID', 'not a Rubin alert: no diaSource record', { field: 'diaSource' });
  return ds as Record<string, unknown>;
}

const usable = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);

/**
 * Median, min and max of the non-null, non-NaN `extendedness` values of the
 * diaSource and its prvDiaSources (a prvDiaSource with the diaSource's own
 * id is counted once). The median of an even count is the mean of the two
 * middle values, computed in double precision. Accepts a DecodedAlert or a
 * bare alert; ERR_ALERT_INVALID when there is no diaSource.
 *
 * @example
 * extendednessStats(alert) // { median: 0.5, min: 0.1, max: 0.9, count: 3 }
 */
export function extendednessStats(alertOrRecord: unknown): ExtendednessStats {
  const alert = alertOf(alertOrRecord);
  const ds = diaSourceOf(alert);
  const prv = Array.isArray(alert['prvDiaSources']) ? (alert['prvDiaSources'] as Record<string, unknown>[]) : [];
  // A typed array sorts numerically without a comparator callback: the hot path of the filter.
  const values = new Float64Array(prv.length + 1);
  let n = 0;
  if (usable(ds['extendedness'])) values[n++] = ds['extendedness'];
  const own = ds['diaSourceId'];
  for (const p of prv) {
    if (p === null || typeof p !== 'object') continue;
    if (own !== undefined && p['diaSourceId'] === own) continue;
    const e = p['extendedness'];
    if (usable(e)) values[n++] = e;
  }
  return statsOf(values.subarray(0, n));
}

/**
 * Statistics of a list of values (sorted in place).
 *
 * @example
 * statsOf([0.9, 0.1, 0.5, 0.3]) // { median: 0.4, min: 0.1, max: 0.9, count: 4 }
 */
export function statsOf(values: number[] | Float64Array): ExtendednessStats {
  const n = values.length;
  if (n === 0) return { median: null, min: null, max: null, count: 0 };
  if (Array.isArray(values)) values.sort((a, b) => a - b);
  else values.sort();
  const mid = n >> 1;
  const median = n % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  return { median, min: values[0]!, max: values[n - 1]!, count: n };
}

/**
 * The threshold part of the decision, on precomputed stats.
 *
 * @example
 * statsPass(extendednessStats(alert), resolveExtendednessConfig(cfg))
 */
export function statsPass(s: ExtendednessStats, c: ResolvedExtendednessConfig): boolean {
  if (s.count === 0 || s.median === null || s.min === null || s.max === null) return false;
  return c.medianMin <= s.median && s.median <= c.medianMax && s.min >= c.minThreshold && s.max <= c.maxThreshold;
}

/**
 * Stats, solar-system status and the decision for one alert. `tags` are
 * broker tags (e.g. an ANTARES locus's) that may name a solar-system class.
 *
 * @example
 * const { pass, stats, ssSource } = evaluateExtendedness(decoded, { requireSsSource: false });
 */
export function evaluateExtendedness(alertOrRecord: unknown, config: ExtendednessConfig, tags?: readonly string[]): ExtendednessVerdict {
  const c = resolveExtendednessConfig(config);
  const alert = alertOf(alertOrRecord);
  const stats = extendednessStats(alert);
  const ssSource = hasSolarSystemAssociation(alert, tags);
  return { pass: ssSource === c.requireSsSource && statsPass(stats, c), stats, ssSource };
}

/**
 * The filter as a plain predicate: `(alert, config) => boolean`, for code
 * that uses neither RxJS nor the runtime. Accepts a DecodedAlert or a bare
 * Rubin alert (v9–v11). Throws ERR_STEP_CONFIG for a bad config and
 * ERR_ALERT_INVALID for a record without a diaSource.
 *
 * @example
 * const keep = alerts.filter((a) => passesExtendedness(a, { medianMax: 0.3, requireSsSource: false }));
 */
export function passesExtendedness(alertOrRecord: unknown, config: ExtendednessConfig): boolean {
  return evaluateExtendedness(alertOrRecord, config).pass;
}
