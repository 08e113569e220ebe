/**
 * The Prompt Publication Service (seed 003): the state database, the four
 * repositories, the policy and a clock, with the task loop, intake and the
 * administrative commands of the web page.
 *
 * Layout under ROOT: state.duckdb, repos/{embargo,prompt_prep,repo_main,public}
 * (unless other repositories are given), intake-offsets.json (the files
 * source's committed position) and dead-letters.jsonl (rejected messages).
 */
import { join } from 'node:path';
import { AlertflowError, isAlertflowError } from '../errors.js';
import { runGraph } from '../runtime/executor.js';
import type { RunOptions } from '../runtime/executor.js';
import type { MetricsSnapshot } from '../runtime/metrics.js';
import { createPublicationStateSink, intakeGraph, type IntakeSource } from './intake.js';
import { DEFAULT_POLICY, type PublicationPolicy } from './policy.js';
import { localRepositories, type Repositories } from './repository.js';
import { PublicationDb, appendEvents, exec, rows, type DatasetRow, type EventRow } from './state-db.js';
import { TASKS, TASK_NAMES, readySql, taskNamed, type PublicationTask, type TaskContext, type TaskName } from './tasks.js';
import { statusCounts, type StatusCounts } from './status.js';

/** Options of {@link PublicationService.open}. */
export interface PublicationServiceOptions {
  /** State directory (see the module comment). */
  root: string;
  /** Repositories; default local directories under ROOT/repos. */
  repos?: Repositories;
  policy?: PublicationPolicy;
  /** The clock, ms since the epoch (tests inject a simulated one). Default Date.now. */
  now?: () => number;
  /** Datasets per task batch (one transaction each). Default 1000. */
  batchSize?: number;
  log?: (message: string) => void;
  /** Called after every repository operation and transaction (crash tests kill here). */
  onCheckpoint?: (label: string) => void;
}

/** What one pass did, per task. */
export type PassSummary = Record<TaskName, { done: number; failed: number; paused: boolean }>;

/** Result of an intake run. */
export interface IngestResult {
  received: number;
  inserted: number;
  deadLetters: number;
  metrics: MetricsSnapshot;
}

const message = (err: unknown): string => (isAlertflowError(err) || err instanceof Error ? err.message : String(err));

/**
 * @example
 * const pps = await PublicationService.open({ root: 'pps' });
 * await pps.ingest({ kind: 'files', dir: 'messages' });
 * await pps.runUntilIdle();
 * console.log(await pps.status());
 * await pps.close();
 */
export class PublicationService {
  readonly ctx: TaskContext;
  private constructor(
    readonly root: string,
    readonly db: PublicationDb,
    readonly repos: Repositories,
    readonly policy: PublicationPolicy,
    readonly now: () => number,
    private readonly batchSize: number,
    private readonly log: (m: string) => void,
    onCheckpoint: (label: string) => void,
  ) {
    this.ctx = { repos, policy, checkpoint: onCheckpoint };
  }

  static async open(o: PublicationServiceOptions): Promise<PublicationService> {
    const repos = o.repos ?? localRepositories(join(o.root, 'repos'));
    for (const r of Object.values(repos)) await r.recover?.();
    const db = await PublicationDb.open(join(o.root, 'state.duckdb'));
    return new PublicationService(o.root, db, repos, o.policy ?? DEFAULT_POLICY, o.now ?? Date.now, o.batchSize ?? 1000, o.log ?? (() => {}), o.onCheckpoint ?? (() => {}));
  }

  /** Names of the paused tasks. */
  async pausedTasks(): Promise<Set<string>> {
    return new Set((await this.db.read<{ task: string }>('SELECT task FROM task_control WHERE paused')).map((r) => r.task));
  }

  /** Datasets ready for `task` at `now` (at most `limit`), oldest exposure first. */
  async ready(task: PublicationTask, now: number, limit = this.batchSize): Promise<DatasetRow[]> {
    const { sql, params } = readySql(task, this.policy, now, 1);
    return this.db.read<DatasetRow>(`SELECT * FROM datasets WHERE ${sql} ORDER BY exposure_time, dataset_id LIMIT ${Math.max(1, Math.floor(limit))}`, params);
  }

