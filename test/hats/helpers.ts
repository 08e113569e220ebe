/** Shared helpers of the HATS tests: seeded inputs and a DuckDB-side catalog inspection. */
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { leafFiles, readCatalog } from '../../src/hats/catalog.js';
import { pixelInterval } from '../../src/hats/pixel.js';

export const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const sharedHats = resolve(repo, '../shared/data/hats-examples');
export const SKIP_SHARED = existsSync(sharedHats) ? false : `skipped: ${sharedHats} not found (a clone without ../shared)`;

/** What {@link makeInput} writes. */
export interface InputSpec {
  n: number;
  idStart?: number;
  ra?: [number, number];
  dec?: [number, number];
  format?: 'parquet' | 'csv';
  seed?: number;
}

/** Seeded rows (id, ra, dec, mag, band, mjd) as Parquet or CSV, positions from a hash of the id. */
export async function makeInput(path: string, s: InputSpec): Promise<string> {
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  const [ra0, ra1] = s.ra ?? [0, 360];
  const [d0, d1] = s.dec ?? [-90, 90];
  const seed = s.seed ?? 1;
  const u = (k: number) => `((hash(i, ${seed * 10 + k}) % 1000000007)::DOUBLE / 1000000007.0)`;
  // Uniform on the sphere within the band: sin(dec) uniform.
  const dec = `degrees(asin(sin(radians(${d0})) + ${u(2)} * (sin(radians(${d1})) - sin(radians(${d0})))))`;
  const sql = `SELECT i::BIGINT AS id, (${ra0} + ${u(1)} * ${ra1 - ra0})::DOUBLE AS ra, ${dec}::DOUBLE AS dec,
      (18 + 6 * ${u(3)})::DOUBLE AS mag, (['g','r','i'])[1 + (i % 3)::INTEGER] AS band, (60000 + i / 1000.0)::DOUBLE AS mjd
    FROM range(${s.idStart ?? 0}, ${(s.idStart ?? 0) + s.n}) r(i)`;
  const fmt = s.format === 'csv' ? 'FORMAT csv, HEADER true' : 'FORMAT parquet';
  await c.run(`COPY (${sql}) TO '${path}' (${fmt})`);
  c.closeSync();
  inst.closeSync();
  return path;
}

/** Facts about a catalog's leaf files, read with DuckDB. */
export interface CatalogFacts {
  rows: number;
  distinctIds: number;
  /** Rows whose `_healpix_29` lies outside their partition. */
  outside: number;
  /** Files not sorted by `_healpix_29`. */
  unsorted: number;
  files: number;
  firstColumn: string;
  partitions: number;
}

/** Reads every leaf of a catalog (via partition_info.csv) and checks rows against their partitions. */
export async function inspectCatalog(root: string): Promise<CatalogFacts> {
  const state = readCatalog(root);
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  let rows = 0;
  let outside = 0;
  let unsorted = 0;
  let files = 0;
  let firstColumn = '';
  const paths: string[] = [];
  for (const p of state.pixels) {
    const [lo, hi] = pixelInterval(p);
    for (const f of leafFiles(root, p, state.suffix)) {
      files++;
      const r = await c.runAndReadAll(
        `SELECT count(*)::DOUBLE AS n, count(*) FILTER (WHERE _healpix_29 < ${lo} OR _healpix_29 >= ${hi})::DOUBLE AS bad,
           count(*) FILTER (WHERE _healpix_29 < prev)::DOUBLE AS unsorted
         FROM (SELECT _healpix_29, lag(_healpix_29) OVER (ORDER BY file_row_number) AS prev FROM read_parquet('${f}', file_row_number = true, hive_partitioning = false))`,
      );
      const o = r.getRowObjectsJS()[0]!;
      rows += Number(o.n);
      outside += Number(o.bad);
      if (Number(o.unsorted) > 0) unsorted++;
      const d = await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${f}', hive_partitioning = false)`);
      firstColumn = String(d.getRowObjectsJS()[0]!.column_name);
      paths.push(f);
    }
  }
  const list = paths.map((f) => `'${f}'`).join(', ');
  const distinct = paths.length ? Number((await c.runAndReadAll(`SELECT count(DISTINCT id)::DOUBLE AS d FROM read_parquet([${list}], hive_partitioning = false)`)).getRowObjectsJS()[0]!.d) : 0;
  c.closeSync();
  inst.closeSync();
  return { rows, distinctIds: distinct, outside, unsorted, files, firstColumn, partitions: state.pixels.length };
}

/** Names next to a catalog that a writer leaves behind (staging, locks, journals, old copies). */
export function leftovers(root: string): string[] {
  const parent = resolve(root, '..');
  const base = root.replace(/\/+$/, '').split('/').pop()!;
  return readdirSync(parent).filter((n) => n.startsWith(`.${base}.hats-`));
}

/** Every path under `dir/dataset` (relative), for "old files untouched" checks. */
export function datasetFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(d, e.name), r);
      else out.push(r);
    }
  };
  walk(join(root, 'dataset'), '');
  return out.sort();
}
