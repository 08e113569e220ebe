/** Piscina task: runs one batch through one step, or through a fused chain of steps, inside a worker thread. */
import { Piscina } from 'piscina';
import type { StepSpec } from '../graph.js';
import { runChainBatch, runStepBatch, type ChainOutcome } from '../step-runner.js';
import type { RecordResult } from '../types.js';
import { packViews } from './transfer.js';

export type StepTask = { step: StepSpec; batch: unknown[] } | { chain: StepSpec[]; batch: unknown[] };

/** The result with its byte views packed into one buffer that is transferred, not cloned. */
function movable<T>(result: T, outputs: unknown[][]): T {
  const buffer = packViews(outputs);
  if (!buffer) return result;
  const transferable = {
    get [Piscina.transferableSymbol]() {
      return [buffer];
    },
    get [Piscina.valueSymbol]() {
      return result;
    },
  };
  return Piscina.move(transferable as unknown as Parameters<typeof Piscina.move>[0]) as unknown as T;
}

export default async function runStepTask(task: StepTask): Promise<RecordResult[] | ChainOutcome> {
  if ('chain' in task) {
    const outcome = await runChainBatch(task.chain, task.batch);
    return movable(outcome, outcome.results.map((r) => r.out));
  }
  const results = await runStepBatch(task.step, task.batch);
  return movable(results, results.map((r) => (r.ok ? r.out : [])));
}
