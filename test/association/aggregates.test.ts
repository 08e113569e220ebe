import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DIA_BANDS, diaObjectFromSources } from '../../src/association/aggregates.js';
import { associateVisit } from '../../src/association/associate-visit.js';
import { InMemoryDiaObjectStore } from '../../src/association/memory-store.js';
import type { DiaObjectRecord, DiaSourceRecord } from '../../src/association/types.js';
import { separationDeg } from '../../src/sky/vector.js';
import { existsSync, readFileSync } from 'node:fs';
import { offset } from './scene.js';

/** The textbook definitions, written out plainly, to check the optimised code against. */
function direct(sources: DiaSourceRecord[], band: string): Record<string, number | null> {
  const s = sources.filter((x) => x.band === band && typeof x.psfFlux === 'number');
  const f = s.map((x) => x.psfFlux as number);
  const n = f.length;
  const withErr = s.filter((x) => typeof x.psfFluxErr === 'number' && (x.psfFluxErr as number) > 0);
  const w = withErr.map((x) => 1 / (x.psfFluxErr as number) ** 2);
  const sw = w.reduce((a, b) => a + b, 0);
  const mean = n === 0 ? null : sw > 0 ? withErr.reduce((a, x, i) => a + w[i] * (x.psfFlux as number), 0) / sw : f.reduce((a, b) => a + b, 0) / n;
  const plain = f.reduce((a, b) => a + b, 0) / n;
  const timed = s.filter((x) => typeof x.midpointMjdTai === 'number').sort((a, b) => (a.midpointMjdTai as number) - (b.midpointMjdTai as number) || (a.diaSourceId < b.diaSourceId ? -1 : 1));
  let slope: number | null = null;
  for (let i = 1; i < timed.length; i++) {
    const dt = (timed[i].midpointMjdTai as number) - (timed[i - 1].midpointMjdTai as number);
    if (dt > 0) slope = Math.max(slope ?? -Infinity, ((timed[i].psfFlux as number) - (timed[i - 1].psfFlux as number)) / dt);
  }
  const errs = sources.filter((x) => x.band === band && typeof x.psfFluxErr === 'number').map((x) => x.psfFluxErr as number);
  return {
    psfFluxNdata: n,
    psfFluxMean: mean,
    psfFluxMeanErr: sw > 0 && n > 0 ? Math.sqrt(1 / sw) : null,
    psfFluxSigma: n > 1 ? Math.sqrt(f.reduce((a, x) => a + (x - plain) ** 2, 0) / (n - 1)) : null,
    psfFluxMin: n ? Math.min(...f) : null,
    psfFluxMax: n ? Math.max(...f) : null,
    psfFluxMaxSlope: slope,
    psfFluxErrMean: errs.length ? errs.reduce((a, b) => a + b, 0) / errs.length : null,
  };
}

function close(actual: unknown, expected: number | null, what: string): void {
  if (expected === null) return assert.equal(actual, null, what);
  assert.equal(typeof actual, 'number', what);
  // Float fields are float32 in the schema.
  assert.ok(Math.abs((actual as number) - expected) <= 1e-6 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

function checkObject(o: DiaObjectRecord, sources: DiaSourceRecord[]): void {
  assert.equal(o.nDiaSources, sources.length);
  for (const b of DIA_BANDS) {
    const d = direct(sources, b);
    for (const [k, v] of Object.entries(d)) close(o[`${b}_${k}`], v, `${b}_${k}`);
    assert.equal(o[`${b}_fpFluxMean`], null);
  }
  const times = sources.map((s) => s.midpointMjdTai).filter((t): t is number => typeof t === 'number');
  assert.equal(o.firstDiaSourceMjdTai, times.length ? Math.min(...times) : null);
  assert.equal(o.lastDiaSourceMjdTai, times.length ? Math.max(...times) : null);
  // The position is the mean direction: no source is farther from it than the spread of the sources.
  const spread = Math.max(...sources.flatMap((a) => sources.map((b) => separationDeg(a.ra, a.dec, b.ra, b.dec))));
  for (const s of sources) assert.ok(separationDeg(o.ra, o.dec, s.ra, s.dec) <= spread + 1e-12);
}

const sourceArb = fc.record({
  band: fc.constantFrom('u', 'g', 'r', 'i', 'z', 'y', null),
  psfFlux: fc.option(fc.double({ min: -1e4, max: 1e5, noNaN: true }), { freq: 5 }),
  psfFluxErr: fc.option(fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 500, noNaN: true })), { freq: 5 }),
  midpointMjdTai: fc.option(fc.integer({ min: 0, max: 50 }).map((k) => 61000 + k / 8), { freq: 5 }),
  r: fc.double({ min: 0, max: 1, noNaN: true }),
  pa: fc.double({ min: 0, max: 6.3, noNaN: true }),
});

