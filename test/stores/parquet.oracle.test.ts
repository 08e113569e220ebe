import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oracleScript, pythonOracle, PYTHON_ORACLE_MISSING, runPython } from '../../src/testing/python.js';
import { isAlertflowError } from '../../src/errors.js';
import { queryRows } from '../../src/stores/duckdb/connection.js';
import { exportSourceMatchFile, exportTableToParquet } from '../../src/stores/duckdb/parquet.js';
import { exportLightcurves, lightcurveQuery } from '../../src/stores/duckdb/lightcurves.js';
import { createDuckdbSink } from '../../src/stores/duckdb/sink.js';
import { exportParquet } from '../../src/cli/commands/export-parquet.js';
import { simulatedAlerts } from './helpers.js';

const skip = pythonOracle() ? false : PYTHON_ORACLE_MISSING;

async function filledDb(path: string) {
  const sink = await createDuckdbSink({ path });
  const records = simulatedAlerts(300, 3).map((alert, i) => ({ value: { kind: 'alert', survey: 'lsst', schema: 'lsst.v11_0', alert }, position: { partition: 'p', offset: i } }));
  await sink.write(records);
  return sink;
}

test('match-file and nested light curves hold what DuckDB holds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'af-pq-'));
  const sink = await filledDb(':memory:');
  try {
    const { db, names } = sink.store;
    const m = await exportSourceMatchFile(db, names, join(dir, 'm.parquet'));
    const read = await queryRows(db.connection, `SELECT "diaObjectId", "midpointMjdTai" FROM read_parquet('${join(dir, 'm.parquet')}')`);
    assert.equal(read.length, m.rows);
    const expected = await queryRows(db.connection, `SELECT s."diaObjectId", s."midpointMjdTai" FROM "diaSource" s JOIN "diaObject_current" o USING ("diaObjectId") WHERE o."nDiaSources" > 1 ORDER BY 1, 2, s."diaSourceId"`);
    assert.deepEqual(read, expected, 'objects observed more than once, sorted by object then time');
    const lc = await queryRows(db.connection, lightcurveQuery(names, { fields: ['midpointMjdTai', 'psfFlux'] }));
    for (const row of lc.slice(0, 30)) {
      const s = row.lightcurve as { midpointMjdTai: number[]; psfFlux: (number | null)[] };
      const direct = await queryRows(db.connection, `SELECT "midpointMjdTai", "psfFlux" FROM "diaSource" WHERE "diaObjectId" = ${row.diaObjectId} ORDER BY "midpointMjdTai", "diaSourceId"`);
      assert.deepEqual(s.midpointMjdTai, direct.map((d) => d.midpointMjdTai));
      assert.deepEqual(s.psfFlux, direct.map((d) => d.psfFlux));
    }
    await assert.rejects(exportTableToParquet(db, 'noSuchTable', join(dir, 'x.parquet')), (e) => isAlertflowError(e, 'ERR_STORE'));
    assert.throws(() => lightcurveQuery(names, { fields: ['nope'] }), (e) => isAlertflowError(e, 'ERR_STORE'));
  } finally {
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pyarrow and nested-pandas read our Parquet with the expected types and values', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'af-pq-'));
  const dbPath = join(dir, 'l1.duckdb');
  const sink = await filledDb(dbPath);
  try {
    const { db, names } = sink.store;
    await exportTableToParquet(db, 'diaSource', join(dir, 'src.parquet'), { orderBy: '"diaSourceId"' });
    await exportLightcurves(db, names, join(dir, 'lc.parquet'), { forced: true });
    const ours = await queryRows(db.connection, `SELECT "diaSourceId", "diaObjectId", "midpointMjdTai", "psfFlux" FROM "diaSource" ORDER BY "diaSourceId"`);
    const ourLc = await queryRows(db.connection, lightcurveQuery(names, { forced: true }));
    writeFileSync(join(dir, 'job.json'), JSON.stringify({ table: join(dir, 'src.parquet'), lightcurves: join(dir, 'lc.parquet'), nested: 'lightcurve' }));
    const r = await runPython(oracleScript('store_parquet_check.py'), [join(dir, 'job.json')]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const t = out.table;
    assert.equal(t.rows, ours.length);
    assert.equal(t.types.diaSourceId, 'int64');
    assert.equal(t.types.psfFlux, 'float');
    assert.equal(t.types.midpointMjdTai, 'double');
    assert.equal(t.types.band, 'string');
    assert.equal(t.types.detector, 'int32');
    assert.equal(t.types.centroid_flag, 'bool');
    assert.equal(t.compression, 'ZSTD');
    assert.deepEqual(t.ids, ours.map((o) => String(o.diaSourceId)), 'bigint ids exact');
    assert.deepEqual(t.objectIds, ours.map((o) => (o.diaObjectId === null ? null : String(o.diaObjectId))));
    assert.deepEqual(t.mjd, ours.map((o) => o.midpointMjdTai));
    assert.deepEqual(t.psfFlux, ours.map((o) => o.psfFlux));
    const l = out.lightcurves;
    assert.equal(l.structOfLists, true, l.type);
    assert.equal(l.equalLengths, true);
    assert.match(l.type, /^struct<diaSourceId: list<element: int64>, visit: list<element: int64>, midpointMjdTai: list<element: double>, band: list<element: string>/);
    assert.deepEqual(l.objectIds, ourLc.map((o) => String(o.diaObjectId)));
    const js = (v: unknown): unknown => (typeof v === 'bigint' ? String(v) : Array.isArray(v) ? v.map(js) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, js(x)])) : v);
    assert.deepEqual(l.values, ourLc.map((o) => js(o.lightcurve)));
    assert.equal(out.nestedPandas.isNested, true, JSON.stringify(out.nestedPandas));
    assert.equal(out.nestedPandas.flatRows, ourLc.reduce((n, o) => n + (o.lightcurve as { midpointMjdTai: unknown[] }).midpointMjdTai.length, 0));
    assert.ok(out.nestedPandas.subColumns.includes('psfFlux'));
  } finally {
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI export parquet: table, --where, --lightcurves, --matches; bad input is ERR_CLI_USAGE', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'af-pq-'));
  const dbPath = join(dir, 'l1.duckdb');
  const sink = await filledDb(dbPath);
  await sink.close();
  try {
    const a = await exportParquet({ db: dbPath, table: 'diaSource', out: join(dir, 'a.parquet'), where: `"band" = 'r'` });
    assert.ok(a.rows > 0 && existsSync(a.path) && !existsSync(`${a.path}.partial`));
    const b = await exportParquet({ db: dbPath, table: 'diaSource', out: join(dir, 'b.parquet'), lightcurves: true, minSources: 2 });
    assert.ok(b.rows > 0);
    const c = await exportParquet({ db: dbPath, table: 'diaSource', out: join(dir, 'c.parquet'), matches: true });
    assert.ok(c.rows > 0);
    await assert.rejects(exportParquet({ db: join(dir, 'missing.duckdb'), table: 'diaSource', out: join(dir, 'x.parquet') }), (e) => isAlertflowError(e, 'ERR_CLI_USAGE'));
    await assert.rejects(exportParquet({ db: dbPath, table: 'other', out: join(dir, 'x.parquet'), lightcurves: true }), (e) => isAlertflowError(e, 'ERR_CLI_USAGE'));
    const { Command } = await import('commander');
    const { registerExportParquetCommand } = await import('../../src/cli/commands/export-parquet.js');
    const program = new Command('alertflow');
    registerExportParquetCommand(program.command('export'));
    const help = program.commands[0]!.commands.find((c) => c.name() === 'parquet')!.helpInformation();
    for (const flag of ['--db', '--table', '--out', '--where', '--lightcurves', '--matches']) assert.ok(help.includes(flag), flag);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
