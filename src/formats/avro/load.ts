/**
 * Builds avsc types from one or more schema documents. Several documents that
 * refer to each other by full name (the way Rubin ships one `.avsc` per
 * record) are loaded together in whatever order they resolve.
 */
import avro from 'avsc';
import { AlertflowError } from '../../errors.js';
import { bigintLongType } from './long.js';
import type { AvroSchemaJson } from './schemas/schema-json.js';

/** Full name of a named schema (namespace + name), or undefined. */
export function schemaFullName(s: unknown): string | undefined {
  if (!s || typeof s !== 'object' || Array.isArray(s)) return undefined;
  const { name, namespace } = s as { name?: unknown; namespace?: unknown };
  if (typeof name !== 'string') return undefined;
  return name.includes('.') || typeof namespace !== 'string' || namespace === '' ? name : `${namespace}.${name}`;
}

/**
 * Creates the avsc type of `top` (default: the record named `alert`, else the
 * last document) from documents that may reference each other. Longs decode
 * to bigint.
 *
 * @example
 * const type = typeFromSchemas(lsstV11Schemas);
 * const alert = type.fromBuffer(body);
 */
export function typeFromSchemas(schemas: readonly AvroSchemaJson[] | AvroSchemaJson, top?: string): avro.Type {
  const list = Array.isArray(schemas) ? schemas : [schemas as AvroSchemaJson];
  if (list.length === 0) throw new AlertflowError('ERR_SCHEMA_INVALID', 'no schema documents given');
  const registry: Record<string, avro.Type> = { long: bigintLongType };
  const built = new Map<AvroSchemaJson, avro.Type>();
  let pending = [...list];
  let lastError: unknown;
  while (pending.length > 0) {
    const next: AvroSchemaJson[] = [];
    for (const s of pending) {
      // A failed attempt may leave half-registered names behind; work on a copy.
      const attempt = { ...registry };
      try {
        built.set(s, avro.Type.forSchema(s as avro.Schema, { registry: attempt, typeHook: exactLongs }));
        Object.assign(registry, attempt);
      } catch (err) {
        lastError = err;
        next.push(s);
      }
    }
    if (next.length === pending.length) {
      // avsc reports malformed JSON (e.g. from a corrupt file header) as internal TypeErrors; say what it means instead.
      const reason = lastError instanceof TypeError ? 'malformed schema JSON' : (lastError as Error)?.message;
      throw new AlertflowError('ERR_SCHEMA_INVALID', `cannot build schema: ${reason}`, {
        unresolved: next.map(schemaFullName),
      }, { cause: lastError });
    }
    pending = next;
  }
  const topDoc = top
    ? list.find((s) => schemaFullName(s) === top)
    : (list.find((s) => (s as { name?: unknown }).name === 'alert' || schemaFullName(s)?.endsWith('.alert')) ?? list[list.length - 1]);
  if (!topDoc) throw new AlertflowError('ERR_SCHEMA_INVALID', `top-level schema ${top} not found`);
  return built.get(topDoc)!;
}

/**
 * A deep copy of schema JSON without field defaults. A writer schema's
 * defaults play no part in decoding (only a reader's do, when it resolves
 * a missing field), and real writer schemas carry defaults avsc refuses:
 * ZTF 3.x declares `["float","null"]` with default null and `["null","int"]`
 * with default 0.
 *
 * @example
 * withoutFieldDefaults({ type: 'record', name: 'r', fields: [{ name: 'x', type: ['float', 'null'], default: null }] });
 */
export function withoutFieldDefaults<T>(schema: T): T {
  const strip = (v: unknown, isField: boolean): unknown => {
    if (Array.isArray(v)) return v.map((x) => strip(x, false));
    if (!v || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (isField && k === 'default') continue;
      out[k] = k === 'fields' && Array.isArray(x) ? x.map((f) => strip(f, true)) : strip(x, false);
    }
    return out;
  };
  return strip(schema, false) as T;
}

/**
 * Builds the type of a writer schema (from a container header, a registry or
 * a schema folder): like {@link typeFromSchemas}, with field defaults left out.
 *
 * @example
 * const type = writerTypeFromSchemas(header.schemaJson);
 */
export function writerTypeFromSchemas(schemas: readonly AvroSchemaJson[] | AvroSchemaJson, top?: string): avro.Type {
  return typeFromSchemas(withoutFieldDefaults(schemas), top);
}

/**
 * Longs written inline with a logical type (`{"type": "long", "logicalType":
 * "timestamp-micros"}`) bypass the registry; they must decode to bigint too.
 */
function exactLongs(schema: avro.Schema): avro.Type | undefined {
  return typeof schema === 'object' && schema !== null && (schema as { type?: unknown }).type === 'long' ? bigintLongType : undefined;
}

/**
 * Parses schema text (JSON) and builds its type; `writer` leaves field
 * defaults out (see {@link writerTypeFromSchemas}).
 *
 * @example
 * const type = typeFromSchemaText('{"type":"record","name":"x","fields":[]}');
 */
export function typeFromSchemaText(text: string, opts: { writer?: boolean } = {}): avro.Type {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AlertflowError('ERR_SCHEMA_INVALID', 'schema is not valid JSON', {}, { cause: err });
  }
  return opts.writer ? writerTypeFromSchemas(json as AvroSchemaJson) : typeFromSchemas(json as AvroSchemaJson);
}
