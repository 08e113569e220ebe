/**
 * Graph sink `duckdb`: writes decoded Rubin alerts into the candidate store.
 * Each batch is one transaction holding the alerts' diaSources, their
 * prvDiaSources and prvDiaForcedSources (history), ssSources and diaObject
 * versions. Keyed by diaSourceId (forced sources by diaForcedSourceId,
 * objects by id and validityStartMjdTai), so a batch re-delivered after a
 * crash adds no rows; `write` resolves after COMMIT, which is the ack.
 */
import { AlertflowError } from '../../errors.js';
import type { DecodedAlert } from '../../formats/types.js';
import type { Sink, SinkRecord } from '../../runtime/types.js';
import { openCandidateStore, type CandidateBatch, type CandidateStore, type WriteCounts } from './candidate-store.js';

/**
 * Config of the `duckdb` sink (plain JSON).
 *
 * @example
 * const c: DuckdbSinkConfig = { path: 'out/l1.duckdb', table: 'rubin', history: true };
 */
export interface DuckdbSinkConfig {
  /** Database file (`:memory:` for tests). */
  path: string;
  /** Table-name prefix: `rubin` writes `rubin_diaSource`, `rubin_diaObject`, … (default none). */
  table?: string;
  /** Also store prvDiaSources and prvDiaForcedSources (default true). */
  history?: boolean;
  /** Create ART indexes on diaObjectId (default false). */
  indexes?: boolean;
}

type Rec = Record<string, unknown>;

/** Keeps the first record per key: alerts of one object in a batch repeat the same history. */
function pushUnique(out: Rec[], seen: Set<bigint>, rec: unknown, key: string): void {
  if (rec === null || typeof rec !== 'object') return;
  const id = (rec as Rec)[key] as bigint;
  if (seen.has(id)) return;
  seen.add(id);
  out.push(rec as Rec);
}

/**
 * The rows a batch of decoded alerts contributes to the candidate tables.
 *
 * @example
 * const batch = alertsToCandidates(records.map((r) => r.value), { history: true });
 */
export function alertsToCandidates(values: readonly unknown[], options: { history?: boolean } = {}): CandidateBatch {
  const diaSources: Rec[] = [];
  const diaForcedSources: Rec[] = [];
  const ssSources: Rec[] = [];
  const diaObjects: Rec[] = [];
  const seenSrc = new Set<bigint>();
  const seenForced = new Set<bigint>();
  const seenSs = new Set<bigint>();
  for (const value of values) {
    const decoded = value as Partial<DecodedAlert>;
    const alert = (decoded?.kind === 'alert' ? decoded.alert : value) as Rec | undefined;
    if (decoded?.kind === 'alert' && decoded.survey !== 'lsst') throw new AlertflowError('ERR_STORE', `duckdb sink stores Rubin (lsst) alerts, got ${decoded.survey} ${decoded.schema}`, { schema: decoded.schema });
    if (!alert || typeof alert !== 'object' || !alert.diaSource) throw new AlertflowError('ERR_STORE', 'duckdb sink needs decoded alerts with a diaSource', {});
    pushUnique(diaSources, seenSrc, alert.diaSource, 'diaSourceId');
    if (options.history !== false) {
      for (const s of (alert.prvDiaSources as Rec[] | null) ?? []) pushUnique(diaSources, seenSrc, s, 'diaSourceId');
      for (const f of (alert.prvDiaForcedSources as Rec[] | null) ?? []) pushUnique(diaForcedSources, seenForced, f, 'diaForcedSourceId');
    }
    pushUnique(ssSources, seenSs, alert.ssSource, 'diaSourceId');
    if (alert.diaObject) diaObjects.push(alert.diaObject as Rec);
  }
  return { diaSources, diaForcedSources, ssSources, diaObjects };
}

/**
 * Creates the sink (registered as step type `duckdb`).
 *
 * @example
 * const sink = await createDuckdbSink({ path: 'l1.duckdb' });
 * await sink.write(records); // SinkRecord<DecodedAlert>[]
 * await sink.close();
 */
export async function createDuckdbSink(config: Record<string, unknown> | DuckdbSinkConfig): Promise<Sink & { readonly store: CandidateStore; totals(): WriteCounts }> {
  const c = config as DuckdbSinkConfig;
  if (typeof c.path !== 'string' || c.path === '') throw new AlertflowError('ERR_STEP_CONFIG', 'duckdb sink needs "path" (a .duckdb file or :memory:)');
  if (c.table !== undefined && typeof c.table !== 'string') throw new AlertflowError('ERR_STEP_CONFIG', 'duckdb sink "table" must be a string (a table-name prefix)');
  let store: CandidateStore;
  try {
    store = await openCandidateStore(c.path, { prefix: c.table ?? '', indexes: c.indexes === true });
  } catch (err) {
    throw new AlertflowError('ERR_STEP_CONFIG', `duckdb sink: ${(err as Error).message}`, { path: c.path }, { cause: err });
  }
  const totals: WriteCounts = { diaObjects: 0, closedDiaObjects: 0, diaSources: 0, diaForcedSources: 0, ssSources: 0 };
  return {
    store,
    totals: () => ({ ...totals }),
    async write(batch: SinkRecord[]): Promise<void> {
      if (batch.length === 0) return;
      const counts = await store.write(alertsToCandidates(batch.map((r) => r.value), { history: c.history !== false }));
      for (const k of Object.keys(totals) as (keyof WriteCounts)[]) totals[k] += counts[k];
    },
    describe: () => `${store.db.path} (${store.names.diaSource}, ${store.names.diaObject}, …)`,
    close: () => store.close(),
  };
}
