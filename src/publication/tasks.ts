/**
 * The publication tasks (seed 003 lifecycle steps 7-13), each as
 * query -> act -> update:
 *
 * 1. query the state database for datasets ready for the task (policies apply here);
 * 2. act on the repositories (copy, tag, delete: all idempotent);
 * 3. record completion in one transaction (status columns, history, collections).
 *
 * Nothing is written before the work is done, so there is no in-progress
 * state: after a crash the same rows are selected again and the acts redone,
 * which changes nothing that was already done.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { AlertflowError } from '../errors.js';
import { expirySql, unembargoTime, type PublicationPolicy } from './policy.js';
import type { DatasetMetadata, Repositories } from './repository.js';
import { appendEvents, exec, idList, type DatasetRow } from './state-db.js';

/** TAGGED collection of published datasets whose files are available. */
export const AVAILABLE = 'Prompt/Outputs/Available';
/** TAGGED collection of datasets that were published and have expired (the record is kept). */
export const EXPIRED = 'Prompt/Outputs/Expired';

/** What a task needs. */
export interface TaskContext {
  repos: Repositories;
  policy: PublicationPolicy;
  /** Called after every repository operation and every transaction (crash tests kill the process here). */
  checkpoint(label: string): void;
}

/** One task. */
export interface PublicationTask {
  name: TaskName;
  /** Lifecycle step of seed 003 that this task is. */
  title: string;
  /** Status precondition (SQL over `datasets`); the update is guarded by it too. */
  pre: string;
  /** Extra, time-dependent readiness (policies), with parameters numbered from `first`. */
  when?(policy: PublicationPolicy, now: number, first: number): { sql: string; params: DuckDBValue[] };
  act(ctx: TaskContext, d: DatasetRow, now: number): Promise<void>;
  /** Records completion for `ids` (inside a transaction). */
  update(conn: DuckDBConnection, ids: string[], now: number): Promise<void>;
}

export const TASK_NAMES = ['unembargo', 'copy-to-main', 'delete-embargo', 'publish', 'expire', 'delete-main', 'delete-prep'] as const;
export type TaskName = (typeof TASK_NAMES)[number];

const filesOf = (d: DatasetRow): string[] => JSON.parse(d.files) as string[];
const iso = (ms: number): string => new Date(ms).toISOString();

async function metadataFrom(ctx: TaskContext, repo: keyof Repositories, d: DatasetRow): Promise<DatasetMetadata> {
  const meta = await ctx.repos[repo].readMetadata(d.dataset_id);
  if (!meta) throw new AlertflowError('ERR_PUBLICATION', `${repo} has no metadata for dataset ${d.dataset_id}`, { repository: repo, dataset_id: d.dataset_id });
  return meta;
}

/** Removes a dataset's files, then its metadata, from one repository (both idempotent). */
async function removeDataset(ctx: TaskContext, repo: keyof Repositories, d: DatasetRow, label: string): Promise<void> {
  for (const f of filesOf(d)) {
    await ctx.repos[repo].remove(f);
    ctx.checkpoint(`${label}:file`);
  }
  await ctx.repos[repo].removeMetadata(d.dataset_id);
  ctx.checkpoint(`${label}:metadata`);
}

/** Sets status columns (guarded by the task's precondition) and appends the history event. */
async function setStatus(conn: DuckDBConnection, task: PublicationTask, ids: string[], now: number, set: string, detail: string): Promise<void> {
  if (ids.length === 0) return;
  await appendEvents(conn, ids, now, task.name, detail, task.pre, false);
  await exec(conn, `UPDATE datasets SET ${set}, n_events = n_events + 1 WHERE dataset_id IN (SELECT unnest($1::VARCHAR[])) AND (${task.pre})`, set.includes('$2') ? [idList(ids), now] : [idList(ids)]);
}

const unembargo: PublicationTask = {
  name: 'unembargo',
  title: '7. unembargo files and metadata: embargo -> prompt_prep',
  pre: "embargo_status = 'PRESENT' AND prompt_prep_status IS NULL",
  when: (p, now, first) => ({ sql: `exposure_time <= $${first}`, params: [now - unembargoTime(p, 0)] }),
  async act(ctx, d) {
    for (const f of filesOf(d)) {
      await ctx.repos.prompt_prep.copyFrom(ctx.repos.embargo, f);
      ctx.checkpoint('unembargo:file');
    }
    await ctx.repos.prompt_prep.writeMetadata(d.dataset_id, await metadataFrom(ctx, 'embargo', d));
    ctx.checkpoint('unembargo:metadata');
  },
  update(conn, ids, now) {
    return setStatus(conn, this, ids, now, "prompt_prep_status = 'PRESENT'", 'prompt_prep PRESENT');
  },
};

const copyToMain: PublicationTask = {
  name: 'copy-to-main',
  title: '8. copy metadata embargo -> repo_main (files shared with prompt_prep)',
  pre: "embargo_status = 'PRESENT' AND prompt_prep_status = 'PRESENT' AND repo_main_status IS NULL",
  async act(ctx, d) {
    const meta = await metadataFrom(ctx, 'embargo', d);
    await ctx.repos.repo_main.writeMetadata(d.dataset_id, { ...meta, datastore: 'prompt_prep' });
    ctx.checkpoint('copy-to-main:metadata');
  },
  update(conn, ids, now) {
    return setStatus(conn, this, ids, now, "repo_main_status = 'PRESENT'", 'repo_main PRESENT');
  },
};