test('property: aggregates equal a direct recomputation from the sources', () => {
  fc.assert(
    fc.property(fc.array(sourceArb, { minLength: 1, maxLength: 20 }), fc.constantFrom<[number, number]>([0, 0], [359.9999, 10], [5, 89.9999]), (raw, [ra0, dec0]) => {
      const sources: DiaSourceRecord[] = raw.map((x, i) => {
        const [ra, dec] = offset(ra0, dec0, x.r, x.pa);
        return { diaSourceId: BigInt(i + 1), ra, dec, band: x.band, psfFlux: x.psfFlux, psfFluxErr: x.psfFluxErr, midpointMjdTai: x.midpointMjdTai };
      });
      checkObject(diaObjectFromSources(1n, sources, 61001), sources);
    }),
    { numRuns: 300 },
  );
});

test('position errors: error of the unweighted mean when every source has them, else null', () => {
  const a = { diaSourceId: 1n, ra: 10, dec: 0, raErr: 3e-5, decErr: 4e-5, ra_dec_Cov: 1e-10 };
  const b = { diaSourceId: 2n, ra: 10.0002, dec: 0, raErr: 4e-5, decErr: 3e-5, ra_dec_Cov: 3e-10 };
  const o = diaObjectFromSources(1n, [a, b], null);
  assert.ok(Math.abs((o.raErr as number) - 2.5e-5) < 1e-10);
  assert.ok(Math.abs((o.decErr as number) - 2.5e-5) < 1e-10);
  assert.ok(Math.abs((o.ra_dec_Cov as number) - 1e-10) < 1e-15);
  assert.ok(Math.abs(o.ra - 10.0001) < 1e-9);
  assert.equal(diaObjectFromSources(1n, [a, { ...b, raErr: null }], null).raErr, null);
});

test('the record has exactly the lsst.v11_0 diaObject fields, in schema order', { skip: existsSync('../shared/data/lsst-alert-packet/11.0/lsst.v11_0.diaObject.avsc') ? false : '../shared/data not found (CI has it)' }, () => {
  const schema = JSON.parse(readFileSync('../shared/data/lsst-alert-packet/11.0/lsst.v11_0.diaObject.avsc', 'utf8')) as { fields: { name: string }[] };
  const o = diaObjectFromSources(1n, [{ diaSourceId: 1n, ra: 1, dec: 2, band: 'r', psfFlux: 5, psfFluxErr: 1 }], 61000);
  assert.deepEqual(Object.keys(o), schema.fields.map((f) => f.name));
});

test('aggregates after several visits equal a recomputation from the stored sources', async () => {
  const store = new InMemoryDiaObjectStore();
  const rng = (k: number): number => ((Math.imul(k, 2654435761) >>> 0) % 10000) / 10000;
  let id = 1n;
  let last: DiaObjectRecord[] = [];
  for (let v = 0; v < 6; v++) {
    const diaSources = Array.from({ length: 30 }, (_, k) => {
      const [ra, dec] = offset(k < 15 ? 359.9999 : 40, k < 15 ? 0 : -89.9999, 0.2 * rng(v * 100 + k), 0);
      return { diaSourceId: id++, ra: k < 15 ? ra : (ra + k * 24) % 360, dec: k < 15 ? dec + k * 0.01 : dec, band: 'ugrizy'[(v + k) % 6], psfFlux: 1000 * rng(v * 7 + k), psfFluxErr: 10 + rng(k), midpointMjdTai: 61000 + v * 0.03 };
    });
    const r = await associateVisit(store, { visit: BigInt(v), midpointMjdTai: 61000 + v * 0.03, diaSources });
    last = r.updatedDiaObjects;
    for (const o of [...r.updatedDiaObjects, ...r.newDiaObjects]) checkObject(o, (await store.sourcesOf([o.diaObjectId])).get(o.diaObjectId)!);
  }
  assert.ok(last.length > 0 && last.every((o) => (o.nDiaSources as number) >= 2));
});
