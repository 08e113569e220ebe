/**
 * The demo's second half (the candidate database and its deliveries): the
 * night's reliable DiaSources are associated visit by visit into a DuckDB
 * candidate store, then exported as HATS catalogs — diaSource rows, and
 * diaObjects with nested light curves.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { associateVisit } from '../association/associate-visit.js';
import type { DiaSourceRecord, Ephemeris } from '../association/types.js';
import { DuckdbDiaObjectStore } from '../stores/duckdb/association-store.js';
import { openDuckdb } from '../stores/duckdb/connection.js';
import { exportLightcurves } from '../stores/duckdb/lightcurves.js';
import { tableNames } from '../stores/duckdb/schema.js';
import { exportHats } from '../hats/export.js';
import { Progress } from './progress.js';

export interface DemoCandidatesResult {
  database: string;
  visits: number;
  sources: number;
  newObjects: number;
  solarSystem: number;
  hatsSources: string;
  hatsObjects: string;
  objects: number;
}

/**
 * @example
 * await buildDemoCandidates(diaSources, 'demo-output', { quiet: false });
 */
export async function buildDemoCandidates(diaSources: DiaSourceRecord[], outDir: string, o: { quiet?: boolean } = {}): Promise<DemoCandidatesResult> {
  const database = join(outDir, 'alertflow.duckdb');
  for (const f of [database, `${database}.wal`]) rmSync(f, { force: true });
  const byVisit = new Map<bigint, DiaSourceRecord[]>();
  for (const s of diaSources) {
    const visit = (s as { visit?: bigint }).visit ?? 0n;
    const list = byVisit.get(visit) ?? [];
    list.push(s);
    byVisit.set(visit, list);
  }
  const visits = [...byVisit.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const store = await DuckdbDiaObjectStore.open(database);
  const progress = new Progress({ label: 'associate', total: visits.length, unit: 'visits', quiet: o.quiet === true });
  let newObjects = 0;
  let solarSystem = 0;
  try {
    for (const [k, visit] of visits.entries()) {
      const sources = byVisit.get(visit)!;
      // NightMOPS-style predictions: in the simulation the known asteroids' positions are exact.
      const ephemerides: Ephemeris[] = sources.flatMap((s) => {
        const ss = (s as { ssObjectId?: bigint | null }).ssObjectId;
        return ss ? [{ ssObjectId: ss, ra: s.ra, dec: s.dec, radiusArcsec: 1 }] : [];
      });
      const midpointMjdTai = Math.min(...sources.map((s) => s.midpointMjdTai ?? Infinity));
      const result = await associateVisit(store, { visit, midpointMjdTai, diaSources: sources, ephemerides }, { radiusArcsec: 1 });
      newObjects += result.matches.filter((m) => m.isNew).length;
      solarSystem += result.matches.filter((m) => m.ssObjectId !== null).length;
      progress.update(k + 1);
    }
  } finally {
    progress.stop();
    await store.close();
  }

  const names = tableNames();
  const lightcurves = join(outDir, 'diaObject-lightcurves.parquet');
  const db = await openDuckdb(database);
  let objects: number;
  try {
    objects = (await exportLightcurves(db, names, lightcurves)).rows;
  } finally {
    await db.close();
  }
  const hatsSources = join(outDir, 'hats', 'diaSource');
  const hatsObjects = join(outDir, 'hats', 'diaObject');
  await exportHats({ input: { kind: 'duckdb', path: database, table: names.diaSource }, ra: 'ra', dec: 'dec', out: hatsSources, catalogName: 'diaSource', catalogType: 'source', overwrite: true });
  await exportHats({ input: { kind: 'file', path: lightcurves }, ra: 'ra', dec: 'dec', out: hatsObjects, catalogName: 'diaObject', catalogType: 'object', overwrite: true });
  rmSync(lightcurves, { force: true });
  return { database, visits: visits.length, sources: diaSources.length, newObjects, solarSystem, hatsSources, hatsObjects, objects };
}
