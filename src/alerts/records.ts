/**
 * Conforms one flat Rubin record (diaSource, diaObject, diaForcedSource,
 * ssSource, orbit) to a chosen schema version: fields in schema order,
 * missing optional fields filled with their defaults (null), names mapped
 * between versions, every value type-checked with an error that names the
 * field. The field lists come from the schemas the project ships.
 */
import { AlertflowError } from '../errors.js';
import { lsstV9Schemas } from '../formats/avro/schemas/lsst-v9.js';
import { lsstV10Schemas } from '../formats/avro/schemas/lsst-v10.js';
import { lsstV11Schemas } from '../formats/avro/schemas/lsst-v11.js';
import type { AvroSchemaJson } from '../formats/avro/schemas/schema-json.js';

/** The Rubin schemas alerts can be packaged in. @example const v: RubinSchemaName = 'lsst.v11_0'; */
export type RubinSchemaName = 'lsst.v9_0' | 'lsst.v10_0' | 'lsst.v11_0';
/** Kinds of flat records in an alert; `orbit` is v9's MPCORB or v10+'s mpc_orbits. @example const k: RecordKind = 'orbit'; */
export type RecordKind = 'diaSource' | 'diaObject' | 'diaForcedSource' | 'ssSource' | 'orbit';

type Primitive = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'string' | 'bytes';
interface Field {
  name: string;
  /** Non-null branch type. */
  type: Primitive;
  nullable: boolean;
  hasDefault: boolean;
  default: unknown;
}

const DOCS: Record<RubinSchemaName, readonly AvroSchemaJson[]> = { 'lsst.v9_0': lsstV9Schemas, 'lsst.v10_0': lsstV10Schemas, 'lsst.v11_0': lsstV11Schemas };
const RUBIN: readonly RubinSchemaName[] = ['lsst.v9_0', 'lsst.v10_0', 'lsst.v11_0'];

/** Schema record name of a kind in a version (the orbit record was renamed in 10.0). @example recordName('lsst.v9_0', 'orbit') // 'MPCORB' */
export function recordName(schema: RubinSchemaName, kind: RecordKind): string {
  return kind === 'orbit' ? (schema === 'lsst.v9_0' ? 'MPCORB' : 'mpc_orbits') : kind;
}

function primitiveOf(t: unknown): Primitive {
  if (typeof t === 'string') return t as Primitive;
  // Logical types (timestamp-micros) are carried as their underlying type.
  if (t && typeof t === 'object' && typeof (t as { type?: unknown }).type === 'string') return (t as { type: Primitive }).type;
  throw new AlertflowError('ERR_SCHEMA_INVALID', `unexpected field type in a flat Rubin record: ${JSON.stringify(t)}`);
}

const fieldCache = new Map<string, Field[]>();

/** The fields of a flat record, in schema order. @example recordFields('lsst.v11_0', 'diaSource')[0].name // 'diaSourceId' */
export function recordFields(schema: RubinSchemaName, kind: RecordKind): Field[] {
  const key = `${schema}/${kind}`;
  let fields = fieldCache.get(key);
  if (fields) return fields;
  const name = recordName(schema, kind);
  const doc = DOCS[schema].find((d) => (d as { name?: string }).name === name) as { fields: { name: string; type: unknown; default?: unknown }[] } | undefined;
  if (!doc) throw new AlertflowError('ERR_SCHEMA_UNKNOWN', `${schema} has no record ${name}`, { schemaName: schema });
  fields = doc.fields.map((f) => {
    const union = Array.isArray(f.type) ? (f.type as unknown[]) : undefined;
    const nonNull = union ? union.find((b) => b !== 'null') : f.type;
    return { name: f.name, type: primitiveOf(nonNull), nullable: union !== undefined && union.includes('null'), hasDefault: 'default' in f, default: f.default };
  });
  fieldCache.set(key, fields);
  return fields;
}

/**
 * Renames between v9 and v10+ (v10+ name → v9 name). Fields of one version
 * with no counterpart in the other are dropped when converting (their
 * meaning or units differ, e.g. v9 residualRa in degrees vs v11 ephOffsetRa).
 */
const V9_RENAMES: Partial<Record<RecordKind, Record<string, string>>> = {
  ssSource: {
    eclLambda: 'eclipticLambda', eclBeta: 'eclipticBeta', galLon: 'galacticL', galLat: 'galacticB',
    helioRange: 'heliocentricDist', topoRange: 'topocentricDist', ephVmag: 'predictedVMagnitude',
    helio_x: 'heliocentricX', helio_y: 'heliocentricY', helio_z: 'heliocentricZ',
    helio_vx: 'heliocentricVX', helio_vy: 'heliocentricVY', helio_vz: 'heliocentricVZ',
    topo_x: 'topocentricX', topo_y: 'topocentricY', topo_z: 'topocentricZ',
    topo_vx: 'topocentricVX', topo_vy: 'topocentricVY', topo_vz: 'topocentricVZ',
  },
  orbit: {
    packed_primary_provisional_designation: 'mpcDesignation', h: 'mpcH', epoch_mjd: 'epoch',
    mean_anomaly: 'M', argperi: 'peri', i: 'incl',
  },
};

