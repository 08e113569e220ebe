/**
 * What the archive needs to know about one alert: its observation time (as
 * the alert states it and as UTC ms), an identity key for de-duplication
 * and ordering, and the schemaless body bytes under a built-in schema.
 */
import { createHash } from 'node:crypto';
import { AlertflowError } from '../errors.js';
import type { DecodedAlert, Survey } from '../formats/types.js';
import type { AlertSchema } from '../formats/avro/alert-schema.js';
import { encodeBody } from '../formats/avro/body.js';
import { getBuiltInSchema } from '../formats/avro/builtin.js';
import { jdToEpochMs, mjdTaiToEpochMs, mjdToEpochMs } from '../formats/avro/event-time.js';
import { bodyInSchema } from '../formats/avro/wire.js';

/** Observation time of an alert. */
export interface AlertTime {
  /** MJD as the survey states it (Rubin: TAI; RAPID: UTC; ZTF: from the JD, UTC). */
  mjd: number;
  /** The same instant in ms since the Unix epoch (UTC). */
  ms: number;
}

/** Time scale of the `mjd` values, by survey, for the manifest. */
export const MJD_SCALE: Record<Survey, 'TAI' | 'UTC'> = { lsst: 'TAI', roman: 'UTC', ztf: 'UTC' };

const get = (o: unknown, k: string): unknown => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined);

/**
 * Observation time: Rubin `diaSource.midpointMjdTai`, RAPID `diaSource.midpointMjd`, ZTF `candidate.jd`.
 *
 * @example
 * alertTime(decoded); // { mjd: 61000.03, ms: 1763685…}
 */
export function alertTime(a: DecodedAlert): AlertTime {
  if (a.survey === 'ztf') {
    const jd = get(get(a.alert, 'candidate'), 'jd');
    if (typeof jd === 'number' && Number.isFinite(jd)) return { mjd: jd - 2400000.5, ms: jdToEpochMs(jd) };
  } else {
    const v = get(get(a.alert, 'diaSource'), a.survey === 'lsst' ? 'midpointMjdTai' : 'midpointMjd');
    if (typeof v === 'number' && Number.isFinite(v)) return { mjd: v, ms: a.survey === 'lsst' ? mjdTaiToEpochMs(v) : mjdToEpochMs(v) };
  }
  throw new AlertflowError('ERR_ARCHIVE', `alert has no observation time (${a.schema})`, { schema: a.schema });
}

/**
 * Identity of an alert: `diaSourceId` (Rubin, RAPID) or `candid` (ZTF) as a
 * decimal string, else `sha256:<hex>` of the body.
 *
 * @example
 * alertKey(decoded, body); // '1234567890123'
 */
export function alertKey(a: DecodedAlert, body: Uint8Array): string {
  const id = a.survey === 'ztf' ? get(a.alert, 'candid') : get(get(a.alert, 'diaSource'), 'diaSourceId');
  if (typeof id === 'bigint' || (typeof id === 'number' && Number.isSafeInteger(id))) return String(id);
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

/**
 * The built-in writer schema of an alert, or ERR_ARCHIVE when there is none
 * (the archive writes container files, which need a known schema).
 *
 * @example
 * archiveSchema(decoded).name; // 'lsst.v11_0'
 */
export function archiveSchema(a: DecodedAlert): AlertSchema {
  const s = getBuiltInSchema(a.schema);
  if (!s) throw new AlertflowError('ERR_ARCHIVE', `cannot archive alerts of schema ${a.schema}: not a built-in schema`, { schema: a.schema });
  return s;
}

/**
 * Body bytes to archive: the packet's own bytes when they were written with
 * `schema` (an OCF record, or a wire packet whose id matches), else a re-encoding.
 *
 * @example
 * const body = archiveBody(decoded, archiveSchema(decoded));
 */
export function archiveBody(a: DecodedAlert, schema: AlertSchema): Uint8Array {
  return bodyInSchema(a.raw, schema) ?? encodeBody(schema.type, a.alert);
}

/**
 * Orders keys numerically when both are decimal ids, else as strings.
 *
 * @example
 * ['10', '9'].sort(compareKeys); // ['9', '10']
 */
export function compareKeys(a: string, b: string): number {
  const da = /^\d+$/.test(a);
  const db = /^\d+$/.test(b);
  if (da && db && a.length !== b.length) return a.length - b.length;
  if (da !== db) return da ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
