/**
 * The Python stack judges our catalogs: hats strict validation, lsdb reading
 * the rows back, cdshealpix agreeing on every `_healpix_29`, and a re-export
 * of the hats fixture `small_sky_source` reproducing its partitions.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { PYTHON_ORACLE_MISSING, oracleScript, pythonOracle, runPython } from '../../src/testing/python.js';
import { appendHats, compactHats, exportHats } from '../../src/hats/index.js';
import { parseProperties } from '../../src/hats/properties.js';
import { SKIP_SHARED, makeInput, sharedHats } from './helpers.js';

const SKIP_PY = pythonOracle() ? false : PYTHON_ORACLE_MISSING;
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'alertflow-hats-oracle-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

type Check = Record<string, unknown>;

async function oracle(commands: string[][]): Promise<Check[]> {
  const r = await runPython(oracleScript('hats_check.py'), ['multi'], JSON.stringify(commands));
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Check[];
}

function assertValid(v: Check, label: string): void {
  assert.equal(v.error, undefined, `${label}: ${String(v.error)}`);
  assert.equal(v.valid, true, `${label}: not strictly valid (${JSON.stringify(v.warnings)})`);
  assert.equal(v.has_moc, true, `${label}: hats built no MOC from point_map.fits`);
}

function assertSameRows(c: Check, rows: number, label: string): void {
  assert.equal(c.error, undefined, `${label}: ${String(c.error)}`);
  assert.deepEqual(c.problems, [], label);
  assert.equal(c.rows, rows, label);
  assert.equal(c.healpix_mismatches, 0, `${label}: _healpix_29 differs from cdshealpix`);
}

/** Parquet of the union of several inputs (what lsdb must give back after an append). */
async function union(out: string, inputs: string[]): Promise<string> {
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  await c.run(`COPY (SELECT * FROM read_parquet([${inputs.map((f) => `'${f}'`).join(', ')}])) TO '${out}' (FORMAT parquet)`);
  c.closeSync();
  inst.closeSync();
  return out;
}

/** Positions that stress the index: poles, RA wrap, cell edges, the hats unit-test vector. */
async function edgeInput(path: string): Promise<string> {
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  const pts = [[5, 5], [0, 0], [360, 0], [-0.5, 10], [359.9999999, -10], [0, 90], [0, -90], [45, 41.810314895778596], [90, -41.810314895778596], [135, 0], [180, 19.47122063449069], [270, -19.47122063449069], [1e-12, 1e-12], [720.25, 3]];
  const values = pts.map(([ra, dec], i) => `(${1_000_000 + i}, ${ra}::DOUBLE, ${dec}::DOUBLE, 20.0::DOUBLE, 'g', 60000.0::DOUBLE)`).join(', ');
  await c.run(`COPY (SELECT * FROM (VALUES ${values}) v(id, ra, dec, mag, band, mjd)) TO '${path}' (FORMAT parquet)`);
  c.closeSync();
  inst.closeSync();
  return path;
}

test('our catalogs are strictly valid for hats, read back by lsdb row for row, with cdshealpix-identical _healpix_29 (export, append, compaction)', { skip: SKIP_PY, timeout: 600_000 }, async () => {
  const night1 = await union(join(dir, 'n1.parquet'), [await makeInput(join(dir, 'n1r.parquet'), { n: 40000 }), await edgeInput(join(dir, 'edges.parquet'))]);
  const night2 = await makeInput(join(dir, 'n2.parquet'), { n: 8000, idStart: 40000, ra: [150, 250], dec: [-80, 20], seed: 5 });
  const both = await union(join(dir, 'both.parquet'), [night1, night2]);
  const exported = join(dir, 'exported');
  const appended = join(dir, 'appended');
  const compacted = join(dir, 'compacted');
  await exportHats({ input: { kind: 'file', path: night1 }, ra: 'ra', dec: 'dec', out: exported, maxRows: 3000, catalogName: 'rapid_night_1' });
  await exportHats({ input: { kind: 'file', path: night1 }, ra: 'ra', dec: 'dec', out: appended, maxRows: 3000, strategy: 'drop-empty-siblings' });
  await appendHats({ input: { kind: 'file', path: night2 }, ra: 'ra', dec: 'dec', out: appended });
  await exportHats({ input: { kind: 'file', path: night1 }, ra: 'ra', dec: 'dec', out: compacted, maxRows: 20000 });
  await appendHats({ input: { kind: 'file', path: night2 }, ra: 'ra', dec: 'dec', out: compacted });
  await compactHats({ root: compacted, maxRows: 2000 });
  const n1 = 40014;
  const [v1, c1, v2, c2, v3, c3] = await oracle([
    ['validate', exported],
    ['compare', exported, night1, 'id', 'ra', 'dec'],
    ['validate', appended],
    ['compare', appended, both, 'id', 'ra', 'dec'],
    ['validate', compacted],
    ['compare', compacted, both, 'id', 'ra', 'dec'],
  ]);
  assertValid(v1!, 'export');
  assertSameRows(c1!, n1, 'export');
  assertValid(v2!, 'append');
  assertSameRows(c2!, n1 + 8000, 'append');
  assertValid(v3!, 'compaction');
  assertSameRows(c3!, n1 + 8000, 'compaction');
  assert.equal(v1!.nrows, n1);
  assert.equal(v2!.nrows, n1 + 8000);
});

test('re-exporting small_sky_source reproduces its partitions and _healpix_29 values', { skip: SKIP_PY || SKIP_SHARED, timeout: 300_000 }, async () => {
  const original = join(sharedHats, 'small_sky_source');
  const props = parseProperties(readFileSync(join(original, 'hats.properties'), 'utf8'));
  const input = join(dir, 'small_sky_source_rows.parquet');
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  await c.run(`COPY (SELECT * EXCLUDE (_healpix_29) FROM read_parquet('${original}/dataset/Norder=*/Dir=*/Npix=*.parquet', hive_partitioning = false)) TO '${input}' (FORMAT parquet)`);
  c.closeSync();
  inst.closeSync();
  const out = join(dir, 'small_sky_source');
  const r = await exportHats({
    input: { kind: 'file', path: input },
    ra: props.get('hats_col_ra')!,
    dec: props.get('hats_col_dec')!,
    out,
    catalogType: 'source',
    maxRows: Number(props.get('hats_max_rows')),
    mappingOrder: Number(props.get('hats_skymap_order')),
  });
  assert.equal(r.rows, Number(props.get('hats_nrows')));
  const [same, valid] = await oracle([
    ['same-partitions', out, original, 'source_id'],
    ['validate', out],
  ]);
  assert.equal(same!.error, undefined, String(same!.error));
  assert.equal(same!.same_pixels, true, `pixels differ: ${JSON.stringify(same!.pixels_a)} vs ${JSON.stringify(same!.pixels_b)}`);
  assert.equal(same!.same_ids, true);
  assert.equal(same!.healpix_mismatches, 0);
  assert.equal(same!.pixel_mismatches, 0);
  assertValid(valid!, 'small_sky_source re-export');
});
