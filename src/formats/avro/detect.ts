/**
 * Survey and version of a writer schema from its structure, not its name.
 * Files written by Spark (brokers' archives) rename the top-level record
 * `topLevelRecord` and nest records under it, so the name alone refuses
 * them; the fields say what the packet is.
 */
import type avro from 'avsc';
import { AlertflowError } from '../../errors.js';
import type { Survey } from '../types.js';
import { describeAlertType, type AlertSchema } from './alert-schema.js';
import { BUILT_IN_SCHEMA_NAMES, getBuiltInSchema } from './builtin.js';

type Json = string | Json[] | { [k: string]: Json };

/**
 * A signature of a type that ignores the names of named types and the order
 * of union branches (Spark writes `["double","null"]` where Rubin writes
 * `["null","double"]`), and keeps field names and order, types and sizes.
 *
 * @example
 * structureSignature(type) === structureSignature(getBuiltInSchema('lsst.v9_0')!.type);
 */
export function structureSignature(type: avro.Type): string {
  const named = new Map<string, string>();
  const sig = (s: Json): string => {
    if (typeof s === 'string') return named.get(s) ?? s;
    if (Array.isArray(s)) return `u(${s.map(sig).sort().join('|')})`;
    const t = s['type'] as Json;
    let out: string;
    switch (t) {
      case 'record':
      case 'error':
        out = `{${(s['fields'] as { [k: string]: Json }[]).map((f) => `${String(f['name'])}:${sig(f['type']!)}`).join(',')}}`;
        break;
      case 'enum':
        out = `e(${(s['symbols'] as string[]).join(',')})`;
        break;
      case 'fixed':
        out = `f${String(s['size'])}`;
        break;
      case 'array':
        return `a(${sig(s['items']!)})`;
      case 'map':
        return `m(${sig(s['values']!)})`;
      default:
        return sig(t);
    }
    if (typeof s['name'] === 'string') named.set(s['name'], out);
    return out;
  };
  return sig(type.schema() as Json);
}

let byStructure: Map<string, string> | undefined;

/**
 * The built-in schema with the same structure as `type`, if any.
 *
 * @example
 * builtInByStructure(sparkWrittenType)?.name; // 'lsst.v9_0'
 */
export function builtInByStructure(type: avro.Type): AlertSchema | undefined {
  if (!byStructure) {
    byStructure = new Map();
    for (const name of BUILT_IN_SCHEMA_NAMES) {
      const s = structureSignature(getBuiltInSchema(name)!.type);
      if (!byStructure.has(s)) byStructure.set(s, name);
    }
  }
  const name = byStructure.get(structureSignature(type));
  return name === undefined ? undefined : getBuiltInSchema(name);
}

function fieldNames(type: avro.Type): Set<string> {
  const fields = (type.schema() as { fields?: { name: string }[] }).fields ?? [];
  return new Set(fields.map((f) => f.name));
}

/** Survey from distinctive top-level fields, for schemas that are not built in. */
function surveyByFields(type: avro.Type): Survey | undefined {
  const f = fieldNames(type);
  if (f.has('candidate') && f.has('objectId') && f.has('candid')) return 'ztf';
  if (f.has('schemaVersion') && f.has('pipelineVersion') && f.has('diaSource')) return 'roman';
  if (f.has('diaSourceId') && f.has('diaSource')) return 'lsst';
  return undefined;
}

/**
 * Survey and schema name of a writer type: by its record name when that is
 * a known one, else by structure (a built-in schema's, e.g. `lsst.v9_0`),
 * else by distinctive fields (name = the survey, plus a declared version).
 * Throws ERR_SCHEMA_UNKNOWN when none of these says.
 *
 * @example
 * describeWriterType(type, headerJson); // { survey: 'lsst', name: 'lsst.v9_0' }
 */
export function describeWriterType(type: avro.Type, json?: object): { survey: Survey; name: string } {
  try {
    return describeAlertType(type, json);
  } catch (err) {
    if (!(err instanceof AlertflowError)) throw err;
    const known = builtInByStructure(type);
    if (known) return { survey: known.survey, name: known.name };
    const survey = surveyByFields(type);
    if (!survey) throw err;
    const version = (json as { version?: unknown } | undefined)?.version;
    const base = survey === 'ztf' ? 'ztf' : survey === 'roman' ? 'rapid' : 'lsst';
    return { survey, name: typeof version === 'string' ? `${base} ${version}` : base };
  }
}

/**
 * Wraps a writer type as an {@link AlertSchema}, naming it with
 * {@link describeWriterType}.
 *
 * @example
 * const s = createWriterSchema(writerTypeFromSchemas(header.schemaJson), { json: header.schemaJson });
 */
export function createWriterSchema(type: avro.Type, opts: { id?: number; json?: object } = {}): AlertSchema {
  const json = opts.json ?? (type.schema({ exportAttrs: true }) as object);
  const { survey, name } = describeWriterType(type, json);
  return { name, survey, type, json, ...(opts.id === undefined ? {} : { id: opts.id }) };
}
