import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { associateVisit } from '../../src/association/associate-visit.js';
import { InMemoryDiaObjectStore } from '../../src/association/memory-store.js';
import type { AssociateResult, DiaObjectRecord, DiaSourceRecord, Ephemeris } from '../../src/association/types.js';
import { isAlertflowError } from '../../src/errors.js';
import { separationDeg } from '../../src/sky/vector.js';
import { offset } from './scene.js';

const src = (id: bigint, ra: number, dec: number, extra: Partial<DiaSourceRecord> = {}): DiaSourceRecord => ({ diaSourceId: id, ra, dec, ...extra });

test('conflicts: closest source wins, the loser falls back to its next-nearest object, then SSO, then new', async () => {
  const [bRa, bDec] = offset(10, 20, 0.8, Math.PI / 2);
  const store = new InMemoryDiaObjectStore([
    { diaObjectId: 10n, ra: 10, dec: 20 },
    { diaObjectId: 11n, ra: bRa, dec: bDec },
  ]);
  const s1 = src(1n, ...offset(10, 20, 0.1, 0)); // nearest to A
  const s2 = src(2n, ...offset(10, 20, 0.3, Math.PI / 2)); // A at 0.3", B at 0.5": loses A, takes B
  const s3 = src(3n, ...offset(10, 20, 0.35, 0)); // A 0.35", B 0.87": loses both, goes to the SSO
  const s4 = src(4n, ...offset(10, 20, 0.45, Math.PI)); // A 0.45", B 0.92": loses both, SSO taken: new object
  const eph: Ephemeris[] = [{ ssObjectId: 99n, ra: 10, dec: 20, radiusArcsec: 2 }];
  const r = await associateVisit(store, { visit: 1n, midpointMjdTai: 61000.5, diaSources: [s4, s3, s2, s1], ephemerides: eph });
  const by = new Map(r.matches.map((m) => [m.diaSourceId, m]));
  assert.equal(by.get(1n)!.diaObjectId, 10n);
  assert.equal(by.get(2n)!.diaObjectId, 11n);
  assert.ok(Math.abs(by.get(2n)!.separationArcsec! - 0.5) < 1e-9);
  assert.deepEqual({ ...by.get(3n)!, separationArcsec: Math.round(by.get(3n)!.separationArcsec! * 1e6) / 1e6 }, { diaSourceId: 3n, diaObjectId: null, ssObjectId: 99n, separationArcsec: 0.35, isNew: false });
  assert.deepEqual(by.get(4n), { diaSourceId: 4n, diaObjectId: 12n, ssObjectId: null, separationArcsec: null, isNew: true });
  assert.deepEqual(r.updatedDiaObjects.map((o) => o.diaObjectId), [10n, 11n]);
  assert.deepEqual(r.newDiaObjects.map((o) => o.diaObjectId), [12n]);
  assert.deepEqual(r.ssObjects, [{ ssObjectId: 99n, nDiaSources: 1, firstDiaSourceMjdTai: null, lastDiaSourceMjdTai: null }]);
  // Sources come back in input order with their ids set.
  assert.deepEqual(r.diaSources.map((s) => [s.diaSourceId, s.diaObjectId, s.ssObjectId]), [[4n, 12n, null], [3n, null, 99n], [2n, 11n, null], [1n, 10n, null]]);
});

test('separation ties are broken by diaSourceId, then diaObjectId', async () => {
  const store = new InMemoryDiaObjectStore([{ diaObjectId: 5n, ra: 100, dec: 0 }]);
  const a = src(8n, ...offset(100, 0, 0.5, 0));
  const b = src(7n, ...offset(100, 0, 0.5, 0));
  const r = await associateVisit(store, { visit: 1n, diaSources: [a, b] });
  assert.equal(r.matches.find((m) => m.diaSourceId === 7n)!.diaObjectId, 5n);
  assert.equal(r.matches.find((m) => m.diaSourceId === 8n)!.isNew, true);
});

