/**
 * Runs a stateful batch step (one that holds inputs across batches, like a
 * count window) inside a graph: in-process, one instance per run, batches in
 * order, and `flush()` once the upstream is exhausted, before sinks close.
 *
 * Delivery: a held input keeps one reference open. An output whose result
 * releases held inputs gets a derived token that owns one reference of the
 * current input and of each released input, so none of those positions can be
 * committed until every copy of the output is acknowledged. Flush outputs
 * derive from all inputs still held.
 */
import { Observable, concatMap, endWith, share } from 'rxjs';
import { AlertflowError, toErrorData, type ErrorData } from '../errors.js';
import { deriveToken, type DeliveryToken } from './delivery.js';
import { batchStepFactory } from './registry.js';
import { batches } from './rx-helpers.js';
import type { StepSpec } from './graph.js';
import type { RunMetrics } from './metrics.js';
import type { Envelope, Failure } from './pump.js';
import type { BatchFn, RecordResult, StatefulBatchFn } from './types.js';

/**
 * True for a batch function that keeps state across batches.
 *
 * @example
 * isStatefulFn(createWindowStep({ size: 3 })) // true
 */
export function isStatefulFn(fn: BatchFn): fn is StatefulBatchFn {
  const s = fn as StatefulBatchFn;
  return typeof s.flush === 'function' || s.stateful === true;
}

/**
 * A fresh instance of a stateful step (never the shared cached one: state
 * must not leak between runs). Rejects `pool: true`, since state split over
 * workers would give different windows than one process.
 *
 * @example
 * const fn = await freshStatefulFn({ id: 'w', kind: 'step', type: 'window', config: { size: 10, slide: 8 } });
 */
export async function freshStatefulFn(step: StepSpec): Promise<StatefulBatchFn> {
  if (step.pool) throw new AlertflowError('ERR_GRAPH_INVALID', `step "${step.id}": a stateful step (${step.type}) runs in-process only; remove pool: true`, { step: step.id });
  return (await (await batchStepFactory(step))(step.config ?? {})) as StatefulBatchFn;
}

const FLUSH = Symbol('flush');

/**
 * Outputs and failures of one stateful step, with delivery accounting done.
 *
 * @example
 * const { ok$, failed$ } = statefulStep(step, fn, input$, metrics, 256, 20);
 */
export function statefulStep(step: StepSpec, fn: StatefulBatchFn, input$: Observable<Envelope>, metrics: RunMetrics, batchSize: number, waitMs: number): { ok$: Observable<Envelope>; failed$: Observable<Failure> } {
  const counts = metrics.step(step.id);
  const held: DeliveryToken[] = [];
  type Item = { out: Envelope[]; failed: Failure[] };
  const call = async (batch: unknown[] | null): Promise<RecordResult[]> => {
    try {
      const results = batch ? await fn(batch) : fn.flush ? await fn.flush() : [];
      if (!Array.isArray(results) || (batch && results.length !== batch.length)) {
        throw new AlertflowError('ERR_STEP_FAILED', `step "${step.id}" returned ${Array.isArray(results) ? results.length : typeof results} results for ${batch?.length ?? 'flush'}`, { step: step.id });
      }
      return results;
    } catch (err) {
      // A step that throws fails every record of the batch (like stateless steps); a throwing flush is a failure of the held records.
      const error = toErrorData(err);
      return batch ? batch.map(() => ({ ok: false, error })) : [{ ok: false, error }];
    }
  };
  const accountBatch = (batch: Envelope[], results: RecordResult[]): Item => {
    const item: Item = { out: [], failed: [] };
    batch.forEach((env, i) => {
      const r = results[i];
      counts.in++;
      if (!r.ok) {
        counts.failed++;
        item.failed.push(failure(env, r.error));
        return; // its one reference is owed by the dead letter
      }
      counts.out += r.out.length;
      const t = env.token;
      if (r.hold) held.push(t);
      const released = r.releaseHeld ? held.splice(0, r.releaseHeld) : [];
      const direct = released.length > 0 ? (r.out.length > 0 ? 1 : 0) : r.out.length;
      const owed = (r.hold ? 1 : 0) + direct;
      if (owed === 0) t.tracker.release(t);
      else t.tracker.addRefs(t, owed - 1);
      if (released.length === 0) {
        for (const value of r.out) item.out.push({ ...env, value });
      } else if (r.out.length === 0) {
        for (const h of released) h.tracker.release(h);
      } else {
        const d = deriveToken([t, ...released], r.out.length);
        for (const value of r.out) item.out.push({ value, token: d });
      }
    });
    return item;
  };
  const accountFlush = (results: RecordResult[]): Item => {
    const parents = held.splice(0, held.length);
    const owed = results.reduce((n, r) => n + (r.ok ? r.out.length : 1), 0);
    if (owed === 0 || parents.length === 0) {
      for (const h of parents) h.tracker.release(h);
      if (owed > 0) throw new AlertflowError('ERR_STEP_FAILED', `step "${step.id}": flush produced output but holds no records to derive it from`, { step: step.id });
      return { out: [], failed: [] };
    }
    const d = deriveToken(parents, owed);
    const item: Item = { out: [], failed: [] };
    for (const r of results) {
      if (r.ok) {
        counts.out += r.out.length;
        for (const value of r.out) item.out.push({ value, token: d });
      } else {
        counts.failed++;
        item.failed.push(failure({ value: null, token: d }, r.error));
      }
    }
    return item;
  };
  const failure = (env: Envelope, error: ErrorData): Failure => ({ env, error, step: step.id });
  const processed$ = input$.pipe(
    batches<Envelope>(step.batchSize ?? batchSize, waitMs),
    endWith(FLUSH),
    // Accounting happens here, before the split, so neither branch can acknowledge before the refs exist.
    concatMap(async (batch): Promise<Item> => (batch === FLUSH ? accountFlush(await call(null)) : accountBatch(batch, await call(batch.map((e) => e.value))))),
    share(),
  );
  return { ok$: processed$.pipe(concatMap((i) => i.out)), failed$: processed$.pipe(concatMap((i) => i.failed)) };
}
