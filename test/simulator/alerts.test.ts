import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateNight, type SimulatedAlert } from '../../src/simulator/index.js';
import { readFits } from '../../src/fits/read.js';
import { tanSkyToPixel } from '../../src/fits/tan.js';
import { tanWcsFromCards } from '../../src/fits/wcs-header.js';
import { lsstAlertType, SCHEMA_MISSING } from './lsst-schema.js';

const sample: SimulatedAlert[] = [...simulateNight({ alerts: 400, seed: 11 })];

test('every alert validates against the official lsst.v11_0 schema', { skip: SCHEMA_MISSING }, () => {
  const type = lsstAlertType();
  for (const { alert } of sample) {
    const paths: string[] = [];
    const ok = type.isValid(alert, { errorHook: (p: string[]) => paths.push(p.join('.')) });
    assert.ok(ok, `alert ${alert.diaSourceId} invalid at ${paths.slice(0, 5).join(', ')}`);
  }
});

test('packets are about 80 KB on average', { skip: SCHEMA_MISSING }, () => {
  const type = lsstAlertType();
  let bytes = 0;
  for (const { alert } of sample.slice(0, 200)) bytes += type.toBuffer(alert).length;
  const meanKB = bytes / 200 / 1024;
  assert.ok(meanKB > 40 && meanKB < 120, `mean packet ${meanKB.toFixed(1)} KB`);
});

test('every schema field is present and every number finite', () => {
  const check = (v: unknown, path: string): void => {
    if (v === undefined) assert.fail(`${path} is undefined`);
    if (typeof v === 'number' && !Number.isFinite(v)) assert.fail(`${path} = ${v}`);
    else if (Array.isArray(v)) v.forEach((x, i) => check(x, `${path}.${i}`));
    else if (v && typeof v === 'object' && !Buffer.isBuffer(v)) for (const [k, x] of Object.entries(v)) check(x, `${path}.${k}`);
  };
  for (const { alert } of sample) check(alert, 'alert');
  assert.equal(Object.keys(sample[0]!.alert.diaSource).length, 98);
});

test('ids are 64-bit, unique and partly above 2^53', () => {
  const ids = sample.map((s) => s.alert.diaSourceId);
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(ids.every((id) => typeof id === 'bigint' && id > 2n ** 53n && id < 2n ** 63n));
  for (const { alert } of sample) assert.equal(alert.diaSource.diaSourceId, alert.diaSourceId);
});

test('solar-system alerts have ssSource and ssObjectId but no diaObject or history', () => {
  const ss = sample.filter((s) => s.truth.isSolarSystem);
  assert.ok(ss.length >= 2 && ss.length <= 40, `${ss.length} solar-system alerts of ${sample.length}`);
  for (const { alert, truth } of ss) {
    assert.equal(alert.diaObject, null);
    assert.equal(alert.diaSource.diaObjectId, null);
    assert.equal(alert.diaSource.ssObjectId, truth.ssObjectId);
    assert.equal(alert.ssSource?.ssObjectId, truth.ssObjectId);
    assert.equal(alert.ssSource?.diaSourceId, alert.diaSourceId);
    assert.equal(alert.prvDiaSources, null);
  }
  for (const { alert } of sample.filter((s) => !s.truth.isSolarSystem)) {
    assert.ok(alert.diaObject);
    assert.equal(alert.diaSource.ssObjectId, null);
    assert.equal(alert.diaObject.diaObjectId, alert.diaSource.diaObjectId);
  }
});

