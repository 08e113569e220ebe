/**
 * Records that association reads and writes. Field names follow the Rubin
 * `lsst.v11_0` diaSource and diaObject schemas; ids are 64-bit and kept as
 * bigint so that no id is ever rounded.
 */
import { AlertflowError } from '../errors.js';

/**
 * A DiaSource as association needs it: id and position are required; the
 * photometry and times feed the DiaObject aggregates when present. Any other
 * fields (a full `lsst.v11_0.diaSource` record) pass through unchanged.
 *
 * @example
 * const s: DiaSourceRecord = { diaSourceId: 1n, ra: 150.1, dec: 2.2, band: 'r', psfFlux: 1200, psfFluxErr: 80, midpointMjdTai: 61000.1 };
 */
export interface DiaSourceRecord {
  diaSourceId: bigint;
  ra: number;
  dec: number;
  midpointMjdTai?: number | null;
  band?: string | null;
  psfFlux?: number | null;
  psfFluxErr?: number | null;
  scienceFlux?: number | null;
  scienceFluxErr?: number | null;
  raErr?: number | null;
  decErr?: number | null;
  ra_dec_Cov?: number | null;
  diaObjectId?: bigint | null;
  ssObjectId?: bigint | null;
  [field: string]: unknown;
}

/**
 * A DiaObject version. Seeded objects may carry only id and position; objects
 * association writes carry every `lsst.v11_0.diaObject` field (null where the
 * value cannot be derived from DiaSources).
 *
 * @example
 * const o: DiaObjectRecord = { diaObjectId: 7n, ra: 150.1, dec: 2.2 };
 */
export interface DiaObjectRecord {
  diaObjectId: bigint;
  ra: number;
  dec: number;
  nDiaSources?: number;
  [field: string]: unknown;
}

/**
 * A solar-system object's predicted position for one visit. `radiusArcsec`
 * (the prediction's uncertainty region) defaults to the step's SSO radius.
 *
 * @example
 * const e: Ephemeris = { ssObjectId: 9n, ra: 10.5, dec: -3.1, radiusArcsec: 5 };
 */
export interface Ephemeris {
  ssObjectId: bigint;
  ra: number;
  dec: number;
  radiusArcsec?: number | null;
}

/**
 * One visit's input to association.
 *
 * @example
 * const v: AssociateVisit = { visit: 2025112000123n, midpointMjdTai: 61000.1, diaSources: [s], ephemerides: [] };
 */
export interface AssociateVisit<S extends DiaSourceRecord = DiaSourceRecord> {
  visit: bigint | number;
  /** Stamps `validityStartMjdTai` of the DiaObject versions this visit writes; null when unknown. */
  midpointMjdTai?: number | null;
  diaSources: S[];
  ephemerides?: Ephemeris[];
}

/**
 * What became of one DiaSource. Exactly one of: `diaObjectId` of an existing
 * object (`isNew` false), `ssObjectId` (and no diaObjectId), or the id of a
 * newly created object (`isNew` true). `separationArcsec` is null for new objects.
 *
 * @example
 * const m: AssociationMatch = { diaSourceId: 1n, diaObjectId: 7n, ssObjectId: null, separationArcsec: 0.12, isNew: false };
 */
export interface AssociationMatch {
  diaSourceId: bigint;
  diaObjectId: bigint | null;
  ssObjectId: bigint | null;
  separationArcsec: number | null;
  isNew: boolean;
}

/**
 * A running summary of a solar-system object's detections (not a Rubin
 * ssObject record: orbit fitting belongs to MOPS).
 *
 * @example
 * const s: SsObjectSummary = { ssObjectId: 9n, nDiaSources: 3, firstDiaSourceMjdTai: 61000.1, lastDiaSourceMjdTai: 61000.2 };
 */
export interface SsObjectSummary {
  ssObjectId: bigint;
  nDiaSources: number;
  firstDiaSourceMjdTai: number | null;
  lastDiaSourceMjdTai: number | null;
}

/**
 * One visit's output, in the input's source order.
 *
 * @example
 * for (const m of result.matches) if (m.isNew) created++;
 */
export interface AssociateResult<S extends DiaSourceRecord = DiaSourceRecord> {
  visit: bigint | number;
  midpointMjdTai: number | null;
  /** The input sources with `diaObjectId` and `ssObjectId` set. */
  diaSources: S[];
  /** New versions of existing objects that gained a source, sorted by id. */
  updatedDiaObjects: DiaObjectRecord[];
  /** Objects created in this visit, sorted by id. */
  newDiaObjects: DiaObjectRecord[];
  /** Solar-system objects that gained a source, sorted by id. */
  ssObjects: SsObjectSummary[];
  matches: AssociationMatch[];
}

/**
 * A 64-bit id from a bigint, a safe integer or a decimal string.
 *
 * @example
 * toId('9223372036854775807', 'diaObjectId') // 9223372036854775807n
 */
export function toId(value: unknown, field: string): bigint {
  if (typeof value === 'bigint') return checkRange(value, field);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return checkRange(BigInt(value.trim()), field);
  throw new AlertflowError('ERR_ASSOCIATION', `${field} must be a 64-bit integer (got ${String(value)})`, { field, value: String(value) });
}

function checkRange(v: bigint, field: string): bigint {
  if (v < -(1n << 63n) || v >= 1n << 63n) throw new AlertflowError('ERR_ASSOCIATION', `${field} is outside the signed 64-bit range`, { field, value: v.toString() });
  return v;
}
