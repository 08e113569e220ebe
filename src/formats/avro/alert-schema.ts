/**
 * What a resolved alert schema carries, and how a schema is named: the
 * survey and schema name are read from the top-level record's full name.
 */
import type avro from 'avsc';
import { AlertflowError } from '../../errors.js';
import type { Survey } from '../types.js';
import { schemaFingerprint } from './fingerprint.js';

/** A writer schema ready for decoding. */
export interface AlertSchema {
  /** `lsst.v11_0`, `ztf 4.02`, `rapid.v00_02`, … */
  name: string;
  survey: Survey;
  /** Confluent schema id, when the schema has one. */
  id?: number;
  /** avsc type; longs decode to bigint. */
  type: avro.Type;
  /** Self-contained schema JSON (named types inlined at first use). */
  json: object;
}

/**
 * Finds the writer schema for a Confluent schema id.
 *
 * @example
 * const schema = await resolver.resolve(1100);
 */
export interface SchemaResolver {
  resolve(id: number): Promise<AlertSchema>;
  /** Answers from memory only; undefined when that is not possible. */
  resolveSync?(id: number): AlertSchema | undefined;
}

/**
 * A resolver that calls `load` once per id: successes are cached (and then
 * answer `resolveSync`), failures are not, so a later call retries.
 *
 * @example
 * const r = cachingResolver((id) => fetchSchema(url, id));
 */
export function cachingResolver(load: (id: number) => Promise<AlertSchema>): SchemaResolver {
  const cache = new Map<number, Promise<AlertSchema>>();
  const done = new Map<number, AlertSchema>();
  return {
    resolve(id) {
      let p = cache.get(id);
      if (!p) {
        p = load(id).then((s) => (done.set(id, s), s));
        p.catch(() => cache.delete(id));
        cache.set(id, p);
      }
      return p;
    },
    resolveSync: (id) => done.get(id),
  };
}

/**
 * Survey and schema name of a top-level alert type.
 *
 * @example
 * describeAlertType(type); // { survey: 'lsst', name: 'lsst.v11_0' }
 */
export function describeAlertType(type: avro.Type, json?: object): { survey: Survey; name: string } {
  const full = type.name ?? '';
  let m = /^lsst\.(v\d+_\d+)\.alert$/.exec(full);
  if (m) return { survey: 'lsst', name: `lsst.${m[1]}` };
  m = /^rapid\.(v\d+_\d+)\.alert$/.exec(full);
  if (m) return { survey: 'roman', name: `rapid.${m[1]}` };
  if (full === 'ztf.alert') {
    const version = (json as { version?: unknown } | undefined)?.version;
    return { survey: 'ztf', name: typeof version === 'string' ? `ztf ${version}` : 'ztf' };
  }
  throw new AlertflowError('ERR_SCHEMA_UNKNOWN', `not an alert schema of a known survey: ${full || '(unnamed)'}`, { schemaName: full });
}

/**
 * Wraps an avsc type as an {@link AlertSchema}.
 *
 * @example
 * const s = createAlertSchema(typeFromSchemas(docs), { id: 1100 });
 */
export function createAlertSchema(type: avro.Type, opts: { id?: number; json?: object } = {}): AlertSchema {
  const json = opts.json ?? (type.schema({ exportAttrs: true }) as object);
  const { survey, name } = describeAlertType(type, json);
  return { name, survey, type, json, ...(opts.id === undefined ? {} : { id: opts.id }) };
}

const fingerprints = new WeakMap<avro.Type, string>();

/**
 * Cached canonical fingerprint of a type (see {@link schemaFingerprint}).
 *
 * @example
 * typeFingerprint(schema.type) === typeFingerprint(other.type);
 */
export function typeFingerprint(type: avro.Type): string {
  let fp = fingerprints.get(type);
  if (fp === undefined) {
    fp = schemaFingerprint(type);
    fingerprints.set(type, fp);
  }
  return fp;
}
