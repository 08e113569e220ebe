import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBuiltInSchema } from '../../src/formats/avro/builtin.js';
import { isAlertflowError } from '../../src/errors.js';
import { openCandidateStore } from '../../src/stores/duckdb/candidate-store.js';
import { queryRows } from '../../src/stores/duckdb/connection.js';
import { avroToSql, CANDIDATE_RECORDS, tableNames } from '../../src/stores/duckdb/schema.js';
import { historyFor } from '../../src/stores/duckdb/history.js';
import { applyRetention } from '../../src/stores/duckdb/retention.js';
import { createDuckdbSink } from '../../src/stores/duckdb/sink.js';
import { simulatedAlerts, simulatedVisits } from './helpers.js';

const DUCK_NAMES: Record<string, string> = { BIGINT: 'BIGINT', INTEGER: 'INTEGER', FLOAT: 'FLOAT', DOUBLE: 'DOUBLE', VARCHAR: 'VARCHAR', BOOLEAN: 'BOOLEAN', BLOB: 'BLOB', TIMESTAMP: 'TIMESTAMP' };

test('DDL: every field of each lsst.v11_0 record is a column with the mapped type and nullability', async () => {
  const store = await openCandidateStore(':memory:');
  try {
    const alert = requireBuiltInSchema('lsst.v11_0').json as { fields: { name: string; type: unknown }[] };
    const record = (name: string) => {
      for (const f of alert.fields) {
        const branches = Array.isArray(f.type) ? f.type : [f.type];
        for (const b of branches as any[]) {
          const r = b?.type === 'array' ? b.items : b;
          if (r?.type === 'record' && r.name === `lsst.v11_0.${name}`) return r as { fields: { name: string; type: any }[] };
        }
      }
      throw new Error(`no record ${name}`);
    };
    for (const r of CANDIDATE_RECORDS) {
      const cols = await queryRows(store.db.connection, `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = '${r}' ORDER BY ordinal_position`);
      const fields = record(r).fields;
      const expected = fields.map((f) => {
        const m = avroToSql(f.type);
        return { column_name: f.name, data_type: DUCK_NAMES[m.type], is_nullable: m.nullable ? 'YES' : 'NO' };
      });
      if (r === 'diaObject') expected.push({ column_name: 'validityEndMjdTai', data_type: 'DOUBLE', is_nullable: 'YES' });
      assert.deepEqual(cols, expected, r);
      // Spot checks of the mapping itself, independent of avroToSql.
      const byName = new Map(cols.map((c) => [c.column_name, c]));
      if (r === 'diaSource') {
        assert.equal(byName.get('diaSourceId')!.data_type, 'BIGINT');
        assert.equal(byName.get('diaSourceId')!.is_nullable, 'NO');
        assert.equal(byName.get('psfFlux')!.data_type, 'FLOAT');
        assert.equal(byName.get('psfFlux')!.is_nullable, 'YES');
        assert.equal(byName.get('midpointMjdTai')!.data_type, 'DOUBLE');
        assert.equal(byName.get('detector')!.data_type, 'INTEGER');
      }
    }
    const view = await queryRows(store.db.connection, `SELECT column_name FROM information_schema.columns WHERE table_name = 'diaObject_current'`);
    assert.equal(view.length, record('diaObject').fields.length);
  } finally {
    await store.close();
  }
});

test('visits: one current row per object, versions contiguous, history preserved', async () => {
  const store = await openCandidateStore(':memory:');
  try {
    const visits = simulatedVisits(600, 11, 12);
    for (const v of visits) await store.write(v.batch);
    const conn = store.db.connection;
    const bad = await queryRows(conn, `SELECT "diaObjectId" FROM "diaObject" GROUP BY 1 HAVING count(*) FILTER (WHERE "validityEndMjdTai" IS NULL) <> 1`);
    assert.equal(bad.length, 0);
    const gaps = await queryRows(
      conn,
      `SELECT count(*) AS n FROM (SELECT "validityEndMjdTai" AS e, lead("validityStartMjdTai") OVER (PARTITION BY "diaObjectId" ORDER BY "validityStartMjdTai") AS nxt FROM "diaObject")
       WHERE e IS DISTINCT FROM nxt OR (e IS NOT NULL AND e <= 0)`,
    );
    assert.equal(Number(gaps[0]!.n), 0, 'each version ends where the next starts; only the last is open');
    // Every version the alerts carried is stored, and the current one is the latest.
    const expected = new Map<bigint, number[]>();
    for (const v of visits) for (const o of v.batch.diaObjects!) {
      const list = expected.get(o.diaObjectId as bigint) ?? [];
      list.push(o.validityStartMjdTai as number);
      expected.set(o.diaObjectId as bigint, list);
    }
    const rows = await queryRows(conn, `SELECT "diaObjectId", list("validityStartMjdTai" ORDER BY "validityStartMjdTai") AS starts FROM "diaObject" GROUP BY 1`);
    assert.equal(rows.length, expected.size);
    for (const r of rows) assert.deepEqual(r.starts, [...new Set(expected.get(r.diaObjectId as bigint)!)].sort((a, b) => a - b));
    assert.ok(rows.some((r) => (r.starts as number[]).length > 1), 'some objects have several versions');
    const counts = await store.counts();
    assert.equal(counts.diaObjectCurrent, expected.size);
  } finally {
    await store.close();
  }
});

