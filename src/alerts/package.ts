/**
 * Alert packaging (seed 002, steps 10–11): the diaSource, its diaObject or
 * ssSource (and orbit), twelve months of history and three cutouts become
 * one Rubin alert packet in the Confluent wire format.
 */
import { AlertflowError } from '../errors.js';
import { encodeBody } from '../formats/avro/body.js';
import { requireBuiltInSchema } from '../formats/avro/builtin.js';
import { stampFormat } from '../formats/avro/json.js';
import { encodeWire } from '../formats/avro/wire.js';
import { DEFAULT_HISTORY_DAYS, historyWindow } from './history.js';
import { conformRecord, type ConformOptions, type RubinSchemaName } from './records.js';

/**
 * What an alert is built from. Field names are the alert's own, so a
 * Rubin alert object (e.g. from the simulator) is valid parts as it is.
 * Records may be shaped for any of v9–v11 (they are mapped to the target).
 *
 * @example
 * const parts: AlertParts = { diaSource, diaObject, prvDiaSources, cutoutDifference: fits };
 */
export interface AlertParts {
  diaSource: object;
  /** When given, must equal diaSource.diaSourceId. */
  diaSourceId?: bigint | number;
  diaObject?: object | null;
  ssSource?: object | null;
  /** The ssSource's orbit (v10/v11 name). */
  mpc_orbits?: object | null;
  /** The same, v9 name. */
  MPCORB?: object | null;
  prvDiaSources?: readonly object[] | null;
  prvDiaForcedSources?: readonly object[] | null;
  /** FITS bytes, or null. */
  cutoutDifference?: Uint8Array | null;
  cutoutScience?: Uint8Array | null;
  cutoutTemplate?: Uint8Array | null;
  observation_reason?: string | null;
  target_name?: string | null;
}

/**
 * Options of {@link buildAlertPacket} (plain JSON: also the step config).
 *
 * @example
 * const opts: PackageAlertOptions = { schema: 'lsst.v10_0', historyDays: 365 };
 */
export interface PackageAlertOptions extends ConformOptions {
  /** Target schema (default `lsst.v11_0`). */
  schema?: RubinSchemaName;
  /** Days of history kept before the diaSource's midpointMjdTai (default 365). */
  historyDays?: number;
  /** Require cutouts to be FITS (plain or gzipped) (default true). */
  checkCutouts?: boolean;
}

/** A packaged alert. @example const { alert, bytes } = buildAlertPacket(parts); */
export interface AlertPacket {
  /** The alert as written: schema field order, floats rounded to float32 as a reader sees them, longs as bigint. */
  alert: Record<string, unknown>;
  /** Confluent wire packet: 0, the schema id (big-endian), the Avro body. */
  bytes: Buffer;
  schema: RubinSchemaName;
  schemaId: number;
}

const SCHEMAS: readonly RubinSchemaName[] = ['lsst.v9_0', 'lsst.v10_0', 'lsst.v11_0'];
const PART_KEYS = new Set(['diaSourceId', 'observation_reason', 'target_name', 'diaSource', 'prvDiaSources', 'prvDiaForcedSources', 'diaObject', 'ssSource', 'mpc_orbits', 'MPCORB', 'cutoutDifference', 'cutoutScience', 'cutoutTemplate']);
const CUTOUTS = ['cutoutDifference', 'cutoutScience', 'cutoutTemplate'] as const;

/**
 * Validates packaging options; ERR_STEP_CONFIG naming the bad key.
 *
 * @example
 * resolvePackageOptions({ schema: 'lsst.v9_0' }).historyDays // 365
 */
