/**
 * Alert event times as ms since the Unix epoch. Rubin gives MJD in TAI,
 * ZTF a Julian date (UTC), RAPID an MJD.
 */
import type avro from 'avsc';
import type { Survey } from '../types.js';
import { doublePeeker } from './skip.js';

const MJD_UNIX_EPOCH = 40587;
const JD_UNIX_EPOCH = 2440587.5;
const DAY_MS = 86_400_000;
/** TAI − UTC since 2017-01-01 (no leap second announced since). */
const TAI_MINUS_UTC_MS = 37_000;

/**
 * MJD (UTC) → ms since the epoch.
 *
 * @example
 * mjdToEpochMs(40587); // 0
 */
export function mjdToEpochMs(mjd: number): number {
  return (mjd - MJD_UNIX_EPOCH) * DAY_MS;
}

/**
 * MJD in TAI → ms since the epoch (UTC), valid for dates after 2017.
 *
 * @example
 * mjdTaiToEpochMs(60961.23);
 */
export function mjdTaiToEpochMs(mjdTai: number): number {
  return mjdToEpochMs(mjdTai) - TAI_MINUS_UTC_MS;
}

/**
 * Julian date → ms since the epoch.
 *
 * @example
 * jdToEpochMs(2440587.5); // 0
 */
export function jdToEpochMs(jd: number): number {
  return (jd - JD_UNIX_EPOCH) * DAY_MS;
}

const PATHS: Record<Survey, { path: readonly string[]; toMs: (t: number) => number }> = {
  lsst: { path: ['diaSource', 'midpointMjdTai'], toMs: mjdTaiToEpochMs },
  ztf: { path: ['candidate', 'jd'], toMs: jdToEpochMs },
  roman: { path: ['diaSource', 'midpointMjd'], toMs: mjdToEpochMs },
};

function finite(ms: number): number | undefined {
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/**
 * Event time of a decoded alert, or undefined when the field is missing.
 *
 * @example
 * alertEventTime('ztf', alert); // from alert.candidate.jd
 */
export function alertEventTime(survey: Survey, alert: Record<string, unknown>): number | undefined {
  const { path, toMs } = PATHS[survey];
  const v = (alert[path[0]!] as Record<string, unknown> | null | undefined)?.[path[1]!];
  return typeof v === 'number' ? finite(toMs(v)) : undefined;
}

const peekers = new WeakMap<avro.Type, ((body: Uint8Array) => number | undefined) | null>();

/**
 * Event time read straight from an undecoded body (skips the fields before it).
 *
 * @example
 * peekEventTime('lsst', schema.type, body);
 */
export function peekEventTime(survey: Survey, type: avro.Type, body: Uint8Array): number | undefined {
  let peek = peekers.get(type);
  if (peek === undefined) {
    peek = doublePeeker(type, PATHS[survey].path) ?? null;
    peekers.set(type, peek);
  }
  try {
    const t = peek?.(body);
    return t === undefined ? undefined : finite(PATHS[survey].toMs(t));
  } catch {
    return undefined;
  }
}
