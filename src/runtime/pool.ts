/**
 * The worker pool: CPU-heavy batch steps run as Piscina tasks. What crosses
 * to a worker survives structured clone (records are plain data, bigints and
 * typed arrays included); packet bytes are transferred, not cloned (see
 * prepareBatch).
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { AlertflowError } from '../errors.js';
import type { StepSpec } from './graph.js';
import type { RecordResult } from './types.js';
import type { HandBack, StepTask } from './tasks/run-step.js';
import type { ChainOutcome } from './step-runner.js';
import { SpareBuffers } from '../io/spare-buffers.js';
import { prepareBatch } from './tasks/transfer.js';

export interface PoolOptions {
  /** Worker threads; defaults to the number of cores. */
  threads?: number;
}

/**
 * @example
 * const pool = new WorkerPool({ threads: 2 });
 * const results = await pool.run(step, batch);
 * await pool.close();
 */
export class WorkerPool {
  private readonly piscina: Piscina;
  readonly threads: number;
  /** Packing buffers back from workers: as many as there are tasks in flight, and one more. */
  private readonly spares: SpareBuffers;

  constructor(options: PoolOptions = {}) {
    this.threads = Math.max(1, options.threads ?? availableParallelism());
    // Resolve the task module next to this file, whether it runs from dist/ (.js) or through a TS loader.
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const filename = fileURLToPath(new URL(`./tasks/run-step${ext}`, import.meta.url));
    this.piscina = new Piscina({ filename, minThreads: this.threads, maxThreads: this.threads, idleTimeout: 60_000 });
    this.spares = new SpareBuffers(this.threads * 2 + 1);
  }

  /**
   * Runs one step over a batch: a chain of one, so its packing buffers are
   * reused as the chain's are. Each record's result as the step gave it.
   */
  async run(step: StepSpec, batch: unknown[]): Promise<RecordResult[]> {
    const { results } = await this.runChain([step], batch);
    return results.map((r): RecordResult => (r.failed.length > 0 ? { ok: false, error: r.failed[0].error } : { ok: true, out: r.out }));
  }

  /**
   * Runs a fused chain of steps over a batch as one task. With `move`, packet
   * buffers a source marked as the runtime's own are transferred to the
   * worker instead of copied (see prepareBatch): only for records no one
   * else on this thread reads while the task runs. They come back in
   * `inputs`, all of them ("all") or only those still referred to
   * ("needed", see neededInputBuffers; other records come back undefined).
   */
  async runChain(chain: StepSpec[], batch: unknown[], move: HandBack | false = false): Promise<ChainOutcome> {
    const { values, transferList, moved, packed } = prepareBatch(batch, move !== false, this.spares);
    const task: StepTask = moved && move ? { chain, batch: values, handBack: move } : { chain, batch: values, ...(packed ? { packed } : {}) };
    try {
      const outcome = (await this.piscina.run(task, { transferList })) as ChainOutcome;
      if (outcome.spare) {
        this.spares.give(outcome.spare);
        delete outcome.spare;
      }
      return outcome;
    } catch (err) {
      const ids = chain.map((s) => s.id).join(' -> ');
      throw new AlertflowError('ERR_WORKER', `worker failed running ${ids}: ${(err as Error).message}`, { steps: chain.map((s) => s.id) }, { cause: err });
    }
  }

  async close(): Promise<void> {
    await this.piscina.destroy();
  }
}