export function resolvePackageOptions(opts: unknown): Required<PackageAlertOptions> {
  const bad = (key: string, msg: string) => new AlertflowError('ERR_STEP_CONFIG', `package-alert: ${msg}`, { key });
  if (opts === undefined || opts === null) opts = {};
  if (typeof opts !== 'object' || Array.isArray(opts)) throw bad('', 'options must be an object');
  const o = opts as Record<string, unknown>;
  // module/export are the runtime's keys for a `module` step.
  for (const k of Object.keys(o)) if (!['schema', 'historyDays', 'nullCountsAsZero', 'checkCutouts', 'module', 'export'].includes(k) && o[k] !== undefined) throw bad(k, `unknown option "${k}"`);
  const schema = o['schema'] ?? 'lsst.v11_0';
  if (!SCHEMAS.includes(schema as RubinSchemaName)) throw bad('schema', `schema must be one of ${SCHEMAS.join(', ')}, got ${String(schema)}`);
  const historyDays = o['historyDays'] ?? DEFAULT_HISTORY_DAYS;
  if (typeof historyDays !== 'number' || !(historyDays >= 0) || !Number.isFinite(historyDays)) throw bad('historyDays', `historyDays must be a non-negative number, got ${String(historyDays)}`);
  for (const k of ['nullCountsAsZero', 'checkCutouts']) if (o[k] !== undefined && typeof o[k] !== 'boolean') throw bad(k, `${k} must be a boolean`);
  return { schema: schema as RubinSchemaName, historyDays, nullCountsAsZero: o['nullCountsAsZero'] === true, checkCutouts: o['checkCutouts'] !== false };
}

function invalid(field: string, message: string, schema: string): AlertflowError {
  return new AlertflowError('ERR_ALERT_INVALID', `${field}: ${message}`, { field, schema });
}

const idOf = (v: unknown): bigint | null => (typeof v === 'bigint' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : null);

