/**
 * Writer schemas from a Confluent-compatible schema registry over HTTP
 * (`GET <url>/schemas/ids/<id>` → `{"schema": "<schema JSON text>"}`),
 * cached per id for the life of the resolver.
 */
import { AlertflowError } from '../../../errors.js';
import { cachingResolver, type AlertSchema, type SchemaResolver } from '../alert-schema.js';
import { createWriterSchema } from '../detect.js';
import { typeFromSchemaText } from '../load.js';

/** Options of {@link registryResolver}. */
export interface RegistryResolverOptions {
  /** Base URL, e.g. `https://usdf-alert-schemas-dev.slac.stanford.edu`. */
  url: string;
  /** Per-request timeout in ms (default 5000). */
  timeoutMs?: number;
}

async function fetchSchema(base: string, id: number, timeoutMs: number): Promise<AlertSchema> {
  const url = `${base.replace(/\/+$/, '')}/schemas/ids/${id}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/vnd.schemaregistry.v1+json, application/json' } });
  } catch (err) {
    throw new AlertflowError('ERR_REGISTRY_UNAVAILABLE', `schema registry ${base} did not answer: ${(err as Error).message}`, { url, schemaId: id }, { cause: err });
  }
  if (res.status === 404) {
    await res.body?.cancel();
    throw new AlertflowError('ERR_SCHEMA_UNKNOWN', `schema registry ${base} has no schema id ${id}`, { url, schemaId: id });
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new AlertflowError('ERR_REGISTRY_UNAVAILABLE', `schema registry ${base} answered HTTP ${res.status}`, { url, schemaId: id, status: res.status });
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch (err) {
    throw new AlertflowError('ERR_REGISTRY_UNAVAILABLE', `schema registry ${base} sent a body that is not JSON`, { url, schemaId: id }, { cause: err });
  }
  const text = (body as { schema?: unknown } | null)?.schema;
  if (typeof text !== 'string') throw new AlertflowError('ERR_SCHEMA_INVALID', `registry answer for id ${id} has no "schema" string`, { url, schemaId: id });
  return createWriterSchema(typeFromSchemaText(text, { writer: true }), { id, json: JSON.parse(text) as object });
}

/**
 * A resolver backed by a schema registry. Down or slow registry →
 * ERR_REGISTRY_UNAVAILABLE; unknown id (404) → ERR_SCHEMA_UNKNOWN. Failures
 * are not cached; successes are.
 *
 * @example
 * const r = registryResolver({ url: 'http://localhost:8081' });
 * const schema = await r.resolve(1100);
 */
export function registryResolver(opts: RegistryResolverOptions): SchemaResolver {
  const timeoutMs = opts.timeoutMs ?? 5000;
  return cachingResolver((id) => fetchSchema(opts.url, id, timeoutMs));
}
