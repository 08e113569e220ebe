/**
 * Runs several sub-benches (each returning its own figures) one after another
 * and merges them into one report, so `operators` and `storage` are single
 * benches with one JSON file each.
 */
import type { BenchReport } from './types.js';
import { log } from './log.js';

export type SubBench = () => Promise<Record<string, unknown>>;

/** Gathers each sub-bench's ratios (found under `ratios`, or at the top level or in `results` as `ratio*` keys) with its name as prefix. */
function ratiosOf(name: string, r: Record<string, unknown>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const from = (obj: unknown): void => {
    if (!obj || typeof obj !== 'object') return;
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
      if ((typeof v === 'number' || v === null) && /ratio|vs/i.test(k)) out[`${name}.${k}`] = v;
    }
  };
  from(r.ratios);
  from(r);
  from(r.results);
  return out;
}

/**
 * @example
 * return composeBenches({ healpix: () => benchHealpix({ points: 1e6 }) });
 */
export async function composeBenches(parts: Record<string, SubBench>): Promise<BenchReport> {
  const results: Record<string, unknown> = {};
  const ratios: Record<string, number | null> = {};
  const notes: string[] = [];
  for (const [name, run] of Object.entries(parts)) {
    log(`${name}: running`);
    try {
      const r = await run();
      results[name] = r;
      Object.assign(ratios, ratiosOf(name, r));
      if (Array.isArray(r.notes)) notes.push(...r.notes.map((n) => `${name}: ${String(n)}`));
    } catch (err) {
      results[name] = { skipped: `failed: ${(err as Error).message}` };
      notes.push(`${name}: failed: ${(err as Error).message}`);
    }
  }
  return { inputs: {}, results, ratios, notes };
}