  /** Runs one task to completion at `now`: batches of query -> act -> update until none is ready. */
  async runTask(task: PublicationTask, now: number): Promise<{ done: number; failed: number }> {
    let done = 0;
    let failed = 0;
    for (;;) {
      const batch = await this.ready(task, now);
      if (batch.length === 0) return { done, failed };
      const ok: string[] = [];
      const errors: Array<{ id: string; error: string }> = [];
      for (const d of batch) {
        try {
          await task.act(this.ctx, d, now);
          ok.push(d.dataset_id);
        } catch (err) {
          errors.push({ id: d.dataset_id, error: message(err) });
          this.log(`${task.name} ${d.dataset_id}: ${message(err)}`);
        }
      }
      this.ctx.checkpoint(`${task.name}:acted`);
      await this.db.tx(async (c) => {
        await task.update(c, ok, now);
        for (const e of errors) {
          await exec(c, 'INSERT INTO task_errors VALUES ($1, $2, $3, $4, 1) ON CONFLICT (task, dataset_id) DO UPDATE SET error = excluded.error, time = excluded.time, attempts = task_errors.attempts + 1', [task.name, e.id, e.error, now]);
          await appendEvents(c, [e.id], now, `${task.name} failed`, e.error);
        }
      });
      this.ctx.checkpoint(`${task.name}:committed`);
      done += ok.length;
      failed += errors.length;
    }
  }

  /** One pass over every task that is not paused, in lifecycle order, at one clock reading. */
  async runOnce(now = this.now()): Promise<PassSummary> {
    const paused = await this.pausedTasks();
    const out = {} as PassSummary;
    for (const task of TASKS) {
      if (paused.has(task.name)) {
        out[task.name] = { done: 0, failed: 0, paused: true };
        continue;
      }
      out[task.name] = { ...(await this.runTask(task, now)), paused: false };
      if (out[task.name].done + out[task.name].failed > 0) this.log(`${task.name}: ${out[task.name].done} done, ${out[task.name].failed} failed`);
    }
    return out;
  }

  /** Passes until one does nothing (at most `maxPasses`); returns the totals. */
  async runUntilIdle(maxPasses = 50, now?: number): Promise<PassSummary> {
    const total = Object.fromEntries(TASK_NAMES.map((n) => [n, { done: 0, failed: 0, paused: false }])) as PassSummary;
    for (let i = 0; i < maxPasses; i++) {
      const pass = await this.runOnce(now ?? this.now());
      let any = false;
      for (const n of TASK_NAMES) {
        total[n].done += pass[n].done;
        total[n].failed += pass[n].failed;
        total[n].paused = pass[n].paused;
        any ||= pass[n].done + pass[n].failed > 0;
      }
      if (!any) break;
    }
    return total;
  }

  /**
   * Runs the intake graph (source -> prompt-output-parse -> publication-state)
   * until the source ends (a directory, or Kafka with untilCaughtUp) or `signal` aborts.
   */
  async ingest(source: IntakeSource, options: Pick<RunOptions, 'signal' | 'onProgress' | 'progressIntervalMs' | 'commitIntervalMs' | 'handleSignals'> = {}): Promise<IngestResult> {
    const src = source.kind === 'files' ? { ...source, checkpoint: source.checkpoint ?? join(this.root, 'intake-offsets.json') } : source;
    const spec = intakeGraph(src, this.db.handle.path, join(this.root, 'dead-letters.jsonl'));
    const sink = await createPublicationStateSink({ path: this.db.handle.path }, this.db, this.now, () => this.ctx.checkpoint('intake:inserted'));
    const result = await runGraph(spec, { threads: 0, sinks: { 'state-db': sink }, ...options }).done;
    return { ...sink.totals(), deadLetters: result.metrics.deadLetters, metrics: result.metrics };
  }

