/**
 * The schemas alertflow ships: every published Rubin schema from lsst.v7_0
 * to lsst.v11_1, ZTF 4.02 and Roman rapid.v00_02. Types are built on first
 * use and cached. Rubin wire ids are major×100+minor, as Rubin assigns them.
 */
import { AlertflowError } from '../../errors.js';
import type { AlertSchema, SchemaResolver } from './alert-schema.js';
import { createAlertSchema, typeFingerprint } from './alert-schema.js';
import { typeFromSchemas } from './load.js';
import { lsstV7_0Schemas } from './schemas/lsst-v7-0.js';
import { lsstV7_1Schemas } from './schemas/lsst-v7-1.js';
import { lsstV7_2Schemas } from './schemas/lsst-v7-2.js';
import { lsstV7_3Schemas } from './schemas/lsst-v7-3.js';
import { lsstV7_4Schemas } from './schemas/lsst-v7-4.js';
import { lsstV8_0Schemas } from './schemas/lsst-v8-0.js';
import { lsstV9Schemas } from './schemas/lsst-v9.js';
import { lsstV10Schemas } from './schemas/lsst-v10.js';
import { lsstV11Schemas } from './schemas/lsst-v11.js';
import { lsstV11_1Schemas } from './schemas/lsst-v11-1.js';
import { ztf402Schemas } from './schemas/ztf-4-02.js';
import { rapidV0002Schemas } from './schemas/rapid-v00-02.js';
import type { AvroSchemaJson } from './schemas/schema-json.js';

interface Entry {
  docs: readonly AvroSchemaJson[];
  id?: number;
}

const ENTRIES: Record<string, Entry> = {
  'lsst.v7_0': { docs: lsstV7_0Schemas, id: 700 },
  'lsst.v7_1': { docs: lsstV7_1Schemas, id: 701 },
  'lsst.v7_2': { docs: lsstV7_2Schemas, id: 702 },
  'lsst.v7_3': { docs: lsstV7_3Schemas, id: 703 },
  'lsst.v7_4': { docs: lsstV7_4Schemas, id: 704 },
  'lsst.v8_0': { docs: lsstV8_0Schemas, id: 800 },
  'lsst.v9_0': { docs: lsstV9Schemas, id: 900 },
  'lsst.v10_0': { docs: lsstV10Schemas, id: 1000 },
  'lsst.v11_0': { docs: lsstV11Schemas, id: 1100 },
  'lsst.v11_1': { docs: lsstV11_1Schemas, id: 1101 },
  'ztf 4.02': { docs: ztf402Schemas },
  'rapid.v00_02': { docs: rapidV0002Schemas },
};

/** Names of the built-in schemas, e.g. `lsst.v11_0`. */
export const BUILT_IN_SCHEMA_NAMES: readonly string[] = Object.keys(ENTRIES);

const cache = new Map<string, AlertSchema>();

/**
 * A built-in schema by name, or undefined.
 *
 * @example
 * const s = getBuiltInSchema('lsst.v11_0'); // s.id === 1100
 */
export function getBuiltInSchema(name: string): AlertSchema | undefined {
  let s = cache.get(name);
  if (s) return s;
  const e = ENTRIES[name];
  if (!e) return undefined;
  const type = typeFromSchemas(e.docs);
  s = createAlertSchema(type, e.id === undefined ? {} : { id: e.id });
  if (s.name !== name) s = { ...s, name };
  cache.set(name, s);
  return s;
}

/**
 * A built-in schema by name, or an ERR_SCHEMA_UNKNOWN error.
 *
 * @example
 * requireBuiltInSchema('ztf 4.02').type.fromBuffer(body);
 */
export function requireBuiltInSchema(name: string): AlertSchema {
  const s = getBuiltInSchema(name);
  if (!s) throw new AlertflowError('ERR_SCHEMA_UNKNOWN', `no built-in schema named ${name}`, { schemaName: name, known: BUILT_IN_SCHEMA_NAMES });
  return s;
}

let byFingerprint: Map<string, string> | undefined;

/**
 * The built-in schema whose canonical form has this Rabin fingerprint (16 hex digits).
 *
 * @example
 * builtInByFingerprint(schemaFingerprint(writerType))?.name; // 'ztf 4.02'
 */
export function builtInByFingerprint(fp: string): AlertSchema | undefined {
  if (!byFingerprint) {
    byFingerprint = new Map();
    for (const name of BUILT_IN_SCHEMA_NAMES) byFingerprint.set(typeFingerprint(requireBuiltInSchema(name).type), name);
  }
  const name = byFingerprint.get(fp);
  return name === undefined ? undefined : getBuiltInSchema(name);
}

/**
 * The built-in schema with a Confluent wire id, if any.
 *
 * @example
 * builtInById(1100)?.name // 'lsst.v11_0'
 */
export function builtInById(id: number): AlertSchema | undefined {
  for (const name of BUILT_IN_SCHEMA_NAMES) if (ENTRIES[name]!.id === id) return getBuiltInSchema(name);
  return undefined;
}

/**
 * Resolves the Confluent ids of the built-in schemas (Rubin: major×100+minor).
 *
 * @example
 * const s = await builtInResolver().resolve(900); // lsst.v9_0
 */
export function builtInResolver(): SchemaResolver {
  const byId = builtInById;
  return {
    resolveSync: byId,
    resolve: async (id) => {
      const s = byId(id);
      if (!s) throw new AlertflowError('ERR_SCHEMA_UNKNOWN', `schema id ${id} is not built in`, { schemaId: id });
      return s;
    },
  };
}
