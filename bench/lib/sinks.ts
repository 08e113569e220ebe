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

/** Records after this share of a pass count towards its steady rate (start-up and JIT warm-up left out). */
export const STEADY_FROM = 0.2;

/** A counting sink that also notes when the steady part of a pass begins. */
export interface SteadyTimingSink extends CountingSink {
  /** performance.now() when `count` first reached `from` of the expected total. */
  steadyAt?: number;
  /** `count` at that moment. */
  steadyCount: number;
}

/**
 * Counts records and notes when `from` (a share) of the `total` expected
 * records have arrived, so a bench can report a rate that leaves out
 * start-up (worker start, module loading) and JIT warm-up.
 *
 * @example
 * const sink = steadyTimingSink(10000, 0.2);
 * await runGraph(spec, { sinks: { out: sink } }).done;
 * const steady = steadyRate(sink, performance.now()); // records/s after the first 2,000
 */
export function steadyTimingSink(total: number, from: number): SteadyTimingSink {
  const sink: SteadyTimingSink = {
    count: 0,
    steadyCount: 0,
    async write(batch: SinkRecord[]): Promise<void> {
      sink.count += batch.length;
      if (sink.steadyAt === undefined && sink.count >= total * from) {
        sink.steadyAt = performance.now();
        sink.steadyCount = sink.count;
      }
    },
    describe: () => 'steady timing',
    async close(): Promise<void> {},
  };
  return sink;
}

/** Records per second after the sink's steady mark, up to `end` (a performance.now() reading). */
export function steadyRate(sink: SteadyTimingSink, end: number): number {
  return sink.steadyAt === undefined || end <= sink.steadyAt ? NaN : (sink.count - sink.steadyCount) / ((end - sink.steadyAt) / 1000);
}
