/**
 * Status counts of the publication service: datasets per repository and
 * status, per task how many are ready / failed and whether it is paused,
 * collection sizes, recent failures and admin actions.
 */
import { REPOSITORIES, type RepositoryName } from './state-db.js';
import { TASKS, readySql, type TaskName } from './tasks.js';
import type { PublicationService } from './service.js';

/** What the web page and `alertflow publication status` show. */
export interface StatusCounts {
  /** The clock reading the counts were taken at (ISO). */
  now: string;
  datasets: number;
  /** Repository -> status (PRESENT, DELETED, EXPIRED, or `none` while never there) -> datasets. */
  byRepository: Record<RepositoryName, Record<string, number>>;
  tasks: Array<{ name: TaskName; title: string; ready: number; failed: number; paused: boolean }>;
  collections: Record<string, number>;
  recentErrors: Array<{ task: string; dataset_id: string; error: string; attempts: number }>;
  recentAdmin: Array<{ time: string; action: string; target: string | null }>;
}

/** Every status value shown, in order. */
export const STATUS_VALUES = ['none', 'PRESENT', 'DELETED', 'EXPIRED'] as const;

/**
 * Reads the counts.
 *
 * @example
 * const s = await statusCounts(pps); s.byRepository.public.PRESENT
 */
export async function statusCounts(pps: PublicationService): Promise<StatusCounts> {
  const now = pps.now();
  const total = Number((await pps.db.read<{ n: bigint }>('SELECT count(*) AS n FROM datasets'))[0].n);
  const byRepository = {} as StatusCounts['byRepository'];
  for (const repo of REPOSITORIES) {
    const got = await pps.db.read<{ s: string | null; n: bigint }>(`SELECT ${repo}_status AS s, count(*) AS n FROM datasets GROUP BY 1`);
    byRepository[repo] = Object.fromEntries(STATUS_VALUES.map((v) => [v, 0]));
    for (const r of got) byRepository[repo][r.s ?? 'none'] = Number(r.n);
  }
  const paused = await pps.pausedTasks();
  const failures = await pps.db.read<{ task: string; n: bigint }>('SELECT task, count(*) AS n FROM task_errors GROUP BY task');
  const tasks: StatusCounts['tasks'] = [];
  for (const t of TASKS) {
    const { sql, params } = readySql(t, pps.policy, now, 1);
    const ready = Number((await pps.db.read<{ n: bigint }>(`SELECT count(*) AS n FROM datasets WHERE ${sql}`, params))[0].n);
    tasks.push({ name: t.name, title: t.title, ready, failed: Number(failures.find((f) => f.task === t.name)?.n ?? 0n), paused: paused.has(t.name) });
  }
  const collections = Object.fromEntries((await pps.db.read<{ collection: string; n: bigint }>('SELECT collection, count(*) AS n FROM collection_members GROUP BY 1 ORDER BY 1')).map((r) => [r.collection, Number(r.n)]));
  const recentErrors = (await pps.db.read<{ task: string; dataset_id: string; error: string; attempts: number }>('SELECT task, dataset_id, error, attempts FROM task_errors ORDER BY time DESC, task, dataset_id LIMIT 20')).map((r) => ({ ...r, attempts: Number(r.attempts) }));
  const recentAdmin = (await pps.db.read<{ time: number; action: string; target: string | null }>('SELECT time, action, target FROM admin_log ORDER BY seq DESC LIMIT 10')).map((r) => ({ time: new Date(r.time).toISOString(), action: r.action, target: r.target }));
  return { now: new Date(now).toISOString(), datasets: total, byRepository, tasks, collections, recentErrors, recentAdmin };
}
