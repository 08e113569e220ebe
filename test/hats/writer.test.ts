import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { isAlertflowError, type AlertflowError } from '../../src/errors.js';
import { appendHats, compactHats, exportHats } from '../../src/hats/index.js';
import { decodeHealpixMap } from '../../src/hats/point-map.js';
import { parsePartitionInfo } from '../../src/hats/properties.js';
import { leafStem } from '../../src/hats/pixel.js';
import { recoverCatalog, siblings } from '../../src/hats/staging.js';
import { datasetFiles, inspectCatalog, leftovers, makeInput } from './helpers.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'alertflow-hats-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const file = (path: string) => ({ kind: 'file' as const, path });
const isHats = (e: unknown) => isAlertflowError(e, 'ERR_HATS');

test('export writes a complete catalog: directory leaves, sorted _healpix_29 first, metadata, maps, no leftovers', async () => {
  const input = await makeInput(join(dir, 'a.parquet'), { n: 20000, ra: [180, 240], dec: [-40, 0] });
  const out = join(dir, 'cat-a');
  const r = await exportHats({ input: file(input), ra: 'ra', dec: 'dec', out, maxRows: 2500, catalogName: 'night_a' });
  assert.equal(r.rows, 20000);
  assert.ok(r.partitions.length > 8);
  const props = readFileSync(join(out, 'hats.properties'), 'utf8');
  assert.equal(readFileSync(join(out, 'properties'), 'utf8'), props);
  for (const line of ['obs_collection=night_a', 'dataproduct_type=object', 'hats_nrows=20000', 'hats_col_ra=ra', 'hats_col_dec=dec', 'hats_col_healpix=_healpix_29', 'hats_col_healpix_order=29', 'hats_npix_suffix=/', 'hats_max_rows=2500']) {
    assert.ok(props.includes(`\n${line}\n`), `missing ${line}`);
  }
  const pixels = parsePartitionInfo(readFileSync(join(out, 'partition_info.csv'), 'utf8'));
  assert.deepEqual(pixels, r.partitions);
  const files = datasetFiles(out);
  assert.ok(files.includes('_common_metadata') && !files.includes('_metadata'));
  assert.deepEqual(files.filter((f) => f.startsWith('Norder=')), pixels.map((p) => `${leafStem(p)}/${r.batchId}.parquet`).sort());
  const facts = await inspectCatalog(out);
  assert.deepEqual(facts, { rows: 20000, distinctIds: 20000, outside: 0, unsorted: 0, files: pixels.length, firstColumn: '_healpix_29', partitions: pixels.length });
  const map = decodeHealpixMap(readFileSync(join(out, 'point_map.fits')));
  assert.equal(map.counts.reduce((a, b) => a + b, 0), 20000);
  assert.ok(props.includes(`\nhats_skymap_order=${map.order}\n`));
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  const meta = (await c.runAndReadAll(`SELECT num_rows::DOUBLE AS n, num_row_groups::DOUBLE AS g FROM parquet_file_metadata('${join(out, 'dataset', '_common_metadata')}')`)).getRowObjectsJS()[0]!;
  assert.deepEqual([meta.n, meta.g], [0, 0]);
  c.closeSync();
  inst.closeSync();
  assert.deepEqual(leftovers(out), []);
});

test('export refuses an existing catalog unless overwrite; overwrite swaps atomically', async () => {
  const input = await makeInput(join(dir, 'b.parquet'), { n: 3000, ra: [10, 20], dec: [10, 20] });
  const out = join(dir, 'cat-b');
  await exportHats({ input: file(input), ra: 'ra', dec: 'dec', out, maxRows: 1000 });
  await assert.rejects(exportHats({ input: file(input), ra: 'ra', dec: 'dec', out, maxRows: 1000 }), isHats);
  const r = await exportHats({ input: file(input), ra: 'ra', dec: 'dec', out, maxRows: 100000, overwrite: true });
  assert.equal(r.partitions.length, 1);
  assert.equal((await inspectCatalog(out)).rows, 3000);
  assert.deepEqual(leftovers(out), []);
});