  status(): Promise<StatusCounts> {
    return statusCounts(this);
  }

  /** A dataset's row, history and open task failures (undefined when unknown). */
  async datasetInfo(id: string): Promise<{ row: DatasetRow; history: EventRow[]; errors: Array<{ task: string; error: string; time: number; attempts: number }>; collections: string[] } | undefined> {
    const row = await this.db.dataset(id.toLowerCase());
    if (!row) return undefined;
    const history = await this.db.history(row.dataset_id);
    const errors = await this.db.read<{ task: string; error: string; time: number; attempts: number }>('SELECT task, error, time, attempts FROM task_errors WHERE dataset_id = $1 ORDER BY task', [row.dataset_id]);
    const collections = (await this.db.read<{ collection: string }>('SELECT collection FROM collection_members WHERE dataset_id = $1 ORDER BY collection', [row.dataset_id])).map((r) => r.collection);
    return { row, history, errors, collections };
  }

  /** Pauses (or resumes) a task: the loop skips paused tasks. */
  async setPaused(task: string, paused: boolean): Promise<void> {
    const t = taskNamed(task);
    const now = this.now();
    await this.db.tx(async (c) => {
      await exec(c, 'INSERT INTO task_control VALUES ($1, $2, $3) ON CONFLICT (task) DO UPDATE SET paused = excluded.paused, changed_time = excluded.changed_time', [t.name, paused, now]);
      await PublicationDb.logAdmin(c, now, paused ? 'pause' : 'resume', t.name);
    });
    this.log(`${paused ? 'paused' : 'resumed'} task ${t.name}`);
  }

  /**
   * Asks for a dataset to expire on the next pass, whatever the policy says
   * (an unpublished one expires as soon as it is published).
   */
  async forceExpire(id: string): Promise<void> {
    const row = await this.db.dataset(id.toLowerCase());
    if (!row) throw new AlertflowError('ERR_PUBLICATION', `no dataset ${id}`, { dataset_id: id });
    if (row.public_status === 'EXPIRED') throw new AlertflowError('ERR_PUBLICATION', `dataset ${id} has already expired`, { dataset_id: id });
    const now = this.now();
    await this.db.tx(async (c) => {
      await exec(c, 'UPDATE datasets SET expire_requested = true WHERE dataset_id = $1', [row.dataset_id]);
      await appendEvents(c, [row.dataset_id], now, 'force-expire requested', 'admin');
      await PublicationDb.logAdmin(c, now, 'force-expire', row.dataset_id);
    });
    this.log(`force-expire requested for ${row.dataset_id}`);
  }

  /**
   * Clears recorded task failures so the next pass tries again: of one
   * dataset (all tasks or one), or of one task (all datasets). Returns how many were cleared.
   */
  async retry(target: { datasetId?: string; task?: string }): Promise<number> {
    if (!target.datasetId && !target.task) throw new AlertflowError('ERR_PUBLICATION', 'retry needs a dataset id or a task');
    const task = target.task ? taskNamed(target.task).name : undefined;
    const id = target.datasetId?.toLowerCase();
    const now = this.now();
    const conds = [...(id ? ['dataset_id = $1'] : []), ...(task ? [`task = $${id ? 2 : 1}`] : [])].join(' AND ');
    const params = [...(id ? [id] : []), ...(task ? [task] : [])];
    return this.db.tx(async (c) => {
      const cleared = await rows<{ dataset_id: string; task: string }>(c, `DELETE FROM task_errors WHERE ${conds} RETURNING dataset_id, task`, params);
      for (const r of cleared) await appendEvents(c, [r.dataset_id], now, 'retry', `admin cleared the ${r.task} failure`);
      await PublicationDb.logAdmin(c, now, 'retry', [id, task].filter(Boolean).join(' '));
      this.log(`retry ${[id, task].filter(Boolean).join(' ')}: ${cleared.length} failure(s) cleared`);
      return cleared.length;
    });
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