test('RA wrap and the poles', async () => {
  const store = new InMemoryDiaObjectStore([
    { diaObjectId: 1n, ra: 359.99995, dec: 0 },
    { diaObjectId: 2n, ra: 0, dec: 89.99998 },
    { diaObjectId: 3n, ra: 45, dec: -90 },
  ]);
  const r = await associateVisit(store, {
    visit: 1n,
    diaSources: [src(11n, 0.0001, 0), src(12n, 180, 89.99998), src(13n, 300, -89.9999)],
  });
  assert.deepEqual(r.matches.map((m) => m.diaObjectId), [1n, 2n, 3n]);
  assert.ok(Math.abs(r.matches[0].separationArcsec! - 0.54) < 1e-6);
  assert.ok(Math.abs(r.matches[1].separationArcsec! - 0.144) < 1e-6);
  // The mean position of an object straddling RA 0 stays at the seam, not at RA 180.
  const o = r.updatedDiaObjects[0];
  assert.ok(o.ra > 359.9 || o.ra < 0.1, String(o.ra));
});

test('a later visit sees the objects an earlier one created and updates their aggregates', async () => {
  const store = new InMemoryDiaObjectStore([{ diaObjectId: 1_000n, ra: 10, dec: 10 }]);
  const r1 = await associateVisit(store, { visit: 1n, midpointMjdTai: 61000, diaSources: [src(1n, 50, 50, { band: 'g', psfFlux: 100, psfFluxErr: 10, midpointMjdTai: 61000 })] });
  assert.equal(r1.newDiaObjects[0].diaObjectId, 1_001n);
  const r2 = await associateVisit(store, { visit: 2n, midpointMjdTai: 61001, diaSources: [src(2n, 50, 50.0001, { band: 'g', psfFlux: 300, psfFluxErr: 10, midpointMjdTai: 61001 })] });
  const o = r2.updatedDiaObjects[0];
  assert.equal(o.diaObjectId, 1_001n);
  assert.equal(o.nDiaSources, 2);
  assert.equal(o.g_psfFluxNdata, 2);
  assert.equal(o.g_psfFluxMean, 200);
  assert.equal(o.g_psfFluxMaxSlope, 200);
  assert.equal(o.firstDiaSourceMjdTai, 61000);
  assert.equal(o.lastDiaSourceMjdTai, 61001);
  assert.equal(o.validityStartMjdTai, 61001);
  assert.ok(Math.abs(o.dec - 50.00005) < 1e-9);
});

test('an invalid visit fails with ERR_ASSOCIATION and leaves the store unchanged', async () => {
  const store = new InMemoryDiaObjectStore([{ diaObjectId: 1n, ra: 10, dec: 10 }]);
  const bad = [
    { visit: 1n, diaSources: [src(1n, 10, 10), src(2n, 10, Number.NaN)] },
    { visit: 1n, diaSources: [src(1n, 10, 10), src(1n, 11, 10)] },
    { visit: 1n, diaSources: [src(1n, 10, 95)] },
    { visit: 1n, diaSources: [src(1n, 10, 10)], ephemerides: [{ ssObjectId: 1n, ra: 1, dec: 1 }, { ssObjectId: 1n, ra: 2, dec: 1 }] },
  ];
  for (const v of bad) await assert.rejects(associateVisit(store, v), (e) => isAlertflowError(e, 'ERR_ASSOCIATION'));
  assert.deepEqual((await store.sourcesOf([1n])).get(1n), []);
  const ok = await associateVisit(store, { visit: 2n, diaSources: [src(1n, 10, 10)] });
  assert.equal(ok.matches[0].diaObjectId, 1n);
  // Re-applying a stored diaSourceId is refused, not double counted.
  await assert.rejects(associateVisit(store, { visit: 3n, diaSources: [src(1n, 10, 10)] }), (e) => isAlertflowError(e, 'ERR_ASSOCIATION'));
  assert.equal((await store.getObjects([1n])).get(1n)!.nDiaSources, 1);
});

test('config errors are ERR_STEP_CONFIG', async () => {
  const store = new InMemoryDiaObjectStore();
  await assert.rejects(associateVisit(store, { visit: 1n, diaSources: [] }, { radiusArcsec: -1 }), (e) => isAlertflowError(e, 'ERR_STEP_CONFIG'));
});

// Property tests: small crowded patches at the RA seam, a pole and the equator.
const centre = fc.constantFrom<[number, number]>([0, 0], [359.9999, 0], [0, 89.9999], [123, -89.9998], [200, 30]);
const near = centre.chain(([ra, dec]) => fc.tuple(fc.double({ min: 0, max: 2.5, noNaN: true }), fc.double({ min: 0, max: 2 * Math.PI, noNaN: true })).map(([r, pa]) => offset(ra, dec, r, pa)));
const scene = fc.record({
  objects: fc.array(near, { maxLength: 25 }),
  sources: fc.array(fc.tuple(near, fc.constantFrom('g', 'r', null), fc.double({ min: -100, max: 1000, noNaN: true })), { maxLength: 25 }),
  eph: fc.array(fc.tuple(near, fc.option(fc.double({ min: 0.2, max: 3, noNaN: true }))), { maxLength: 4 }),
  perm: fc.integer({ min: 1, max: 1_000_000 }),
});