test('photometry is self-consistent and values are in range', () => {
  for (const { alert } of sample) {
    const s = alert.diaSource;
    assert.ok(s.psfFluxErr! > 0);
    assert.equal(s.snr, Math.fround(Math.abs(s.psfFlux!) / s.psfFluxErr!));
    assert.ok(s.snr! >= 4.99, `snr ${s.snr}`);
    assert.equal(s.isNegative, s.psfFlux! < 0);
    assert.ok(s.reliability! >= 0 && s.reliability! <= 1);
    if (s.extendedness !== null) assert.ok(s.extendedness >= 0 && s.extendedness <= 1);
    assert.ok('ugrizy'.includes(s.band!));
    assert.ok(s.detector >= 0 && s.detector < 189);
  }
  const ext = (kind: string) => sample.filter((x) => x.truth.kind === kind && x.alert.diaSource.extendedness !== null).map((x) => x.alert.diaSource.extendedness!);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(mean(ext('variable-star')) < 0.2);
  assert.ok(mean(ext('agn')) > 0.6);
  assert.ok(sample.some((x) => x.alert.diaSource.extendedness === null));
});

test('histories are months long, ordered, and agree with the diaObject', () => {
  const withHistory = sample.filter((s) => (s.alert.prvDiaSources?.length ?? 0) > 0);
  assert.ok(withHistory.length > sample.length / 2);
  const counts = withHistory.map((s) => s.alert.prvDiaSources!.length);
  assert.ok(Math.max(...counts) > 24, 'dozens of previous sources');
  for (const { alert } of withHistory) {
    const prv = alert.prvDiaSources!;
    const now = alert.diaSource.midpointMjdTai;
    for (let i = 0; i < prv.length; i++) {
      assert.ok(prv[i]!.midpointMjdTai <= now && prv[i]!.midpointMjdTai > now - 366);
      if (i) assert.ok(prv[i]!.midpointMjdTai >= prv[i - 1]!.midpointMjdTai);
      assert.equal(prv[i]!.diaObjectId, alert.diaObject!.diaObjectId);
    }
    for (const f of alert.prvDiaForcedSources!) assert.equal(f.diaObjectId, alert.diaObject!.diaObjectId);
    const o = alert.diaObject!;
    assert.equal(o.nDiaSources, prv.length + 1);
    const ndata = o.u_psfFluxNdata + o.g_psfFluxNdata + o.r_psfFluxNdata + o.i_psfFluxNdata + o.z_psfFluxNdata + o.y_psfFluxNdata;
    assert.equal(ndata, o.nDiaSources);
    assert.equal(o.firstDiaSourceMjdTai, prv[0]!.midpointMjdTai);
    assert.equal(o.lastDiaSourceMjdTai, now);
  }
});

test('cutouts are FITS float32 stamps whose WCS puts the source at the centre', () => {
  for (const { alert, truth } of sample.slice(0, 50)) {
    for (const bytes of [alert.cutoutDifference!, alert.cutoutScience!, alert.cutoutTemplate!]) {
      const img = readFits(bytes);
      assert.equal(img.bitpix, -32);
      assert.deepEqual(img.axes, [30, 30]);
      const wcs = tanWcsFromCards(img.cards)!;
      assert.equal(wcs.crval[0], alert.diaSource.ra);
      assert.equal(wcs.crval[1], alert.diaSource.dec);
      const [x, y] = tanSkyToPixel(wcs, truth.ra, truth.dec);
      assert.ok(Math.abs(x - 15.5) < 3 && Math.abs(y - 15.5) < 3, `source at (${x}, ${y})`);
    }
    // The difference image peaks near the source for bright detections.
    if (alert.diaSource.snr! > 30 && !truth.isSolarSystem) {
      const d = readFits(alert.cutoutDifference!).data as Float32Array;
      let best = 0;
      for (let i = 1; i < d.length; i++) if (Math.abs(d[i]!) > Math.abs(d[best]!)) best = i;
      assert.ok(Math.abs((best % 30) + 1 - 15.5) < 4 && Math.abs(Math.floor(best / 30) + 1 - 15.5) < 4);
    }
  }
});

test('cutoutSize changes the stamps but not the catalogue values', () => {
  const a = [...simulateNight({ alerts: 20, seed: 4 })];
  const b = [...simulateNight({ alerts: 20, seed: 4, cutoutSize: 16 })];
  assert.deepEqual(readFits(b[0]!.alert.cutoutScience!).axes, [16, 16]);
  assert.deepEqual(a.map((x) => x.alert.diaSource), b.map((x) => x.alert.diaSource));
});
