/**
 * `alertflow associate`: associates DiaSources from a CSV file with DiaObjects
 * from another (and optionally solar-system ephemerides) and writes one row
 * per source. Sources form one visit, or one visit per value of a `visit`
 * column when the file has one (visits applied in ascending visit order, so
 * objects created in one visit are matched in later ones).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { AlertflowError, isAlertflowError } from '../../errors.js';
import { associateVisit } from '../../association/associate-visit.js';
import { csvLine, readCsvGridFile } from '../../io/csv.js';

type CsvTable = ReturnType<typeof readCsvGridFile>;
import { InMemoryDiaObjectStore } from '../../association/memory-store.js';
import { toId, type AssociationMatch, type DiaObjectRecord, type DiaSourceRecord, type Ephemeris } from '../../association/types.js';

/**
 * Inputs of {@link associateCsv}: file paths and the radius.
 *
 * @example
 * const o: AssociateCsvOptions = { objects: 'obj.csv', sources: 'src.csv', out: 'out.csv', radiusArcsec: 1 };
 */
export interface AssociateCsvOptions {
  objects: string;
  sources: string;
  ephemerides?: string;
  radiusArcsec?: number;
  out: string;
}

/** Numeric DiaSource columns read when present (others are ignored). */
const NUMERIC_SOURCE_COLUMNS = ['midpointMjdTai', 'psfFlux', 'psfFluxErr', 'scienceFlux', 'scienceFluxErr', 'raErr', 'decErr', 'ra_dec_Cov'];
const OUT_HEADER = ['diaSourceId', 'diaObjectId', 'ssObjectId', 'separationArcsec', 'isNew'];

/**
 * Runs association over CSV files and writes OUT (via a `.partial` file, renamed when complete).
 *
 * @example
 * const summary = await associateCsv({ objects: 'obj.csv', sources: 'src.csv', out: 'out.csv' });
 * summary.newObjects // sources that started a DiaObject
 */
export async function associateCsv(o: AssociateCsvOptions): Promise<{ sources: number; visits: number; matchedObjects: number; matchedSso: number; newObjects: number; out: string }> {
  const objects = readTable(o.objects, ['diaObjectId', 'ra', 'dec']);
  const sources = readTable(o.sources, ['diaSourceId', 'ra', 'dec']);
  const eph = o.ephemerides ? readTable(o.ephemerides, ['ssObjectId', 'ra', 'dec']) : undefined;

  const store = new InMemoryDiaObjectStore(
    objects.table.rows.map((r, k): DiaObjectRecord => ({ diaObjectId: id(objects, r, k, 'diaObjectId'), ra: num(objects, r, k, 'ra')!, dec: num(objects, r, k, 'dec')! })),
  );
  const srcVisit = sources.col.get('visit');
  const groups = new Map<string, { visit: bigint; rows: number[] }>();
  sources.table.rows.forEach((r, k) => {
    const v = srcVisit === undefined ? 0n : id(sources, r, k, 'visit');
    const key = v.toString();
    const g = groups.get(key) ?? { visit: v, rows: [] };
    g.rows.push(k);
    groups.set(key, g);
  });
  const ephByVisit = new Map<string, Ephemeris[]>();
  eph?.table.rows.forEach((r, k) => {
    // Ephemerides without a visit column apply to every visit.
    const key = eph.col.has('visit') ? id(eph, r, k, 'visit').toString() : '*';
    const list = ephByVisit.get(key) ?? [];
    list.push({ ssObjectId: id(eph, r, k, 'ssObjectId'), ra: num(eph, r, k, 'ra')!, dec: num(eph, r, k, 'dec')!, radiusArcsec: eph.col.has('radius') ? num(eph, r, k, 'radius') : null });
    ephByVisit.set(key, list);
  });

  const matches: AssociationMatch[] = new Array(sources.table.rows.length);
  const ordered = [...groups.values()].sort((a, b) => (a.visit < b.visit ? -1 : a.visit > b.visit ? 1 : 0));
  for (const g of ordered) {
    const diaSources = g.rows.map((k) => sourceRecord(sources, k));
    const times = diaSources.map((s) => s.midpointMjdTai).filter((t): t is number => typeof t === 'number');
    const ephemerides = ephByVisit.get(g.visit.toString()) ?? ephByVisit.get('*') ?? [];
    const result = await associateVisit(store, { visit: g.visit, midpointMjdTai: times.length ? Math.min(...times) : null, diaSources, ephemerides }, { radiusArcsec: o.radiusArcsec ?? 1 });
    result.matches.forEach((m, i) => (matches[g.rows[i]] = m));
  }

  const out = resolve(o.out);
  const rows = matches.map((m) => [m.diaSourceId.toString(), m.diaObjectId?.toString() ?? '', m.ssObjectId?.toString() ?? '', m.separationArcsec === null ? '' : String(m.separationArcsec), m.isNew ? 'true' : 'false']);
  writeFileSync(`${out}.partial`, [OUT_HEADER, ...rows].map((r) => csvLine(r)).join(''));
  renameSync(`${out}.partial`, out);
  return {
    sources: matches.length,
    visits: groups.size,
    matchedObjects: matches.filter((m) => m.diaObjectId !== null && !m.isNew).length,
    matchedSso: matches.filter((m) => m.ssObjectId !== null).length,
    newObjects: matches.filter((m) => m.isNew).length,
    out,
  };
}

