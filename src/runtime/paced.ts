/**
 * Replay pacing for any source: a fixed rate (records per second), the
 * recorded cadence (by each record's event time, optionally sped up), or
 * full speed.
 */
import type { Source, SourceRecord } from './types.js';
import { AlertflowError } from '../errors.js';
import { setTimeout as sleep } from 'node:timers/promises';

export type Pace =
  | { mode: 'full' }
  | { mode: 'rate'; perSecond: number }
  | { mode: 'original'; speedup?: number };

/**
 * Wraps `source` so that its records come out no faster than `pace` allows.
 * Batches are split so that pacing stays smooth at low rates.
 *
 * @example
 * const slow = paced(fileSource, { mode: 'rate', perSecond: 1000 });
 */
export function paced<T>(source: Source<T>, pace: Pace): Source<T> {
  if (pace.mode === 'full') return source;
  return {
    commit: (next) => source.commit(next),
    close: () => source.close(),
    lag: source.lag ? () => source.lag!() : undefined,
    async *batches(signal: AbortSignal): AsyncIterable<SourceRecord<T>[]> {
      const start = performance.now();
      let emitted = 0;
      let firstEventTime: number | undefined;
      for await (const batch of source.batches(signal)) {
        for (const chunk of chunks(batch, pace.mode === 'rate' ? Math.max(1, Math.ceil(pace.perSecond / 100)) : 1)) {
          let dueMs: number;
          if (pace.mode === 'rate') {
            dueMs = (emitted / pace.perSecond) * 1000;
          } else {
            const t = chunk[0].eventTime;
            firstEventTime ??= t;
            dueMs = t === undefined || firstEventTime === undefined ? 0 : (t - firstEventTime) / (pace.speedup ?? 1);
          }
          const wait = dueMs - (performance.now() - start);
          if (wait > 1) {
            try {
              await sleep(wait, undefined, { signal });
            } catch {
              return; // aborted
            }
          }
          emitted += chunk.length;
          yield chunk;
        }
      }
    },
  };
}

function* chunks<T>(items: T[], size: number): Iterable<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/**
 * Reads the command-line form of a pace: `--rate N` or `--cadence original|full|<k>x`.
 *
 * @example
 * parsePace(undefined, '60x') // { mode: 'original', speedup: 60 }
 */
export function parsePace(rate: string | undefined, cadence: string | undefined): Pace {
  if (rate !== undefined) {
    const perSecond = Number(rate);
    if (!(perSecond > 0)) throw new AlertflowError('ERR_CLI_USAGE', `--rate must be a positive number (got ${rate})`);
    return { mode: 'rate', perSecond };
  }
  if (cadence === undefined || cadence === 'full') return { mode: 'full' };
  if (cadence === 'original') return { mode: 'original' };
  const speedup = Number(cadence.replace(/x$/, ''));
  if (!(speedup > 0)) throw new AlertflowError('ERR_CLI_USAGE', `--cadence must be "original", "full" or a speed-up such as "10x" (got ${cadence})`);
  return { mode: 'original', speedup };
}
