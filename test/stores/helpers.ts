/** Simulated Rubin visits for the store tests. */
import { simulateNight, type LsstAlert } from '../../src/simulator/index.js';
import type { CandidateBatch } from '../../src/stores/duckdb/candidate-store.js';

/** One visit's alerts as a candidate batch, plus what it holds. */
export interface SimVisit {
  visit: bigint;
  mjd: number;
  alerts: LsstAlert[];
  batch: CandidateBatch;
}

const nights = new Map<string, LsstAlert[]>();

/** A seeded night's alerts (tiny cutouts, memoised: the simulator's stamps dominate test time). */
export function simulatedAlerts(alerts: number, seed = 5, visits?: number): LsstAlert[] {
  const key = `${alerts}/${seed}/${visits ?? ''}`;
  let out = nights.get(key);
  if (!out) nights.set(key, (out = [...simulateNight({ alerts, seed, cutoutSize: 4, ...(visits ? { visits } : {}) })].map((s) => s.alert)));
  return out;
}

/** A seeded night, grouped by visit (visit order), each visit's batch holding only that visit's own rows. */
export function simulatedVisits(alerts: number, seed = 5, visits?: number): SimVisit[] {
  const out = new Map<bigint, SimVisit>();
  for (const alert of simulatedAlerts(alerts, seed, visits)) {
    const v = alert.diaSource.visit;
    let sv = out.get(v);
    if (!sv) out.set(v, (sv = { visit: v, mjd: alert.diaSource.midpointMjdTai, alerts: [], batch: { diaSources: [], diaObjects: [], ssSources: [], diaForcedSources: [] } }));
    sv.alerts.push(alert);
    (sv.batch.diaSources as unknown[]).push(alert.diaSource);
    if (alert.diaObject) (sv.batch.diaObjects as unknown[]).push(alert.diaObject);
    if (alert.ssSource) (sv.batch.ssSources as unknown[]).push(alert.ssSource);
  }
  return [...out.values()];
}