const knownNames = new Map<RecordKind, Set<string>>();
/** Every field name the kind has in any supported version. */
function anyVersionNames(kind: RecordKind): Set<string> {
  let s = knownNames.get(kind);
  if (!s) {
    s = new Set(RUBIN.flatMap((v) => recordFields(v, kind).map((f) => f.name)));
    knownNames.set(kind, s);
  }
  return s;
}

function renamed(kind: RecordKind, input: Record<string, unknown>, target: RubinSchemaName): Record<string, unknown> {
  const map = V9_RENAMES[kind];
  if (!map) return input;
  const toV9 = target === 'lsst.v9_0';
  const out: Record<string, unknown> = { ...input };
  for (const [v10, v9] of Object.entries(map)) {
    const [from, to] = toV9 ? [v10, v9] : [v9, v10];
    if (from in input && !(to in input)) out[to] = input[from];
  }
  return out;
}

/** Options of {@link conformRecord}. @example conformRecord(s, 'diaSource', ds, 'diaSource', { nullCountsAsZero: true }) */
export interface ConformOptions {
  /** v11 made some count fields non-nullable ints; write null counts as 0 instead of failing (default false). */
  nullCountsAsZero?: boolean;
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function invalid(path: string, message: string, schema: RubinSchemaName, value?: unknown): AlertflowError {
  const shown = typeof value === 'bigint' ? `${value}n` : value instanceof Uint8Array ? `${value.length} bytes` : JSON.stringify(value);
  return new AlertflowError('ERR_ALERT_INVALID', `${path}: ${message}${value === undefined ? '' : ` (got ${shown})`}`, { field: path, schema });
}

function checkValue(f: Field, v: unknown, path: string, schema: RubinSchemaName): unknown {
  switch (f.type) {
    case 'long':
      if (typeof v === 'bigint' && v >= -(2n ** 63n) && v < 2n ** 63n) return v;
      if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
      throw invalid(path, 'must be a 64-bit integer (bigint, or a safe integer number)', schema, v);
    case 'int':
      if (typeof v === 'number' && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX) return v;
      throw invalid(path, 'must be a 32-bit integer', schema, v);
    case 'float':
      if (typeof v === 'number') return Math.fround(v); // what a reader will see
      throw invalid(path, 'must be a number (float)', schema, v);
    case 'double':
      if (typeof v === 'number') return v;
      throw invalid(path, 'must be a number (double)', schema, v);
    case 'string':
      if (typeof v === 'string') return v;
      throw invalid(path, 'must be a string', schema, v);
    case 'boolean':
      if (typeof v === 'boolean') return v;
      throw invalid(path, 'must be a boolean', schema, v);
    case 'bytes':
      if (v instanceof Uint8Array) return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      throw invalid(path, 'must be bytes (a Uint8Array)', schema, v);
    default:
      throw invalid(path, `has unsupported type ${f.type}`, schema);
  }
}

/**
 * Conforms `input` to record `kind` of `schema`. Keys that are fields of the
 * kind in another supported version are mapped (see the rename table) or
 * dropped; any other key is an error, so typos are caught. Throws
 * ERR_ALERT_INVALID with `details.field` = the path of the bad field.
 *
 * @example
 * const ds = conformRecord('lsst.v11_0', 'diaSource', parts.diaSource, 'diaSource');
 */
export function conformRecord(schema: RubinSchemaName, kind: RecordKind, input: unknown, path: string, opts: ConformOptions = {}): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw invalid(path, `must be a ${recordName(schema, kind)} record (an object)`, schema, input === undefined ? null : input);
  const src = renamed(kind, input as Record<string, unknown>, schema);
  const fields = recordFields(schema, kind);
  const known = anyVersionNames(kind);
  const renames = V9_RENAMES[kind] ?? {};
  for (const k in src) {
    if (!known.has(k) && !(k in renames)) throw invalid(`${path}.${k}`, `is not a field of ${schema}.${recordName(schema, kind)} (nor of it in another Rubin version)`, schema);
  }
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    // Paths are built only on error: this loop runs for every field of every history entry.
    let v = src[f.name];
    if (v === undefined) {
      if (!f.hasDefault) throw invalid(`${path}.${f.name}`, `is required by ${schema}`, schema);
      v = f.default;
    }
    if (v === null) {
      if (f.nullable) out[f.name] = null;
      else if (opts.nullCountsAsZero && f.type === 'int') out[f.name] = 0;
      else throw invalid(`${path}.${f.name}`, `must not be null in ${schema}`, schema);
      continue;
    }
    if (f.type === 'double' && typeof v === 'number') out[f.name] = v;
    else if (f.type === 'float' && typeof v === 'number') out[f.name] = Math.fround(v);
    else if (f.type === 'long' && typeof v === 'bigint' && v >= LONG_MIN && v <= LONG_MAX) out[f.name] = v;
    else out[f.name] = checkValue(f, v, `${path}.${f.name}`, schema);
  }
  return out;
}
