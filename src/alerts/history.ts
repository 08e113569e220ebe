/**
 * Which earlier measurements go into an alert: Rubin alerts carry the last
 * twelve months of history (DMTN-102 / LSE-163), so older entries are left
 * out and so are entries not earlier than the alert's own diaSource.
 */
import { AlertflowError } from '../errors.js';

/** Days of history an alert carries by default (twelve months). @example DEFAULT_HISTORY_DAYS // 365 */
export const DEFAULT_HISTORY_DAYS = 365;

/**
 * Entries with `t − historyDays ≤ midpointMjdTai < t`, oldest first (a
 * stable sort, so equal times keep their input order). Entries whose id
 * (`idField`) equals `ownId` are left out: an alert's own diaSource is not
 * part of its history. `null`/`undefined` history stays `null`.
 * ERR_ALERT_INVALID (naming the entry) for an entry without a numeric
 * midpointMjdTai.
 *
 * @example
 * historyWindow(parts.prvDiaSources, 61000.1, 365, 'prvDiaSources', 'diaSourceId', ownId)
 */
export function historyWindow<T extends Record<string, unknown>>(
  entries: readonly T[] | null | undefined,
  t: number,
  historyDays: number,
  path: string,
  idField?: string,
  ownId?: unknown,
): T[] | null {
  if (entries === null || entries === undefined) return null;
  if (!Array.isArray(entries)) throw new AlertflowError('ERR_ALERT_INVALID', `${path}: must be an array or null`, { field: path });
  const start = t - historyDays;
  const own = typeof ownId === 'bigint' ? ownId : typeof ownId === 'number' && Number.isSafeInteger(ownId) ? BigInt(ownId) : undefined;
  const kept: { e: T; mjd: number }[] = [];
  entries.forEach((e, i) => {
    const mjd = e?.['midpointMjdTai'];
    if (typeof mjd !== 'number' || Number.isNaN(mjd)) {
      throw new AlertflowError('ERR_ALERT_INVALID', `${path}[${i}].midpointMjdTai: must be a number`, { field: `${path}[${i}].midpointMjdTai` });
    }
    if (mjd < start || mjd >= t) return;
    if (own !== undefined && idField !== undefined) {
      const id = e[idField];
      if ((typeof id === 'bigint' || (typeof id === 'number' && Number.isSafeInteger(id))) && BigInt(id) === own) return;
    }
    kept.push({ e, mjd });
  });
  kept.sort((a, b) => a.mjd - b.mjd);
  return kept.map((k) => k.e);
}
