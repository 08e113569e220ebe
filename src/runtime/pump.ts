/**
 * Moves records from a source into the graph: registers each for delivery
 * tracking, and stops pulling while too many records are in flight — the
 * backpressure that keeps memory bounded when sinks are slower than sources.
 */
import type { Subject } from 'rxjs';
import type { ErrorData } from '../errors.js';
import type { DeliveryToken, DeliveryTracker } from './delivery.js';
import type { RunMetrics } from './metrics.js';
import type { Source } from './types.js';

/** A record travelling through the graph with its delivery token. */
export interface Envelope {
  value: unknown;
  token: DeliveryToken;
  bytes?: Uint8Array;
}

/** A record that failed at a step (or at its source), on its way to the dead letters. */
export interface Failure {
  env: Envelope;
  error: ErrorData;
  step: string;
}


export interface PumpOptions {
  id: string;
  source: Source;
  tracker: DeliveryTracker;
  out: Subject<Envelope>;
  failures: Subject<Failure>;
  metrics: RunMetrics;
  maxInFlight: number;
  /** Bytes of source records in flight before the source stops reading. */
  maxInFlightBytes?: number;
  signal: AbortSignal;
}

/** Pulls `source` until it ends or `signal` aborts, then completes `out` and `failures`. */
export async function pumpSource(o: PumpOptions): Promise<void> {
  const counts = o.metrics.step(o.id);
  try {
    if (o.signal.aborted) return;
    for await (const batch of o.source.batches(o.signal)) {
      for (const record of batch) {
        const token = o.tracker.register(record.position, record.bytes?.length ?? 0);
        o.metrics.recordIn();
        counts.out++;
        const env: Envelope = { value: record.value, token, ...(record.bytes ? { bytes: record.bytes } : {}) };
        const error = record.error;
        if (error) {
          counts.failed++;
          o.failures.next({ env, error, step: o.id });
        } else {
          o.out.next(env);
        }
      }
      await o.tracker.waitBelow(o.maxInFlight, o.signal, o.maxInFlightBytes);
      if (o.signal.aborted) break;
    }
  } catch (err) {
    o.out.error(err);
    o.failures.complete();
    throw err;
  }
  o.out.complete();
  o.failures.complete();
}