test('visits are atomic: a concurrent reader never sees half a visit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'af-store-'));
  const store = await openCandidateStore(join(dir, 'l1.duckdb'));
  try {
    const visits = simulatedVisits(600, 11, 12);
    const perVisit = new Map(visits.map((v) => [v.visit, v.batch.diaSources!.length]));
    const reader = await store.db.connect();
    let writing = true;
    let checks = 0;
    let partialVisitsSeen = 0;
    const readerLoop = (async () => {
      while (writing) {
        await reader.run('BEGIN TRANSACTION');
        const sources = await queryRows(reader, `SELECT "visit", count(*) AS n FROM "diaSource" GROUP BY 1`);
        const multi = await queryRows(reader, `SELECT count(*) AS n FROM (SELECT "diaObjectId" FROM "diaObject" GROUP BY 1 HAVING count(*) FILTER (WHERE "validityEndMjdTai" IS NULL) <> 1)`);
        const objectsWithoutSource = await queryRows(reader, `SELECT count(*) AS n FROM "diaObject_current" o WHERE NOT EXISTS (SELECT 1 FROM "diaSource" s WHERE s."diaObjectId" = o."diaObjectId")`);
        await reader.run('COMMIT');
        for (const s of sources) if (Number(s.n) !== perVisit.get(s.visit as bigint)) partialVisitsSeen++;
        assert.equal(Number(multi[0]!.n), 0, 'exactly one current version per object');
        assert.equal(Number(objectsWithoutSource[0]!.n), 0, 'objects and their sources commit together');
        checks++;
      }
    })();
    for (const v of visits) {
      await store.write(v.batch);
      await new Promise((r) => setImmediate(r));
    }
    writing = false;
    await readerLoop;
    assert.equal(partialVisitsSeen, 0);
    assert.ok(checks > 0);
    // A failing write rolls back entirely: a NOT NULL violation after the sources were staged.
    const before = await store.counts();
    const bad = { diaSources: [{ ...visits[0]!.batch.diaSources![0]!, diaSourceId: 1n }], diaObjects: [{ diaObjectId: 2n, validityStartMjdTai: 1, ra: 1, dec: 1 }] };
    await assert.rejects(store.write(bad), (e) => isAlertflowError(e, 'ERR_STORE'));
    assert.deepEqual(await store.counts(), before);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sink: re-delivered batches add no rows; history stored once', async () => {
  const sink = await createDuckdbSink({ path: ':memory:', table: 'rubin' });
  try {
    const records = simulatedAlerts(300, 3).map((alert, i) => ({ value: { kind: 'alert' as const, survey: 'lsst' as const, schema: 'lsst.v11_0', alert }, key: String(alert.diaSourceId), position: { partition: 'p', offset: i } }));
    for (let i = 0; i < records.length; i += 100) await sink.write(records.slice(i, i + 100));
    const first = await sink.store.counts();
    // Crash replay: the last two batches again, and one whole replay in a single batch.
    await sink.write(records.slice(200));
    await sink.write(records);
    assert.deepEqual(await sink.store.counts(), first);
    const conn = sink.store.db.connection;
    const dups = await queryRows(conn, `SELECT count(*) - count(DISTINCT "diaSourceId") AS d FROM "rubin_diaSource"`);
    assert.equal(Number(dups[0]!.d), 0);
    const fdups = await queryRows(conn, `SELECT count(*) - count(DISTINCT "diaForcedSourceId") AS d FROM "rubin_diaForcedSource"`);
    assert.equal(Number(fdups[0]!.d), 0);
    const ids = new Set<string>();
    for (const r of records) for (const s of [r.value.alert.diaSource, ...(r.value.alert.prvDiaSources ?? [])]) ids.add(String(s.diaSourceId));
    assert.equal(first.diaSource, ids.size);
    assert.ok(first.diaForcedSource > 0 && first.ssSource > 0);
  } finally {
    await sink.close();
  }
});

