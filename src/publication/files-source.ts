/**
 * The `prompt-output-files` source: a directory of prompt-output messages,
 * one `*.json` file each, read in file-name order (name them so that order
 * is arrival order, e.g. zero-padded sequence numbers). The position of a
 * message is its index in that order; committed progress is kept in a
 * checkpoint file (written atomically), so a restart skips what is committed
 * and reads the rest again (at-least-once, like a Kafka consumer group).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AlertflowError } from '../errors.js';
import type { RawPacket } from '../formats/types.js';
import type { Source, SourceRecord } from '../runtime/types.js';

/** Config of {@link createPromptOutputFilesSource}. */
export interface PromptOutputFilesConfig {
  dir: string;
  /** Checkpoint file (default DIR/.committed.json). */
  checkpoint?: string;
  /** Keep polling for new files until aborted (default: end after the last file). */
  follow?: boolean;
  /** Poll interval with `follow` (default 500 ms). */
  pollMs?: number;
  /** Messages per batch (default 64). */
  batchSize?: number;
}

/**
 * Creates the source.
 *
 * @example
 * const src = createPromptOutputFilesSource({ dir: 'messages' });
 */
export function createPromptOutputFilesSource(config: Record<string, unknown> | PromptOutputFilesConfig): Source<RawPacket> {
  const c = config as PromptOutputFilesConfig;
  if (typeof c.dir !== 'string' || c.dir === '') throw new AlertflowError('ERR_STEP_CONFIG', 'prompt-output-files source needs "dir"');
  const dir = resolve(c.dir);
  if (!existsSync(dir)) throw new AlertflowError('ERR_PUBLICATION', `message directory ${dir} does not exist`, { dir });
  const checkpoint = resolve(c.checkpoint ?? join(dir, '.committed.json'));
  const batchSize = c.batchSize ?? 64;
  const pollMs = c.pollMs ?? 500;
  const committed = (): number => {
    if (!existsSync(checkpoint)) return 0;
    const n = Number((JSON.parse(readFileSync(checkpoint, 'utf8')) as { next?: unknown }).next);
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  };
  const listing = (): string[] => readdirSync(dir).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
  return {
    async *batches(signal: AbortSignal): AsyncIterable<SourceRecord<RawPacket>[]> {
      let next = committed();
      while (!signal.aborted) {
        const names = listing();
        while (next < names.length && !signal.aborted) {
          const batch: SourceRecord<RawPacket>[] = [];
          for (; next < names.length && batch.length < batchSize; next++) {
            const bytes = readFileSync(join(dir, names[next]));
            batch.push({ value: { kind: 'raw', bytes }, bytes, position: { partition: dir, offset: next }, key: names[next] });
          }
          yield batch;
        }
        if (!c.follow) return;
        await new Promise<void>((r) => {
          const t = setTimeout(r, pollMs);
          signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
        });
      }
    },
    async commit(positions: Map<string, number>): Promise<void> {
      const n = positions.get(dir);
      if (n === undefined || n <= committed()) return;
      mkdirSync(dirname(checkpoint), { recursive: true });
      const tmp = `${checkpoint}.tmp`;
      writeFileSync(tmp, `${JSON.stringify({ dir, next: n })}\n`);
      renameSync(tmp, checkpoint);
    },
    lag: () => Math.max(0, listing().length - committed()),
    close: async () => undefined,
  };
}