const deleteEmbargo: PublicationTask = {
  name: 'delete-embargo',
  title: '9. delete files (and metadata) from embargo',
  pre: "embargo_status = 'PRESENT' AND prompt_prep_status = 'PRESENT' AND repo_main_status = 'PRESENT'",
  act(ctx, d) {
    return removeDataset(ctx, 'embargo', d, 'delete-embargo');
  },
  update(conn, ids, now) {
    return setStatus(conn, this, ids, now, "embargo_status = 'DELETED'", 'embargo DELETED');
  },
};

const publish: PublicationTask = {
  name: 'publish',
  title: '10. publish: copy metadata prompt_prep -> public, tag Prompt/Outputs/Available',
  pre: "embargo_status = 'DELETED' AND prompt_prep_status = 'PRESENT' AND public_status IS NULL",
  async act(ctx, d, now) {
    const meta = await metadataFrom(ctx, 'prompt_prep', d);
    await ctx.repos.public.writeMetadata(d.dataset_id, { ...meta, datastore: 'prompt_prep', publication_time: iso(now), collection: AVAILABLE });
    ctx.checkpoint('publish:metadata');
    await ctx.repos.public.tag(AVAILABLE, d.dataset_id);
    ctx.checkpoint('publish:tag');
  },
  async update(conn, ids, now) {
    await exec(conn, `INSERT INTO collection_members SELECT $2, dataset_id, $3 FROM datasets WHERE dataset_id IN (SELECT unnest($1::VARCHAR[])) AND (${this.pre}) ON CONFLICT DO NOTHING`, [idList(ids), AVAILABLE, now]);
    await setStatus(conn, this, ids, now, "public_status = 'PRESENT', publication_time = $2", `public PRESENT, in ${AVAILABLE}`);
  },
};

const expire: PublicationTask = {
  name: 'expire',
  title: '11. expire (unpublish): Available -> Expired, record kept',
  pre: "public_status = 'PRESENT'",
  when(p, now, first) {
    const policy = expirySql(p, now, first);
    return { sql: `(expire_requested OR ${policy.sql})`, params: policy.params };
  },
  async act(ctx, d, now) {
    await ctx.repos.public.tag(EXPIRED, d.dataset_id);
    ctx.checkpoint('expire:tag');
    const meta = (await ctx.repos.public.readMetadata(d.dataset_id)) ?? (await metadataFrom(ctx, 'prompt_prep', d));
    await ctx.repos.public.writeMetadata(d.dataset_id, { ...meta, collection: EXPIRED, expiry_time: iso(now) });
    ctx.checkpoint('expire:metadata');
    await ctx.repos.public.untag(AVAILABLE, d.dataset_id);
    ctx.checkpoint('expire:untag');
  },
  async update(conn, ids, now) {
    const where = `dataset_id IN (SELECT unnest($1::VARCHAR[])) AND (${this.pre})`;
    await exec(conn, `INSERT INTO collection_members SELECT $2, dataset_id, $3 FROM datasets WHERE ${where} ON CONFLICT DO NOTHING`, [idList(ids), EXPIRED, now]);
    await exec(conn, `DELETE FROM collection_members WHERE collection = $2 AND dataset_id IN (SELECT dataset_id FROM datasets WHERE ${where})`, [idList(ids), AVAILABLE]);
    await setStatus(conn, this, ids, now, "public_status = 'EXPIRED', expiry_time = $2", `public EXPIRED, moved to ${EXPIRED}`);
  },
};

const deleteMain: PublicationTask = {
  name: 'delete-main',
  title: '13. delete from repo_main (before prompt_prep, so repo_main never points at deleted files)',
  pre: "public_status = 'EXPIRED' AND repo_main_status = 'PRESENT'",
  async act(ctx, d) {
    await ctx.repos.repo_main.removeMetadata(d.dataset_id);
    ctx.checkpoint('delete-main:metadata');
  },
  update(conn, ids, now) {
    return setStatus(conn, this, ids, now, "repo_main_status = 'DELETED'", 'repo_main DELETED');
  },
};

const deletePrep: PublicationTask = {
  name: 'delete-prep',
  title: '12. delete files from prompt_prep',
  pre: "public_status = 'EXPIRED' AND repo_main_status = 'DELETED' AND prompt_prep_status = 'PRESENT'",
  act(ctx, d) {
    return removeDataset(ctx, 'prompt_prep', d, 'delete-prep');
  },
  update(conn, ids, now) {
    return setStatus(conn, this, ids, now, "prompt_prep_status = 'DELETED'", 'prompt_prep DELETED');
  },
};

/** The tasks in the order one pass runs them. */
export const TASKS: readonly PublicationTask[] = [unembargo, copyToMain, deleteEmbargo, publish, expire, deleteMain, deletePrep];

/**
 * The task called `name` (ERR_PUBLICATION when there is none).
 *
 * @example
 * taskNamed('publish').pre
 */
export function taskNamed(name: string): PublicationTask {
  const t = TASKS.find((x) => x.name === name);
  if (!t) throw new AlertflowError('ERR_PUBLICATION', `no task "${name}" (tasks: ${TASK_NAMES.join(', ')})`, { task: name });
  return t;
}

/**
 * The readiness condition of a task at `now` (precondition, policies, and not
 * failed earlier), as SQL with parameters numbered from `first`.
 *
 * @example
 * const { sql, params } = readySql(taskNamed('expire'), policy, now, 1);
 */
export function readySql(task: PublicationTask, policy: PublicationPolicy, now: number, first: number): { sql: string; params: DuckDBValue[] } {
  const params: DuckDBValue[] = [task.name];
  let sql = `(${task.pre}) AND dataset_id NOT IN (SELECT dataset_id FROM task_errors WHERE task = $${first})`;
  if (task.when) {
    const w = task.when(policy, now, first + 1);
    sql += ` AND ${w.sql}`;
    params.push(...w.params);
  }
  return { sql, params };
}
