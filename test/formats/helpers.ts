/** Shared test helpers: where ../shared/data is, and minimal valid records. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type avro from 'avsc';

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'src'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

export const repoRoot = findRepoRoot();
/** `../shared/data` next to the repository, when present (CI has it; fresh clones do not). */
export const dataDir = join(resolve(repoRoot, '../shared'), 'data');
export const hasData = existsSync(dataDir);
/** `skip` option for tests that need ../shared/data. */
export const needsData: string | false = hasData ? false : `skipped: ${dataDir} not found (fresh clone without ../shared)`;

export function data(...parts: string[]): string {
  return join(dataDir, ...parts);
}

type Json = string | Json[] | { [k: string]: Json };

/** A minimal valid value of a type: defaults where given, else zeros, empty strings, first union branch. */
export function minimalValue(type: avro.Type): Record<string, unknown> {
  const named = new Map<string, Json>();
  const build = (s: Json): unknown => {
    if (typeof s === 'string') {
      switch (s) {
        case 'null': return null;
        case 'boolean': return false;
        case 'int': case 'float': case 'double': return 0;
        case 'long': return 0n;
        case 'string': return '';
        case 'bytes': return Buffer.alloc(0);
        default: return build(named.get(s)!);
      }
    }
    if (Array.isArray(s)) return build(s[0]!);
    if (typeof s['name'] === 'string') named.set(s['name'], s);
    switch (s['type']) {
      case 'record': {
        const o: Record<string, unknown> = {};
        for (const f of s['fields'] as { [k: string]: Json }[]) o[f['name'] as string] = build(f['type']!);
        return o;
      }
      case 'array': return [];
      case 'map': return {};
      case 'enum': return (s['symbols'] as string[])[0];
      case 'fixed': return Buffer.alloc(Number(s['size']));
      default: return build(s['type']!);
    }
  };
  return build(type.schema() as Json) as Record<string, unknown>;
}