test('historyFor equals a direct filter, for many objects at once and with a time window', async () => {
  const sink = await createDuckdbSink({ path: ':memory:' });
  try {
    const records = simulatedAlerts(300, 3).map((alert, i) => ({ value: { kind: 'alert', survey: 'lsst', schema: 'lsst.v11_0', alert }, position: { partition: 'p', offset: i } }));
    await sink.write(records);
    const conn = sink.store.db.connection;
    const objects = (await queryRows(conn, `SELECT "diaObjectId" FROM "diaObject_current" ORDER BY "diaObjectId" LIMIT 20`)).map((r) => r.diaObjectId as bigint);
    objects.push(123n); // unknown: present with empty lists
    const [{ mid }] = (await queryRows(conn, `SELECT median("midpointMjdTai") AS mid FROM "diaSource"`)) as [{ mid: number }];
    for (const since of [undefined, mid]) {
      const h = await historyFor(conn, tableNames(), objects, since === undefined ? {} : { sinceMjd: since });
      assert.equal(h.size, objects.length);
      assert.deepEqual(h.get(123n), { diaSources: [], diaForcedSources: [] });
      for (const id of objects.slice(0, 20)) {
        const filter = `"diaObjectId" = ${id}${since === undefined ? '' : ` AND "midpointMjdTai" >= ${since}`}`;
        const src = await queryRows(conn, `SELECT * FROM "diaSource" WHERE ${filter} ORDER BY "midpointMjdTai", "diaSourceId"`);
        const forced = await queryRows(conn, `SELECT * FROM "diaForcedSource" WHERE ${filter} ORDER BY "midpointMjdTai", "diaForcedSourceId"`);
        assert.deepEqual(h.get(id)!.diaSources, src);
        assert.deepEqual(h.get(id)!.diaForcedSources, forced);
      }
      const total = [...h.values()].reduce((n, x) => n + x.diaSources.length, 0);
      assert.ok(total > 20);
    }
  } finally {
    await sink.close();
  }
});

test('retention deletes old sources and superseded versions, keeps current versions', async () => {
  const store = await openCandidateStore(':memory:');
  try {
    const sink = await createDuckdbSink({ path: ':memory:' }); // unused; exercise that two in-memory stores are independent
    await sink.close();
    const alerts = simulatedAlerts(600, 11, 12) as unknown as Record<string, any>[];
    await store.write({ diaSources: alerts.flatMap((a) => [a.diaSource, ...(a.prvDiaSources ?? [])]), diaForcedSources: alerts.flatMap((a) => a.prvDiaForcedSources ?? []), ssSources: alerts.flatMap((a) => (a.ssSource ? [a.ssSource] : [])) });
    for (const v of simulatedVisits(600, 11, 12)) await store.write({ diaObjects: v.batch.diaObjects! });
    const conn = store.db.connection;
    const nowMjd = Math.max(...alerts.map((a) => a.diaSource.midpointMjdTai));
    const q = async (sql: string) => Number((await queryRows(conn, sql))[0]!.n);
    const cut = nowMjd - 100;
    const versionCut = (await queryRows(conn, `SELECT median("validityEndMjdTai") AS m FROM "diaObject"`))[0]!.m as number;
    const expected = {
      diaSources: await q(`SELECT count(*) AS n FROM "diaSource" WHERE "midpointMjdTai" < ${cut}`),
      diaForcedSources: await q(`SELECT count(*) AS n FROM "diaForcedSource" WHERE "midpointMjdTai" < ${cut}`),
      ssSources: await q(`SELECT count(*) AS n FROM "ssSource" WHERE "diaSourceId" IN (SELECT "diaSourceId" FROM "diaSource" WHERE "midpointMjdTai" < ${cut})`),
      diaObjectVersions: await q(`SELECT count(*) AS n FROM "diaObject" WHERE "validityEndMjdTai" < ${versionCut}`),
    };
    const current = await q(`SELECT count(*) AS n FROM "diaObject_current"`);
    assert.ok(expected.diaSources > 0 && expected.diaForcedSources > 0 && expected.diaObjectVersions > 0);
    const r = await applyRetention(store.db, store.names, { nowMjd, sourceDays: 100, objectVersionDays: nowMjd - versionCut });
    assert.deepEqual(r, expected);
    assert.equal(await q(`SELECT count(*) AS n FROM "diaSource" WHERE "midpointMjdTai" < ${cut}`), 0);
    assert.equal(await q(`SELECT count(*) AS n FROM "diaObject_current"`), current);
    assert.equal(await q(`SELECT count(*) AS n FROM "diaObject" WHERE "validityEndMjdTai" < ${versionCut}`), 0);
    await assert.rejects(applyRetention(store.db, store.names, { nowMjd: Number.NaN, sourceDays: 1 }), (e) => isAlertflowError(e, 'ERR_STORE'));
  } finally {
    await store.close();
  }
});
