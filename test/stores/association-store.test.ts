import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAlertflowError } from '../../src/errors.js';
import { associateVisit } from '../../src/association/associate-visit.js';
import { InMemoryDiaObjectStore } from '../../src/association/memory-store.js';
import { DuckdbDiaObjectStore } from '../../src/stores/duckdb/association-store.js';
import { queryRows } from '../../src/stores/duckdb/connection.js';
import { simulatedVisits } from './helpers.js';

/** The night's visits with sources stripped of their association (association recomputes it). */
function visitsForAssociation() {
  return simulatedVisits(600, 11, 12).map((v) => ({
    visit: v.visit,
    midpointMjdTai: v.mjd,
    diaSources: v.alerts.filter((a) => a.diaSource.ssObjectId === null).map((a) => ({ ...a.diaSource, diaObjectId: null })) as any[],
  }));
}

test('DuckDB association store gives the same associations as the in-memory store', async () => {
  const memory = new InMemoryDiaObjectStore();
  const duck = await DuckdbDiaObjectStore.open(':memory:');
  try {
    for (const v of visitsForAssociation()) {
      const a = await associateVisit(memory, structuredClone(v));
      const b = await associateVisit(duck, structuredClone(v));
      assert.deepEqual(b.matches, a.matches, `visit ${v.visit}`);
    }
    const conn = duck.candidates.db.connection;
    const bad = await queryRows(conn, `SELECT count(*) AS n FROM (SELECT "diaObjectId" FROM "diaObject" GROUP BY 1 HAVING count(*) FILTER (WHERE "validityEndMjdTai" IS NULL) <> 1)`);
    assert.equal(Number(bad[0]!.n), 0);
    const versions = await queryRows(conn, `SELECT count(*) AS n FROM "diaObject" WHERE "validityEndMjdTai" IS NOT NULL`);
    assert.ok(Number(versions[0]!.n) > 0, 'repeat detections produced superseded versions');
    // Same current state: ids, positions and source lists.
    const all = (await queryRows(conn, `SELECT "diaObjectId" FROM "diaObject_current"`)).map((r) => r.diaObjectId as bigint);
    assert.equal(all.length, memory.size);
    const [m, d] = [await memory.getObjects(all), await duck.getObjects(all)];
    for (const id of all) {
      assert.equal(d.get(id)!.ra, m.get(id)!.ra);
      assert.equal(d.get(id)!.nDiaSources, m.get(id)!.nDiaSources);
    }
    const [ms, ds] = [await memory.sourcesOf(all.slice(0, 50)), await duck.sourcesOf(all.slice(0, 50))];
    for (const id of all.slice(0, 50)) assert.deepEqual(ds.get(id)!.map((s) => s.diaSourceId), ms.get(id)!.map((s) => s.diaSourceId));
  } finally {
    await duck.close();
  }
});

test('DuckDB association store: near/inCone, reserveIds, rejected visits change nothing', async () => {
  const store = await DuckdbDiaObjectStore.open(':memory:');
  try {
    await store.seed([{ diaObjectId: 10n, ra: 359.99995, dec: 0 }, { diaObjectId: 11n, ra: 0.00004, dec: 0 }, { diaObjectId: 12n, ra: 180, dec: 89.9999 }], 60000);
    const [a, b] = await store.near([{ ra: 0, dec: 0 }, { ra: 0, dec: 90 }], 1 / 3600);
    assert.deepEqual(a!.map((n) => n.diaObjectId).sort(), [10n, 11n], 'RA wrap-around');
    assert.deepEqual(b!.map((n) => n.diaObjectId), [12n], 'near the pole');
    assert.deepEqual((await store.inCone(0, 0, 0.15 / 3600)).map((o) => o.diaObjectId), [11n]);
    const ids = await store.reserveIds(3);
    assert.deepEqual(ids, [13n, 14n, 15n]);
    assert.deepEqual(await store.reserveIds(1), [16n]);
    const visits = visitsForAssociation();
    await associateVisit(store, visits[0]!);
    const before = await store.candidates.counts();
    // Replaying a visit is rejected (its sources are stored) and changes nothing.
    await assert.rejects(store.applyVisit({ visit: 1n, diaSources: [{ ...visits[0]!.diaSources[0], diaObjectId: 10n }], objects: [{ diaObjectId: 10n, ra: 0, dec: 0, validityStartMjdTai: 60001 }], ssSources: [] }), (e) => isAlertflowError(e, 'ERR_ASSOCIATION'));
    await assert.rejects(store.applyVisit({ visit: 2n, diaSources: [], objects: [{ diaObjectId: 10n, ra: 0, dec: 0, validityStartMjdTai: 59000 }], ssSources: [] }), (e) => isAlertflowError(e, 'ERR_ASSOCIATION'), 'versions move forward');
    assert.deepEqual(await store.candidates.counts(), before);
  } finally {
    await store.close();
  }
});
