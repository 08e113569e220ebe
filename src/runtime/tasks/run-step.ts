/** Piscina task: runs one batch through one step, or through a fused chain of steps, inside a worker thread. */
import type { StepSpec } from '../graph.js';
import { runChainBatch, runStepBatch, type ChainOutcome } from '../step-runner.js';
import type { RecordResult } from '../types.js';

export type StepTask = { step: StepSpec; batch: unknown[] } | { chain: StepSpec[]; batch: unknown[] };

export default function runStepTask(task: StepTask): Promise<RecordResult[] | ChainOutcome> {
  return 'chain' in task ? runChainBatch(task.chain, task.batch) : runStepBatch(task.step, task.batch);
}
