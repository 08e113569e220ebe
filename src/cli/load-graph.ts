/**
 * Loads what `alertflow run` is given: a JSON spec, a JS module whose default
 * export is a spec or a function of the remaining command-line arguments, or
 * a folder holding such a module (index.js or graph.json).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AlertflowError } from '../errors.js';
import type { GraphSpec } from '../runtime/graph.js';
import type { RunOptions } from '../runtime/executor.js';

/** What a graph module may return: a spec, or a spec with run options. */
export type GraphModuleResult = GraphSpec | { spec: GraphSpec; options?: RunOptions };

export interface LoadedGraph {
  spec: GraphSpec;
  options: RunOptions;
  baseDir: string;
}

/**
 * @example
 * const { spec } = await loadGraph('graph.json', []);
 */
export async function loadGraph(target: string, args: string[]): Promise<LoadedGraph> {
  let path = resolve(target);
  if (!existsSync(path)) throw new AlertflowError('ERR_CLI_USAGE', `no such graph: ${target}`);
  if (statSync(path).isDirectory()) {
    const candidate = ['index.js', 'index.mjs', 'graph.js', 'graph.mjs', 'graph.json'].map((f) => join(path, f)).find((f) => existsSync(f));
    if (!candidate) throw new AlertflowError('ERR_CLI_USAGE', `${target} is a folder without index.js, graph.js or graph.json`);
    path = candidate;
  }
  const baseDir = dirname(path);
  if (path.endsWith('.json')) {
    let spec: GraphSpec;
    try {
      spec = JSON.parse(readFileSync(path, 'utf8')) as GraphSpec;
    } catch (err) {
      throw new AlertflowError('ERR_GRAPH_INVALID', `${target}: not valid JSON: ${(err as Error).message}`);
    }
    return { spec, options: {}, baseDir };
  }
  const mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  const exported = mod.default;
  const result = (typeof exported === 'function' ? await (exported as (a: string[]) => unknown)(args) : exported) as GraphModuleResult | undefined;
  if (!result || typeof result !== 'object') throw new AlertflowError('ERR_GRAPH_INVALID', `${target}: the default export must be a graph spec or a function returning one`);
  if ('spec' in result) return { spec: result.spec, options: result.options ?? {}, baseDir };
  return { spec: result, options: {}, baseDir };
}
