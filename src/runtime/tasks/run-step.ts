/** Piscina task: runs one batch through a fused chain of steps (one step is a chain of one) inside a worker thread. */
import { Piscina } from 'piscina';
import type { StepSpec } from '../graph.js';
import { runChainBatch, type ChainOutcome } from '../step-runner.js';
import { inputBuffers, neededInputBuffers, packViews, viewsWithin } from './transfer.js';

/**
 * `handBack`: the batch's buffers were transferred. "all" returns every one
 * (and the batch) with the result: later steps may still fail a record and
 * need its bytes. "needed" returns only the buffers outputs or dead letters
 * refer to (see neededInputBuffers); the others are freed in the worker.
 */
export type HandBack = 'all' | 'needed';
/**
 * `packed`: the buffer the main thread copied the batch's bytes into. With
 * no handBack nothing on the main thread refers to it, and outputs never
 * keep views into it (packViews copies them out), so it goes back as
 * `spare` for the next batch.
 */
export interface StepTask {
  chain: StepSpec[];
  batch: unknown[];
  handBack?: HandBack;
  packed?: ArrayBuffer;
}

/**
 * The result, transferred: byte views into `handBack` buffers travel with
 * those buffers (outputs that are views into the input packets, as decoded
 * cutouts, cost no copy); other views are packed into one new buffer.
 */
function movable<T>(result: T, outputs: unknown[][], handBack: Set<ArrayBuffer> = new Set(), spare?: ArrayBuffer): T {
  const buffer = packViews(outputs, handBack);
  const list = [...handBack];
  if (buffer) list.push(buffer);
  if (spare) list.push(spare);
  if (list.length === 0) return result;
  const transferable = {
    get [Piscina.transferableSymbol]() {
      return list;
    },
    get [Piscina.valueSymbol]() {
      return result;
    },
  };
  return Piscina.move(transferable as unknown as Parameters<typeof Piscina.move>[0]) as unknown as T;
}

export default async function runStepTask(task: StepTask): Promise<ChainOutcome> {
  const outcome = await runChainBatch(task.chain, task.batch);
  const outputs = outcome.results.map((r) => r.out);
  if (!task.handBack) return movable(task.packed ? { ...outcome, spare: task.packed } : outcome, outputs, undefined, task.packed);
  if (task.handBack === 'all') return movable({ ...outcome, inputs: task.batch }, outputs, inputBuffers(task.batch));
  const back = neededInputBuffers(task.batch, outcome.results);
  // A record whose packet stays here comes back as undefined: nothing on the main thread reads it again.
  const inputs = task.batch.map((v) => (back.size > 0 && viewsWithin(v, back) ? v : undefined));
  return movable({ ...outcome, inputs }, outputs, back);
}