test('append adds new files without touching old ones, creates partitions for new sky, drops a stale _metadata, skips a repeated batch', async () => {
  const night1 = await makeInput(join(dir, 'n1.parquet'), { n: 10000, ra: [100, 130], dec: [0, 30] });
  const night2 = await makeInput(join(dir, 'n2.parquet'), { n: 4000, idStart: 10000, ra: [115, 160], dec: [0, 30], seed: 2 });
  const out = join(dir, 'cat-c');
  const first = await exportHats({ input: file(night1), ra: 'ra', dec: 'dec', out, maxRows: 1500 });
  const before = new Map(datasetFiles(out).map((f) => [f, statSync(join(out, 'dataset', f)).mtimeMs]));
  writeFileSync(join(out, 'dataset', '_metadata'), 'stale');
  const r = await appendHats({ input: file(night2), ra: 'ra', dec: 'dec', out });
  assert.equal(r.rows, 4000);
  assert.equal(r.totalRows, 14000);
  assert.ok(r.created.length > 0, 'rows east of ra=130 need new partitions');
  for (const p of first.partitions) assert.ok(r.partitions.some((q) => q.order === p.order && q.pixel === p.pixel), 'existing partitions are kept');
  for (const [f, mtime] of before) assert.equal(statSync(join(out, 'dataset', f)).mtimeMs, mtime, `${f} was rewritten`);
  assert.ok(!existsSync(join(out, 'dataset', '_metadata')));
  const added = datasetFiles(out).filter((f) => !before.has(f));
  assert.ok(added.every((f) => f.endsWith(`/${r.batchId}.parquet`)));
  assert.ok(added.some((f) => first.partitions.some((p) => f.startsWith(leafStem(p) + '/'))), 'some new rows land in existing partitions');
  const facts = await inspectCatalog(out);
  assert.equal(facts.rows, 14000);
  assert.equal(facts.distinctIds, 14000);
  assert.equal(facts.outside, 0);
  assert.ok(readFileSync(join(out, 'hats.properties'), 'utf8').includes('\nhats_nrows=14000\n'));
  assert.equal(decodeHealpixMap(readFileSync(join(out, 'point_map.fits'))).counts.reduce((a, b) => a + b, 0), 14000);

  const again = await appendHats({ input: file(night2), ra: 'ra', dec: 'dec', out });
  assert.equal(again.alreadyIngested, true);
  assert.equal((await inspectCatalog(out)).rows, 14000);
  assert.deepEqual(leftovers(out), []);

  // Compaction: one file per partition, rows preserved, balanced under a smaller threshold.
  const c = await compactHats({ root: out, maxRows: 800 });
  assert.equal(c.rows, 14000);
  const cf = await inspectCatalog(out);
  assert.deepEqual([cf.rows, cf.distinctIds, cf.outside, cf.unsorted, cf.files], [14000, 14000, 0, 0, c.partitions.length]);
  assert.ok(c.partitions.length > r.partitions.length);
  // The batch log survives compaction: the old night is still recognised.
  assert.equal((await appendHats({ input: file(night1), ra: 'ra', dec: 'dec', out })).alreadyIngested, true);
  assert.deepEqual(leftovers(out), []);
});

