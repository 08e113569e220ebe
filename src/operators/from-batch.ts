/**
 * Turns a batch step (the plain science core of an operator) into an RxJS
 * operator, so library users get `source.pipe(filterExtendedness(...))` while
 * graphs and workers use the same core.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { fromErrorData, type AlertflowError } from '../errors.js';
import type { BatchFn, RecordResult, StatefulBatchFn } from '../runtime/types.js';

export interface FromBatchOptions<I> {
  /** Records per call of the core (default 1: each record is handled as it arrives). */
  batchSize?: number;
  /**
   * Called with a record that failed and its typed error. Without it, a failed
   * record errors the stream with that typed error (RxJS's usual contract).
   */
  onFailure?: (record: I, error: AlertflowError) => void;
}

/**
 * @example
 * const double = fromBatchFn<number, number>((b) => b.map((n) => ({ ok: true, out: [n * 2] })));
 * of(1, 2).pipe(double) // 2, 4
 */
export function fromBatchFn<I, O>(fn: BatchFn<I, O>, options: FromBatchOptions<I> = {}): OperatorFunction<I, O> {
  const size = Math.max(1, options.batchSize ?? 1);
  return (source) =>
    new Observable<O>((subscriber) => {
      let pending: I[] = [];
      // Batches run one at a time and in order; `chain` serialises async cores.
      let chain: Promise<void> = Promise.resolve();
      let closed = false;
      // A stateful core's flush runs once, after the last batch, when the source completes.
      const flush = (fn as StatefulBatchFn<I, O>).flush;
      const run = (batch: I[], atEnd = false): Promise<void> =>
        (chain = chain.then(async () => {
          if (closed) return;
          const results: RecordResult<O>[] = atEnd ? (flush ? await flush() : []) : await fn(batch);
          results.forEach((r, i) => {
            if (closed) return;
            if (r.ok) {
              for (const v of r.out) subscriber.next(v);
              return;
            }
            const error = fromErrorData(r.error);
            if (options.onFailure) options.onFailure(batch[i], error);
            else {
              closed = true;
              subscriber.error(error);
            }
          });
        }));
      const fail = (err: unknown): void => {
        if (closed) return;
        closed = true;
        subscriber.error(err);
      };
      const subscription = source.subscribe({
        next(value) {
          pending.push(value);
          if (pending.length >= size) {
            const batch = pending;
            pending = [];
            run(batch).catch(fail);
          }
        },
        error: (err) => chain.then(() => fail(err), fail),
        complete() {
          const batch = pending;
          pending = [];
          if (batch.length > 0) void run(batch).catch(fail);
          const last = flush ? run([], true) : chain;
          last.then(() => {
            if (!closed) {
              closed = true;
              subscriber.complete();
            }
          }, fail);
        },
      });
      return () => {
        closed = true;
        subscription.unsubscribe();
      };
    });
}
