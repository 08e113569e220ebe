/**
 * The RxJS operator test checklist (empty, one, many, source error, early
 * unsubscribe, throwing callback) as one reusable suite.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY, from, lastValueFrom, Observable, of, throwError, toArray, concat, take, type OperatorFunction } from 'rxjs';

export interface ChecklistCase<I, O> {
  /** Operator under test. */
  operator: () => OperatorFunction<I, O>;
  /** Inputs for the "one" and "many" cases (at least two). */
  inputs: I[];
  /** The expected outputs for `inputs` (compared with deepEqual). */
  expected: (inputs: I[]) => O[] | Promise<O[]>;
  /** An operator whose user callback throws, and a predicate on the error it must surface. */
  throwing?: { operator: () => OperatorFunction<I, O>; input: I; error: (e: unknown) => boolean };
  /** Normalises outputs before comparison (e.g. strip timestamps). */
  normalise?: (o: O) => unknown;
}

/**
 * @example
 * rxChecklist('filterExtendedness', { operator: () => filterExtendedness(cfg), inputs, expected });
 */
export function rxChecklist<I, O>(name: string, c: ChecklistCase<I, O>): void {
  const norm = (xs: O[]): unknown[] => (c.normalise ? xs.map(c.normalise) : xs);
  test(`${name}: empty source completes with no output`, async () => {
    assert.deepEqual(await lastValueFrom(EMPTY.pipe(c.operator(), toArray())), []);
  });
  test(`${name}: one input`, async () => {
    const one = [c.inputs[0]];
    assert.deepEqual(norm(await lastValueFrom(of(...one).pipe(c.operator(), toArray()))), norm(await c.expected(one)));
  });
  test(`${name}: many inputs, in order`, async () => {
    assert.deepEqual(norm(await lastValueFrom(from(c.inputs).pipe(c.operator(), toArray()))), norm(await c.expected(c.inputs)));
  });
  test(`${name}: a source error reaches the subscriber after earlier outputs`, async () => {
    const boom = new Error('upstream failed');
    const seen: O[] = [];
    await assert.rejects(
      lastValueFrom(concat(of(c.inputs[0]), throwError(() => boom)).pipe(c.operator(), (s) => new Observable<O>((sub) => s.subscribe({ next: (v) => (seen.push(v), sub.next(v)), error: (e) => sub.error(e), complete: () => sub.complete() })))),
      (e) => e === boom,
    );
    assert.deepEqual(norm(seen), norm(await c.expected([c.inputs[0]])));
  });
  test(`${name}: early unsubscribe stops the work`, async () => {
    let pulled = 0;
    const endless = new Observable<I>((sub) => {
      let stopped = false;
      const tick = (): void => {
        if (stopped) return;
        pulled++;
        sub.next(c.inputs[pulled % c.inputs.length]);
        setImmediate(tick);
      };
      tick();
      return () => {
        stopped = true;
      };
    });
    const wanted = Math.min(1, (await c.expected(c.inputs)).length);
    const got = await lastValueFrom(endless.pipe(c.operator(), take(wanted), toArray()), { defaultValue: [] });
    assert.equal(got.length, wanted);
    const at = pulled;
    await new Promise((r) => setTimeout(r, 30));
    assert.ok(pulled - at <= 1, `source kept emitting after unsubscribe (${pulled - at} more)`);
  });
  if (c.throwing) {
    const t = c.throwing;
    test(`${name}: a throwing callback errors the stream with its error`, async () => {
      await assert.rejects(lastValueFrom(of(t.input).pipe(t.operator(), toArray())), t.error);
    });
  }
}