test('append refuses schema changes and file-leaf catalogs; inputs are validated', async () => {
  const base = await makeInput(join(dir, 'd.parquet'), { n: 500, ra: [0, 10], dec: [0, 10] });
  const out = join(dir, 'cat-d');
  await exportHats({ input: file(base), ra: 'ra', dec: 'dec', out });
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  const extra = join(dir, 'extra.parquet');
  await c.run(`COPY (SELECT *, 1 AS surprise FROM read_parquet('${base}')) TO '${extra}' (FORMAT parquet)`);
  await assert.rejects(appendHats({ input: file(extra), ra: 'ra', dec: 'dec', out, batchId: 'x1' }), isHats);
  const nan = join(dir, 'nan.parquet');
  await c.run(`COPY (SELECT id, ra, CASE WHEN id = 3 THEN 'NaN'::DOUBLE ELSE dec END AS dec FROM read_parquet('${base}')) TO '${nan}' (FORMAT parquet)`);
  await assert.rejects(exportHats({ input: file(nan), ra: 'ra', dec: 'dec', out: join(dir, 'cat-nan') }), (e) => isHats(e) && (e as AlertflowError).details.rows === 1);
  const reserved = join(dir, 'reserved.parquet');
  await c.run(`COPY (SELECT *, 1 AS Npix FROM read_parquet('${base}')) TO '${reserved}' (FORMAT parquet)`);
  await assert.rejects(exportHats({ input: file(reserved), ra: 'ra', dec: 'dec', out: join(dir, 'cat-r') }), isHats);
  await assert.rejects(exportHats({ input: file(base), ra: 'RA', dec: 'dec', out: join(dir, 'cat-x') }), isHats);
  c.closeSync();
  inst.closeSync();
  const propsPath = join(out, 'hats.properties');
  writeFileSync(propsPath, readFileSync(propsPath, 'utf8').replace('hats_npix_suffix=/', 'hats_npix_suffix=.parquet'));
  await assert.rejects(appendHats({ input: file(base), ra: 'ra', dec: 'dec', out, batchId: 'x2' }), isHats);
  for (const name of ['cat-nan', 'cat-r', 'cat-x']) {
    assert.ok(!existsSync(join(dir, name)));
    assert.deepEqual(leftovers(join(dir, name)), []);
  }
});

test('CSV files and DuckDB tables give the same catalog as Parquet', async () => {
  const pq = await makeInput(join(dir, 'e.parquet'), { n: 2000, ra: [300, 330], dec: [-70, -50] });
  const csv = await makeInput(join(dir, 'e.csv'), { n: 2000, ra: [300, 330], dec: [-70, -50], format: 'csv' });
  const db = join(dir, 'e.duckdb');
  const inst = await DuckDBInstance.create(db);
  const c = await inst.connect();
  await c.run(`CREATE TABLE cands AS SELECT * FROM read_parquet('${pq}')`);
  c.closeSync();
  inst.closeSync();
  const a = await exportHats({ input: file(pq), ra: 'ra', dec: 'dec', out: join(dir, 'cat-e1'), maxRows: 400 });
  const b = await exportHats({ input: file(csv), ra: 'ra', dec: 'dec', out: join(dir, 'cat-e2'), maxRows: 400 });
  const t = await exportHats({ input: { kind: 'duckdb', path: db, table: 'cands' }, ra: 'ra', dec: 'dec', out: join(dir, 'cat-e3'), maxRows: 400 });
  assert.deepEqual(b.partitions, a.partitions);
  assert.deepEqual(t.partitions, a.partitions);
  for (const out of ['cat-e1', 'cat-e2', 'cat-e3']) assert.equal((await inspectCatalog(join(dir, out))).distinctIds, 2000);
  // The same table appended twice is recognised by its content.
  assert.equal((await appendHats({ input: { kind: 'duckdb', path: db, table: 'cands' }, ra: 'ra', dec: 'dec', out: join(dir, 'cat-e3') })).alreadyIngested, true);
});

test('recovery removes uncommitted staging; a live writer\'s lock is respected', async () => {
  const input = await makeInput(join(dir, 'f.parquet'), { n: 100, ra: [0, 1], dec: [0, 1] });
  const out = join(dir, 'cat-f');
  await exportHats({ input: file(input), ra: 'ra', dec: 'dec', out });
  const s = siblings(out);
  mkdirSync(`${s.stagingPrefix}999999-dead/leaves`, { recursive: true });
  writeFileSync(`${s.stagingPrefix}999999-dead/leaves/0.parquet`, 'partial');
  assert.deepEqual(recoverCatalog(out), ['removed unfinished staging .cat-f.hats-staging-999999-dead']);
  writeFileSync(s.lock, String(process.ppid));
  await assert.rejects(appendHats({ input: file(input), ra: 'ra', dec: 'dec', out, batchId: 'y' }), isHats);
  writeFileSync(s.lock, '999999999');
  assert.equal((await appendHats({ input: file(input), ra: 'ra', dec: 'dec', out })).alreadyIngested, true);
  assert.deepEqual(leftovers(out), []);
});
