/**
 * Runs several sub-benches (each returning its own figures) one after another
 * and merges them into one report, so `operators` and `storage` are single
 * benches with one JSON file each.
 */
import type { BenchReport } from './types.js';
import { log } from './log.js';

export type SubBench = () => Promise<Record<string, unknown>>;

/** Gathers each sub-bench's ratios (everything under `ratios`; elsewhere, numeric keys naming a ratio) with its name as prefix. */
function ratiosOf(name: string, r: Record<string, unknown>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const from = (obj: unknown, all: boolean): void => {
    if (!obj || typeof obj !== 'object') return;
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
      if ((typeof v === 'number' || v === null) && (all || /ratio|vs/i.test(k))) out[`${name}.${k}`] = v;
    }
  };
  from(r.ratios, true);
  from(r, false);
  from(r.results, false);
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
