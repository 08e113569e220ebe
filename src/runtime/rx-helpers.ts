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

/**
 * Batches of at most `size`. With `waitMs` > 0 a partial batch lingers that
 * long for more; with 0 it goes as soon as the event loop turns (what one
 * source batch or one step's outputs emit together stays together, and a
 * live trickle is not held back by a timer).
 */
export function batches<T>(size: number, waitMs: number): OperatorFunction<T, T[]> {
  if (waitMs > 0) {
    return (source: Observable<T>) =>
      source.pipe(
        bufferTime(waitMs, null, size),
        filter((batch) => batch.length > 0),
      );
  }
  return (source: Observable<T>) =>
    new Observable<T[]>((subscriber) => {
      let buffer: T[] = [];
      let turn: NodeJS.Immediate | undefined;
      const flush = (): void => {
        if (turn) clearImmediate(turn);
        turn = undefined;
        if (buffer.length === 0) return;
        const out = buffer;
        buffer = [];
        subscriber.next(out);
      };
      const inner = source.subscribe({
        next(value) {
          buffer.push(value);
          if (buffer.length >= size) flush();
          else turn ??= setImmediate(flush);
        },
        error: (err: unknown) => subscriber.error(err),
        complete() {
          flush();
          subscriber.complete();
        },
      });
      return () => {
        inner.unsubscribe();
        if (turn) clearImmediate(turn);
      };
    });
}
