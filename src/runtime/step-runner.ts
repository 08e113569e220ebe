/**
 * Runs a batch step on a batch, the same way in-process and in a worker, so
 * both give identical output. Factories are built once per step and config.
 */
import { AlertflowError, toErrorData } from '../errors.js';
import type { StepSpec } from './graph.js';
import { batchStepFactory } from './registry.js';
import type { BatchFn, RecordResult } from './types.js';

const cache = new Map<string, Promise<BatchFn>>();

/** The batch function of `step`, built once and reused. */
export function batchFnFor(step: StepSpec): Promise<BatchFn> {
  const key = `${step.id}\u0000${step.type}\u0000${JSON.stringify(step.config ?? {})}`;
  let fn = cache.get(key);
  if (!fn) {
    fn = batchStepFactory(step).then((factory) => factory(step.config ?? {}));
    // A failed build must not stay cached as a rejected promise.
    fn.catch(() => cache.delete(key));
    cache.set(key, fn);
  }
  return fn;
}

/**
 * Applies `step` to `batch`. A step that throws for the whole batch (a bug,
 * not bad data) fails every record of it, so they reach the dead letters
 * instead of stopping the run.
 */
export async function runStepBatch(step: StepSpec, batch: unknown[]): Promise<RecordResult[]> {
  const fn = await batchFnFor(step);
  try {
    const results = await fn(batch);
    if (!Array.isArray(results) || results.length !== batch.length) {
      throw new AlertflowError('ERR_STEP_FAILED', `step "${step.id}" returned ${Array.isArray(results) ? results.length : typeof results} results for ${batch.length} records`, { step: step.id });
    }
    return results;
  } catch (err) {
    const error = toErrorData(err);
    return batch.map(() => ({ ok: false, error }));
  }
}