type SceneValue = typeof scene extends fc.Arbitrary<infer T> ? T : never;

function build(s: SceneValue): { objects: DiaObjectRecord[]; sources: DiaSourceRecord[]; eph: Ephemeris[] } {
  return {
    objects: s.objects.map(([ra, dec], i) => ({ diaObjectId: BigInt(100 + i * 3), ra, dec })),
    sources: s.sources.map(([[ra, dec], band, flux], i) => ({ diaSourceId: BigInt(5000 - i * 7), ra, dec, band, psfFlux: flux, psfFluxErr: 10, midpointMjdTai: 61000.2 })),
    eph: s.eph.map(([[ra, dec], r], i) => ({ ssObjectId: BigInt(900 + i), ra, dec, radiusArcsec: r })),
  };
}

function shuffle<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 48271) + 11) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const keyed = (r: AssociateResult): string[] => r.matches.map((m) => `${m.diaSourceId}:${m.diaObjectId}:${m.ssObjectId}:${m.isNew}:${m.separationArcsec}`).sort();

test('property: one source per object and per ssObject, exactly one outcome per source, all within radius', async () => {
  await fc.assert(
    fc.asyncProperty(scene, async (s) => {
      const { objects, sources, eph } = build(s);
      const store = new InMemoryDiaObjectStore(objects);
      const r = await associateVisit(store, { visit: 1n, diaSources: sources, ephemerides: eph }, { radiusArcsec: 1 });
      const objIds = new Set(objects.map((o) => o.diaObjectId));
      const seenObj = new Set<bigint>();
      const seenSso = new Set<bigint>();
      r.matches.forEach((m, i) => {
        const outcomes = [m.diaObjectId !== null && !m.isNew, m.ssObjectId !== null, m.isNew].filter(Boolean).length;
        assert.equal(outcomes, 1);
        if (m.diaObjectId !== null) {
          assert.ok(!seenObj.has(m.diaObjectId), 'object used twice');
          seenObj.add(m.diaObjectId);
          assert.equal(objIds.has(m.diaObjectId), !m.isNew, 'new ids never collide with existing ones');
        }
        if (m.ssObjectId !== null) {
          assert.ok(!seenSso.has(m.ssObjectId));
          seenSso.add(m.ssObjectId);
          const e = eph.find((x) => x.ssObjectId === m.ssObjectId)!;
          assert.ok(separationDeg(sources[i].ra, sources[i].dec, e.ra, e.dec) * 3600 <= (e.radiusArcsec ?? 1));
        }
        if (!m.isNew && m.diaObjectId !== null) {
          const o = objects.find((x) => x.diaObjectId === m.diaObjectId)!;
          assert.ok(separationDeg(sources[i].ra, sources[i].dec, o.ra, o.dec) * 3600 <= 1);
        }
        // A source only starts a new object when every object within the radius went to a closer source.
        if (m.isNew || m.ssObjectId !== null) {
          for (const o of objects) if (separationDeg(sources[i].ra, sources[i].dec, o.ra, o.dec) * 3600 <= 1) assert.ok(seenObjAfter(r, o.diaObjectId));
        }
      });
    }),
    { numRuns: 200 },
  );
});

function seenObjAfter(r: AssociateResult, id: bigint): boolean {
  return r.matches.some((m) => m.diaObjectId === id);
}

test('property: deterministic under permutation of sources, objects and ephemerides', async () => {
  await fc.assert(
    fc.asyncProperty(scene, async (s) => {
      const { objects, sources, eph } = build(s);
      const a = await associateVisit(new InMemoryDiaObjectStore(objects), { visit: 1n, diaSources: sources, ephemerides: eph });
      const b = await associateVisit(new InMemoryDiaObjectStore(shuffle(objects, s.perm)), { visit: 1n, diaSources: shuffle(sources, s.perm + 1), ephemerides: shuffle(eph, s.perm + 2) });
      assert.deepEqual(keyed(b), keyed(a));
      assert.deepEqual(b.newDiaObjects, a.newDiaObjects);
      assert.deepEqual(b.updatedDiaObjects, a.updatedDiaObjects);
    }),
    { numRuns: 150 },
  );
});
