/** Shared helpers of the publication tests: a simulated night of prompt outputs, a stepped clock, snapshots. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublicationService, type PublicationServiceOptions } from '../../src/publication/service.js';
import { localRepositories } from '../../src/publication/repository.js';
import { simulatePromptOutput } from '../../src/publication/sim.js';
import { fileHashes as hashFolder } from '../helpers/file-hashes.js';

export const T0 = Date.parse('2026-03-01T00:00:00Z');
export const DAY = 86_400_000;

/** A temporary directory with N simulated datasets: embargo files under ROOT/repos/embargo, messages in DIR/messages. */
export async function simulated(datasets: number, o: { perMessage?: number; days?: number; base?: string } = {}): Promise<{ dir: string; root: string; messages: string }> {
  const dir = mkdtempSync(join(o.base ?? tmpdir(), 'alertflow-pps-'));
  const root = join(dir, 'pps');
  const messages = join(dir, 'messages');
  await simulatePromptOutput({ embargo: localRepositories(join(root, 'repos')).embargo, messagesDir: messages, datasets, perMessage: o.perMessage ?? 10, days: o.days ?? 10, seed: 'pps-test', start: new Date(T0).toISOString() });
  return { dir, root, messages };
}

/**
 * A RAM-backed scratch directory when there is one (/dev/shm), else the temp
 * directory. A process kill leaves the same files on tmpfs as on a disk (the
 * page cache survives it), so crash tests lose nothing by running in memory.
 */
export const scratchBase = (): string => (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());

/** A clock the test moves by hand. */
export function manualClock(start = T0): { now: () => number; set(t: number): void; advanceDays(d: number): void } {
  let t = start;
  return { now: () => t, set: (x) => void (t = x), advanceDays: (d) => void (t += d * DAY) };
}

/** Opens a service on ROOT with a manual clock. */
export async function openService(root: string, extra: Partial<PublicationServiceOptions> = {}) {
  const clock = manualClock();
  const pps = await PublicationService.open({ root, now: clock.now, ...extra });
  return { pps, clock };
}

/** Relative path -> sha256 of every file under `dir`, without the state.duckdb database files. */
export const fileHashes = (dir: string): Record<string, string> => hashFolder(dir, /state\.duckdb/);

/** Every table's rows as sorted JSON lines. */
export async function dbSnapshot(pps: PublicationService): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of ['datasets', 'dataset_events', 'collection_members', 'task_errors', 'task_control', 'admin_log']) {
    const rows = await pps.db.read<Record<string, unknown>>(`SELECT * FROM ${table}`);
    out[table] = rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).sort();
  }
  return out;
}
