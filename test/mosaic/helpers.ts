/** Shared helpers of the streaming-mosaic tests: a seeded night, and a snapshot of everything a run leaves behind. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamingMosaic } from '../../src/mosaic/process.js';
import type { StreamingMosaicOptions } from '../../src/mosaic/context.js';
import { simulateNight } from '../../src/mosaic/sim.js';
import { fileHashes as hashFolder } from '../helpers/file-hashes.js';

/** A fresh temporary directory with a simulated night in `incoming/`. */
export function nightDir(observations = 40, extra: Partial<Parameters<typeof simulateNight>[0]> = {}): { dir: string; incoming: string; root: string; stamps: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-mosaic-'));
  const incoming = join(dir, 'incoming');
  const stamps = simulateNight({ incoming, observations, seed: 'test-night', ...extra });
  return { dir, incoming, root: join(dir, 'stage'), stamps };
}

/** A deterministic clock (seconds), so runs can be compared. */
export function fakeClock(): () => number {
  let t = 1.8e9;
  return () => (t += 1);
}

/** Runs the pipeline to quiescence and returns it still open. */
export async function runPipeline(o: StreamingMosaicOptions): Promise<StreamingMosaic> {
  const p = await StreamingMosaic.open({ now: fakeClock(), ...o });
  await p.processOnce();
  return p;
}

/** Relative path -> sha256 of every file under `dir`, without the products.duckdb database files. */
export const fileHashes = (dir: string): Record<string, string> => hashFolder(dir, /products\.duckdb/);

/** Every table's rows, with times dropped and the root replaced by `<root>`, as comparable text. */
export async function dbSnapshot(p: StreamingMosaic, root: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of ['ms_index', 'storage_locations', 'mosaic_groups', 'cal_registry']) {
    const rows = await p.ctx.db.read<Record<string, unknown>>(`SELECT * FROM ${table}`);
    out[table] = rows
      .map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => !k.endsWith('_at')).map(([k, v]) => [k, typeof v === 'string' ? v.split(root).join('<root>') : typeof v === 'bigint' ? v.toString() : v]))))
      .sort();
  }
  return out;
}
