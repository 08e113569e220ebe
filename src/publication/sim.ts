/**
 * A seeded stand-in for Prompt Processing and its Butler Writer (lifecycle
 * steps 1-5): writes N small dataset files and their metadata into the
 * embargo repository and the prompt-output messages that announce them
 * (one JSON file per message), so the service can run without a telescope.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { AlertflowError } from '../errors.js';
import { Rng } from '../simulator/prng.js';
import type { PromptOutputMessage } from './messages.js';
import type { RepositoryBackend } from './repository.js';

/** Options of {@link simulatePromptOutput}. */
export interface SimulatePromptOutputOptions {
  /** The embargo repository to write files and metadata into. */
  embargo: RepositoryBackend;
  /** Directory for the message files (`000001.json`, …); omit to only return the messages. */
  messagesDir?: string;
  datasets: number;
  /** Datasets per message (default 10). */
  perMessage?: number;
  seed?: string;
  /** First exposure (ISO, default 2026-03-01T00:00:00Z). */
  start?: string;
  /** Exposures spread evenly over this many days (default 10). */
  days?: number;
  /** Bytes per dataset file (default 64). */
  fileBytes?: number;
}

const TYPES: Array<[string, number]> = [
  ['preliminary_visit_image', 0.45],
  ['difference_image', 0.45],
  ['dia_source_table', 0.1],
];

const uuid = (rng: Rng): string => {
  const h = Array.from({ length: 4 }, () => rng.u32().toString(16).padStart(8, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/**
 * Writes the datasets and messages; returns the messages in order.
 *
 * @example
 * const repos = localRepositories('pps/repos');
 * simulatePromptOutput({ embargo: repos.embargo, messagesDir: 'messages', datasets: 1000 });
 */
export async function simulatePromptOutput(o: SimulatePromptOutputOptions): Promise<PromptOutputMessage[]> {
  if (!Number.isInteger(o.datasets) || o.datasets < 1) throw new AlertflowError('ERR_PUBLICATION', `datasets must be a positive integer (got ${o.datasets})`);
  const perMessage = o.perMessage ?? 10;
  const start = Date.parse(o.start ?? '2026-03-01T00:00:00Z');
  if (!Number.isFinite(start)) throw new AlertflowError('ERR_PUBLICATION', `bad start time ${o.start}`);
  const span = (o.days ?? 10) * 86_400_000;
  const rng = new Rng(parseInt(createHash('sha256').update(o.seed ?? 'pps-sim').digest('hex').slice(0, 8), 16));
  const messages: PromptOutputMessage[] = [];
  if (o.messagesDir) mkdirSync(o.messagesDir, { recursive: true });
  for (let i = 0; i < o.datasets; i += perMessage) {
    const msg: PromptOutputMessage = { datasets: [] };
    for (let k = i; k < Math.min(o.datasets, i + perMessage); k++) {
      const t = start + Math.floor((span * k) / o.datasets);
      const u = rng.float();
      let acc = 0;
      const type = TYPES.find(([, p]) => (acc += p) > u)?.[0] ?? TYPES[0][0];
      const day = new Date(t).toISOString().slice(0, 10).replaceAll('-', '');
      const visit = Number(`${day}${String(Math.floor(k / 189)).padStart(5, '0')}`);
      const detector = k % 189;
      const id = uuid(rng);
      const run = `LSSTCam/prompt/output-${new Date(t).toISOString().slice(0, 10)}`;
      const file = `${run}/${type}/${visit}/${type}_LSSTCam_${visit}_${String(detector).padStart(3, '0')}.fits`;
      const exposure = new Date(t).toISOString();
      const bytes = Buffer.alloc(o.fileBytes ?? 64);
      bytes.write(`SIMPLE  = T / ${id} ${type}`, 'latin1');
      for (let b = 48; b < bytes.length; b++) bytes[b] = rng.u32() & 0xff;
      await o.embargo.put(file, bytes);
      const data_id = { instrument: 'LSSTCam', visit, detector };
      await o.embargo.writeMetadata(id, { dataset_id: id, dataset_type: type, run, data_id, exposure_time: exposure, files: [file] });
      msg.datasets.push({ id, dataset_type: type, exposure_time: exposure, run, data_id, files: [file] });
    }
    messages.push(msg);
    if (o.messagesDir) writeFileSync(join(o.messagesDir, `${String(messages.length).padStart(6, '0')}.json`), `${JSON.stringify(msg)}\n`);
  }
  return messages;
}
