/** In-memory sources and sinks for tests and embedding. */
import type { Sink, SinkRecord, Source, SourceRecord } from '../runtime/types.js';

/**
 * A source over an array; positions are array indices in partition `name`.
 * Records are handed out `batchSize` at a time, only as they are pulled.
 *
 * @example
 * const src = memorySource([1, 2, 3]);
 */
export function memorySource<T>(values: Iterable<T>, options: { name?: string; batchSize?: number; eventTime?: (v: T, i: number) => number | undefined } = {}): Source<T> & { committed: Map<string, number> } {
  const name = options.name ?? 'memory';
  const committed = new Map<string, number>();
  return {
    committed,
    async *batches(signal: AbortSignal): AsyncIterable<SourceRecord<T>[]> {
      let batch: SourceRecord<T>[] = [];
      let i = 0;
      for (const value of values) {
        if (signal.aborted) return;
        const eventTime = options.eventTime?.(value, i);
        batch.push({ value, position: { partition: name, offset: i++ }, ...(eventTime !== undefined ? { eventTime } : {}) });
        if (batch.length >= (options.batchSize ?? 64)) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
    async commit(next) {
      for (const [p, o] of next) committed.set(p, o);
    },
    async close() {},
  };
}

/**
 * A sink that keeps what it receives, optionally slowly (to exercise backpressure).
 *
 * @example
 * const sink = memorySink(); … sink.records
 */
export function memorySink<T = unknown>(options: { delayMs?: number; failAfter?: number } = {}): Sink<T> & { records: SinkRecord<T>[]; closed: boolean } {
  const state = {
    records: [] as SinkRecord<T>[],
    closed: false,
    async write(batch: SinkRecord<T>[]): Promise<void> {
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      if (options.failAfter !== undefined && state.records.length + batch.length > options.failAfter) throw new Error('memory sink: injected failure');
      state.records.push(...batch);
    },
    describe: () => 'memory',
    async close(): Promise<void> {
      state.closed = true;
    },
  };
  return state;
}