interface Table {
  path: string;
  table: CsvTable;
  col: Map<string, number>;
}

function readTable(path: string, required: string[]): Table {
  const table = readCsvGridFile(path, required, 'ERR_CLI_USAGE');
  return { path, table, col: new Map(table.header.map((h, i) => [h, i])) };
}

function cell(t: Table, row: string[], name: string): string {
  return (row[t.col.get(name)!] ?? '').trim();
}

function id(t: Table, row: string[], k: number, name: string): bigint {
  try {
    return toId(cell(t, row, name), name);
  } catch (err) {
    throw new AlertflowError('ERR_IO', `${t.path}: data row ${k + 1}: ${(err as Error).message}`, { path: t.path, row: k + 1 }, { cause: err });
  }
}

function num(t: Table, row: string[], k: number, name: string): number | null {
  const s = cell(t, row, name);
  if (s === '') return null;
  const v = Number(s);
  if (!Number.isFinite(v)) throw new AlertflowError('ERR_IO', `${t.path}: data row ${k + 1}: ${name} is not a finite number (${s})`, { path: t.path, row: k + 1 });
  return v;
}

function sourceRecord(t: Table, k: number): DiaSourceRecord {
  const r = t.table.rows[k];
  const rec: DiaSourceRecord = { diaSourceId: id(t, r, k, 'diaSourceId'), ra: num(t, r, k, 'ra') ?? NaN, dec: num(t, r, k, 'dec') ?? NaN };
  for (const c of NUMERIC_SOURCE_COLUMNS) if (t.col.has(c)) rec[c] = num(t, r, k, c);
  if (t.col.has('band')) rec.band = cell(t, r, 'band') || null;
  return rec;
}

/**
 * Registers `alertflow associate`.
 *
 * @example
 * registerAssociateCommand(program); // alertflow associate --objects o.csv --sources s.csv --out m.csv
 */
export function registerAssociateCommand(program: Command): void {
  program
    .command('associate')
    .description('Associate DiaSources with DiaObjects (nearest within a radius, one source per object per visit), else solar-system objects, else new DiaObjects')
    .requiredOption('--objects <file>', 'DiaObjects CSV: diaObjectId,ra,dec (degrees)')
    .requiredOption('--sources <file>', 'DiaSources CSV: diaSourceId,ra,dec [,visit,midpointMjdTai,band,psfFlux,psfFluxErr]')
    .option('--ephemerides <file>', 'solar-system predictions CSV: ssObjectId,ra,dec [,radius (arcsec)] [,visit]')
    .option('--radius <arcsec>', 'DiaObject match radius in arcsec (also the default ephemeris radius)', '1')
    .requiredOption('--out <file>', 'output CSV: diaSourceId,diaObjectId,ssObjectId,separationArcsec,isNew')
    .addHelpText(
      'after',
      `
All sources form one visit unless SRC has a "visit" column (then visits run in ascending order).
Each source gets exactly one of: an existing diaObjectId (isNew=false), an ssObjectId, or a fresh
diaObjectId (isNew=true) above every id in OBJ. Conflicts (two sources near one object) go to the
closest source; the other falls back to its next-nearest object, then an ephemeris, then a new object.
Ids are 64-bit integers, read and written as exact decimal strings; empty cell = no id.`,
    )
    .action(async (o: Record<string, string | undefined>) => {
      const radius = Number(o.radius);
      if (!Number.isFinite(radius) || radius <= 0) throw new AlertflowError('ERR_CLI_USAGE', `--radius must be a positive number of arcsec (got ${o.radius})`);
      try {
        const s = await associateCsv({ objects: o.objects!, sources: o.sources!, ephemerides: o.ephemerides, radiusArcsec: radius, out: o.out! });
        process.stderr.write(`associate: ${s.sources} sources in ${s.visits} visit(s): ${s.matchedObjects} matched DiaObjects, ${s.matchedSso} solar-system, ${s.newObjects} new → ${s.out}\n`);
      } catch (err) {
        if (isAlertflowError(err)) throw err;
        throw new AlertflowError('ERR_IO', (err as Error).message, {}, { cause: err });
      }
    });
}
