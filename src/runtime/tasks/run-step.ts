/** Piscina task: runs one batch of one step inside a worker thread. */
import type { StepSpec } from '../graph.js';
import { runStepBatch } from '../step-runner.js';
import type { RecordResult } from '../types.js';

export interface StepTask {
  step: StepSpec;
  batch: unknown[];
}

export default function runStepTask(task: StepTask): Promise<RecordResult[]> {
  return runStepBatch(task.step, task.batch);
}
