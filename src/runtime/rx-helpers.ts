/** Small RxJS building blocks the executor needs and RxJS does not ship. */
import { defer, from, Observable, type OperatorFunction } from 'rxjs';
import { bufferTime, concatMap, filter, map, mergeMap } from 'rxjs/operators';

/**
 * Like `mergeMap(fn, concurrency)` but emits results in input order, so a
 * step on the worker pool keeps per-partition ordering.
 */
export function orderedMergeMap<T, R>(fn: (value: T) => Promise<R>, concurrency: number): OperatorFunction<T, R> {
  return (source) =>
    defer(() => {
      const done = new Map<number, R>();
      let next = 0;
      return source.pipe(
        map((value, index) => [value, index] as const),
        mergeMap(([value, index]) => from(fn(value)).pipe(map((result) => [result, index] as const)), concurrency),
        concatMap(([result, index]) => {
          done.set(index, result);
          const ready: R[] = [];
          while (done.has(next)) {
            ready.push(done.get(next)!);
            done.delete(next);
            next++;
          }
          return ready;
        }),
      );
    });
}

/** Batches of at most `size`, flushed after `waitMs` so a slow trickle still moves. */
export function batches<T>(size: number, waitMs: number): OperatorFunction<T, T[]> {
  return (source: Observable<T>) =>
    source.pipe(
      bufferTime(waitMs, null, size),
      filter((batch) => batch.length > 0),
    );
}