function optionalString(parts: AlertParts, key: 'observation_reason' | 'target_name', schema: string): string | null {
  const v = parts[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw invalid(key, 'must be a string or null', schema);
  return v;
}

/**
 * Builds, validates and encodes one alert. History is cut to the
 * `historyDays` before the diaSource (see historyWindow) and sorted oldest
 * first; `null` history stays null, an empty list stays empty. Missing
 * optional fields get their schema defaults (null). Exactly the checks a
 * consumer relies on are made: a diaObject or an ssSource (or both), ids
 * that agree (diaSource ↔ diaObject, ssSource, top-level diaSourceId), an
 * orbit only with an ssSource, FITS cutouts. Any failure is
 * ERR_ALERT_INVALID with `details.field` naming the field; bad options are
 * ERR_STEP_CONFIG.
 *
 * @example
 * const { alert, bytes } = buildAlertPacket({ diaSource, diaObject, prvDiaSources, cutoutScience }, { schema: 'lsst.v11_0' });
 * producer.send(bytes); // bytes[0] === 0, bytes.readUInt32BE(1) === 1100
 */
export function buildAlertPacket(parts: AlertParts, options: PackageAlertOptions = {}): AlertPacket {
  const o = resolvePackageOptions(options);
  const s = o.schema;
  if (parts === null || typeof parts !== 'object') throw invalid('(alert)', 'parts must be an object', s);
  for (const k of Object.keys(parts)) if (!PART_KEYS.has(k) && (parts as unknown as Record<string, unknown>)[k] !== undefined) throw invalid(k, 'is not a part of a Rubin alert', s);
  const ds = conformRecord(s, 'diaSource', parts.diaSource, 'diaSource', o);
  const id = ds['diaSourceId'] as bigint;
  if (parts.diaSourceId !== undefined && idOf(parts.diaSourceId) !== id) throw invalid('diaSourceId', `must equal diaSource.diaSourceId ${id}`, s);
  const t = ds['midpointMjdTai'] as number;

  const diaObject = parts.diaObject == null ? null : conformRecord(s, 'diaObject', parts.diaObject, 'diaObject', o);
  const ssSource = parts.ssSource == null ? null : conformRecord(s, 'ssSource', parts.ssSource, 'ssSource', o);
  if (!diaObject && !ssSource) throw invalid('diaObject', 'an alert needs a diaObject or an ssSource (both are null)', s);
  if (diaObject && ds['diaObjectId'] !== null && ds['diaObjectId'] !== diaObject['diaObjectId']) {
    throw invalid('diaObject.diaObjectId', `${String(diaObject['diaObjectId'])} differs from diaSource.diaObjectId ${String(ds['diaObjectId'])}`, s);
  }
  if (ssSource) {
    if (ssSource['diaSourceId'] !== null && ssSource['diaSourceId'] !== id) throw invalid('ssSource.diaSourceId', `${String(ssSource['diaSourceId'])} differs from diaSource.diaSourceId ${id}`, s);
    if (ssSource['ssObjectId'] !== null && ds['ssObjectId'] !== null && ssSource['ssObjectId'] !== ds['ssObjectId']) {
      throw invalid('ssSource.ssObjectId', `${String(ssSource['ssObjectId'])} differs from diaSource.ssObjectId ${String(ds['ssObjectId'])}`, s);
    }
  }
  const orbitIn = parts.mpc_orbits ?? parts.MPCORB ?? null;
  const orbitKey = s === 'lsst.v9_0' ? 'MPCORB' : 'mpc_orbits';
  let orbit: Record<string, unknown> | null = null;
  if (orbitIn) {
    if (!ssSource) throw invalid(parts.mpc_orbits ? 'mpc_orbits' : 'MPCORB', 'an orbit record needs an ssSource', s);
    // v9's MPCORB names its ssObject; v10+ orbits do not, so take it from the ssSource.
    const withId = s === 'lsst.v9_0' && (orbitIn as Record<string, unknown>)['ssObjectId'] === undefined ? { ...orbitIn, ssObjectId: ssSource['ssObjectId'] } : orbitIn;
    orbit = conformRecord(s, 'orbit', withId, orbitKey, o);
  }

  // Every given entry is checked (paths name the input index), then the window is applied.
  const conformAll = (xs: unknown, key: 'prvDiaSources' | 'prvDiaForcedSources', kind: 'diaSource' | 'diaForcedSource') => {
    if (xs === undefined || xs === null) return null;
    if (!Array.isArray(xs)) throw invalid(key, 'must be an array or null', s);
    return xs.map((p, i) => conformRecord(s, kind, p, `${key}[${i}]`, o));
  };
  const prv = historyWindow(conformAll(parts.prvDiaSources, 'prvDiaSources', 'diaSource'), t, o.historyDays, 'prvDiaSources', 'diaSourceId', id);
  const forced = historyWindow(conformAll(parts.prvDiaForcedSources, 'prvDiaForcedSources', 'diaForcedSource'), t, o.historyDays, 'prvDiaForcedSources');
  const alert: Record<string, unknown> = {
    diaSourceId: id,
    observation_reason: optionalString(parts, 'observation_reason', s),
    target_name: optionalString(parts, 'target_name', s),
    diaSource: ds,
    prvDiaSources: prv,
    prvDiaForcedSources: forced,
    diaObject,
    ssSource,
    [orbitKey]: orbit,
  };
  for (const k of CUTOUTS) {
    const c = parts[k];
    if (c === undefined || c === null) {
      alert[k] = null;
      continue;
    }
    if (!(c instanceof Uint8Array)) throw invalid(k, 'must be FITS bytes (a Uint8Array) or null', s);
    if (o.checkCutouts && stampFormat(c) === 'unknown') throw invalid(k, 'is not FITS (no "SIMPLE  =" card, not gzip)', s);
    alert[k] = Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  }

  const schema = requireBuiltInSchema(s);
  let body: Buffer;
  try {
    body = encodeBody(schema.type, alert);
  } catch (err) {
    const paths = ((err as AlertflowError).details?.['invalidPaths'] as string[] | undefined) ?? [];
    throw new AlertflowError('ERR_ALERT_INVALID', `alert does not match ${s}${paths.length ? ` at ${paths.join(', ')}` : ''}`, { field: paths[0] ?? '(alert)', schema: s }, { cause: err });
  }
  return { alert, bytes: encodeWire(schema.id!, body), schema: s, schemaId: schema.id! };
}
