/** Sinks that only count, so a graph bench measures the runtime, not a disk. */
import type { Sink, SinkRecord } from '../../src/runtime/types.js';

/** A sink that counts records and acknowledges at once. */
export interface CountingSink<T = unknown> extends Sink<T> {
  count: number;
}

/**
 * @example
 * const sink = countingSink();
 * await runGraph(spec, { sinks: { out: sink } }).done;
 * sink.count // records that reached the sink
 */
export function countingSink<T = unknown>(name = 'counting'): CountingSink<T> {
  const sink: CountingSink<T> = {
    count: 0,
    async write(batch: SinkRecord<T>[]): Promise<void> {
      sink.count += batch.length;
    },
    describe: () => name,
    async close(): Promise<void> {},
  };
  return sink;
}
