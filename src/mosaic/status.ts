/**
 * Monitoring counts (seed 004): MS in staging, MS per stage and status,
 * group formation, calibration success rate, mosaics done.
 */
import type { ProductsDb } from './products-db.js';

/** What the status page and `check-groups --json` show. */
export interface StatusCounts {
  msInStaging: number;
  msByStage: Record<string, number>;
  msFailed: number;
  groupsFormed: number;
  groupsByStatus: Record<string, number>;
  /** Groups whose calibration was attempted, and how many succeeded. */
  calibrationAttempted: number;
  calibrationSucceeded: number;
  /** succeeded / attempted, or null before any attempt. */
  calibrationSuccessRate: number | null;
  mosaicsDone: number;
  recentGroups: Array<{ group_id: string; status: string; error: string | null }>;
  activeCalTables: number;
  retiredCalTables: number;
}

/**
 * Reads the counts from the database.
 *
 * @example
 * const s = await statusCounts(db); s.mosaicsDone
 */
export async function statusCounts(db: ProductsDb): Promise<StatusCounts> {
  const ms = await db.allMs();
  const groups = await db.groups();
  const tables = await db.read<{ status: string; n: bigint }>('SELECT status, count(*) AS n FROM cal_registry GROUP BY status');
  const by = <T>(xs: T[], key: (x: T) => string): Record<string, number> => xs.reduce<Record<string, number>>((acc, x) => ((acc[key(x)] = (acc[key(x)] ?? 0) + 1), acc), {});
  const attempted = groups.filter((g) => g.status !== 'pending').length;
  const failedCal = groups.filter((g) => g.status === 'calibration_failed').length;
  const n = (status: string): number => Number(tables.find((t) => t.status === status)?.n ?? 0n);
  return {
    msInStaging: ms.filter((r) => r.stage === 'staging' && r.status === 'pending').length,
    msByStage: by(ms.filter((r) => r.status !== 'failed' || r.stage !== 'staging'), (r) => r.stage),
    msFailed: ms.filter((r) => r.status === 'failed').length,
    groupsFormed: groups.length,
    groupsByStatus: by(groups, (g) => g.status),
    calibrationAttempted: attempted,
    calibrationSucceeded: attempted - failedCal,
    calibrationSuccessRate: attempted === 0 ? null : (attempted - failedCal) / attempted,
    mosaicsDone: groups.filter((g) => g.status === 'completed').length,
    recentGroups: groups.slice(-8).reverse().map((g) => ({ group_id: g.group_id, status: g.status, error: g.error })),
    activeCalTables: n('active'),
    retiredCalTables: n('retired'),
  };
}
