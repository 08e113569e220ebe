/** Resolvers tried in order, and the standard chain built from plain config. */
import { AlertflowError, isAlertflowError } from '../../../errors.js';
import type { AlertSchema, SchemaResolver } from '../alert-schema.js';
import { builtInResolver } from '../builtin.js';
import { directoryResolver } from './directory.js';
import { registryResolver } from './registry.js';

/**
 * Tries each resolver in turn. An ERR_SCHEMA_UNKNOWN moves on to the next;
 * if none knows the id, the first other error (e.g. ERR_REGISTRY_UNAVAILABLE)
 * is thrown, else ERR_SCHEMA_UNKNOWN.
 *
 * @example
 * const r = chainResolvers(directoryResolver('./schemas'), builtInResolver());
 */
export function chainResolvers(...resolvers: SchemaResolver[]): SchemaResolver {
  return {
    resolveSync(id) {
      for (const r of resolvers) {
        const s = r.resolveSync?.(id);
        if (s) return s;
      }
      return undefined;
    },
    async resolve(id): Promise<AlertSchema> {
      let failure: unknown;
      for (const r of resolvers) {
        try {
          return await r.resolve(id);
        } catch (err) {
          if (!isAlertflowError(err, 'ERR_SCHEMA_UNKNOWN')) failure ??= err;
        }
      }
      throw failure ?? new AlertflowError('ERR_SCHEMA_UNKNOWN', `no resolver knows schema id ${id}`, { schemaId: id });
    },
  };
}

/** Plain-JSON resolver config. */
export interface ResolverConfig {
  /** Folder of schemas (see {@link directoryResolver}); tried first. */
  schemaDir?: string;
  /** Confluent-compatible registry; tried after the built-in schemas. */
  registryUrl?: string;
  registryTimeoutMs?: number;
}

/**
 * The standard chain: schemaDir, then built-in schemas, then the registry.
 *
 * @example
 * const r = createResolver({ registryUrl: 'http://localhost:8081' });
 */
export function createResolver(config: ResolverConfig = {}): SchemaResolver {
  const chain: SchemaResolver[] = [];
  if (config.schemaDir) chain.push(directoryResolver(config.schemaDir));
  chain.push(builtInResolver());
  if (config.registryUrl) {
    chain.push(registryResolver({ url: config.registryUrl, ...(config.registryTimeoutMs ? { timeoutMs: config.registryTimeoutMs } : {}) }));
  }
  return chain.length === 1 ? chain[0]! : chainResolvers(...chain);
}
