import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAlertPacket, type AlertParts } from '../../src/alerts/package.js';
import { historyWindow } from '../../src/alerts/history.js';
import { createPackageAlertStep } from '../../src/alerts/step.js';
import { decodePacket } from '../../src/formats/avro/decode-packet.js';
import { builtInResolver } from '../../src/formats/avro/builtin.js';
import { parseWire } from '../../src/formats/avro/wire.js';
import { isAlertflowError } from '../../src/errors.js';
import { assertSameAlert, fakeFits, samples, type Rec } from './helpers.js';

const SCHEMAS = [['lsst.v9_0', 900], ['lsst.v10_0', 1000], ['lsst.v11_0', 1100]] as const;
const invalidAt = (field: string) => (e: unknown) => isAlertflowError(e, 'ERR_ALERT_INVALID') && e.details['field'] === field;

test('simulated parts package in v9, v10 and v11 with the right schema id; our decoder reads back the returned alert', async () => {
  const { history, bogus, ss } = samples();
  for (const parts of [history, bogus, ss]) {
    for (const [schema, id] of SCHEMAS) {
      const r = buildAlertPacket(parts as object as AlertParts, { schema });
      assert.equal(parseWire(r.bytes).id, id);
      assert.equal(r.schemaId, id);
      const d = await decodePacket(r.bytes, builtInResolver());
      assert.equal(d.schema, schema);
      assertSameAlert(d.alert, r.alert);
    }
  }
  assert.equal(parseWire(buildAlertPacket(history as object as AlertParts).bytes).id, 1100, 'v11 is the default');
});

test('history: only the 365 days before the diaSource, oldest first, without the alert itself', () => {
  const { history } = samples();
  const ds = history['diaSource'] as Rec;
  const t = ds['midpointMjdTai'] as number;
  const at = (p: Rec, mjd: number, id?: bigint) => ({ ...p, midpointMjdTai: mjd, ...(id === undefined ? {} : { diaSourceId: id }) });
  const p0 = history['prvDiaSources'][0] as Rec;
  const prv = [at(p0, t - 10, 1n), at(p0, t - 400, 2n), at(p0, t - 365, 3n), at(p0, t, 4n), at(p0, t + 1, 5n), at(p0, t - 20, 6n), at(ds, t - 1)];
  const f0 = history['prvDiaForcedSources'][0] as Rec;
  const forced = [at(f0, t - 366), at(f0, t - 0.5), at(f0, t - 364.9)];
  const r = buildAlertPacket({ ...history, prvDiaSources: prv, prvDiaForcedSources: forced } as object as AlertParts);
  assert.deepEqual((r.alert['prvDiaSources'] as Rec[]).map((p) => p['diaSourceId']), [3n, 6n, 1n]);
  assert.deepEqual((r.alert['prvDiaForcedSources'] as Rec[]).map((p) => p['midpointMjdTai']), [t - 364.9, t - 0.5]);
  const shorter = buildAlertPacket({ ...history, prvDiaSources: prv } as object as AlertParts, { historyDays: 15 });
  assert.deepEqual((shorter.alert['prvDiaSources'] as Rec[]).map((p) => p['diaSourceId']), [1n]);
  assert.deepEqual(historyWindow(null, t, 365, 'x'), null);
});

test('edge cases: null diaObject with ssSource (+orbit or not), empty history, null cutouts', async () => {
  const { ss, ssNoOrbit, history } = samples();
  for (const parts of [ss, ssNoOrbit, { ...history, prvDiaSources: [], prvDiaForcedSources: [] }, { ...history, cutoutDifference: null, cutoutScience: undefined, cutoutTemplate: null }]) {
    if (!parts) continue;
    for (const [schema] of SCHEMAS) {
      const r = buildAlertPacket(parts as object as AlertParts, { schema });
      const d = await decodePacket(r.bytes, builtInResolver());
      assertSameAlert(d.alert, r.alert);
    }
  }
  const empty = buildAlertPacket({ ...history, prvDiaSources: [], prvDiaForcedSources: [] } as object as AlertParts).alert;
  assert.deepEqual([empty['prvDiaSources'], empty['prvDiaForcedSources']], [[], []]);
  const nul = buildAlertPacket({ ...history, cutoutDifference: null, cutoutScience: undefined, cutoutTemplate: null } as object as AlertParts).alert;
  assert.deepEqual([nul['cutoutDifference'], nul['cutoutScience'], nul['cutoutTemplate']], [null, null, null]);
  const s = buildAlertPacket(ss as object as AlertParts).alert;
  assert.equal(s['diaObject'], null);
  assert.equal(s['prvDiaSources'], null);
});

test('v9 packaging maps ssSource and orbit names; v11 record values stay exact', async () => {
  const { ss } = samples();
  const r = buildAlertPacket(ss as object as AlertParts, { schema: 'lsst.v9_0' });
  const a = r.alert as Rec;
  assert.equal(a['ssSource']['eclipticLambda'], ss['ssSource']['eclLambda']);
  assert.equal(a['ssSource']['heliocentricDist'], Math.fround(ss['ssSource']['helioRange']));
  assert.equal(a['ssSource']['residualRa'], null, 'no v11 counterpart with the same meaning');
  assert.equal(a['MPCORB']['mpcDesignation'], ss['mpc_orbits']['packed_primary_provisional_designation']);
  assert.equal(a['MPCORB']['incl'], ss['mpc_orbits']['i']);
  assert.equal(a['MPCORB']['ssObjectId'], ss['ssSource']['ssObjectId']);
  assert.ok(!('mpc_orbits' in a));
  assert.equal(a['diaSource']['diaSourceId'], ss['diaSource']['diaSourceId']);
});

test('missing optional fields get null; floats are rounded to float32 as a reader sees them', () => {
  const { history } = samples();
  const ds = { ...(history['diaSource'] as Rec) };
  delete ds['snr'];
  ds['ra'] = 12.345678901234567;
  ds['psfFlux'] = 0.1;
  const a = buildAlertPacket({ ...history, diaSource: ds } as object as AlertParts).alert as Rec;
  assert.equal(a['diaSource']['snr'], null);
  assert.equal(a['diaSource']['ra'], 12.345678901234567);
  assert.equal(a['diaSource']['psfFlux'], Math.fround(0.1));
  assert.equal(buildAlertPacket({ ...history, observation_reason: undefined } as object as AlertParts).alert['observation_reason'], null);
});

test('invalid input: ERR_ALERT_INVALID naming the field', () => {
  const { history, ss } = samples();
  const ds = history['diaSource'] as Rec;
  const without = (r: Rec, k: string) => Object.fromEntries(Object.entries(r).filter(([x]) => x !== k));
  const cases: [unknown, string, object?][] = [
    [{ ...history, diaSource: without(ds, 'visit') }, 'diaSource.visit'],
    [{ ...history, diaSource: { ...ds, ra: '12' } }, 'diaSource.ra'],
    [{ ...history, diaSource: { ...ds, detector: 1.5 } }, 'diaSource.detector'],
    [{ ...history, diaSource: { ...ds, extendednes: 0.3 } }, 'diaSource.extendednes'],
    [{ ...history, diaSource: { ...ds, psfNdata: null } }, 'diaSource.psfNdata'],
    [{ ...history, prvDiaSources: [history['prvDiaSources'][0], { ...history['prvDiaSources'][1], diaSourceId: 'x' }] }, 'prvDiaSources[1].diaSourceId'],
    [{ ...history, prvDiaForcedSources: 'none' }, 'prvDiaForcedSources'],
    [{ ...history, cutoutScience: new Uint8Array([1, 2, 3]) }, 'cutoutScience'],
    [{ ...history, cutoutTemplate: 'FITS' }, 'cutoutTemplate'],
    [{ ...history, diaObject: null }, 'diaObject'],
    [{ ...history, diaObject: { ...history['diaObject'], diaObjectId: 1n } }, 'diaObject.diaObjectId'],
    [{ ...ss, ssSource: { ...ss['ssSource'], diaSourceId: 5n } }, 'ssSource.diaSourceId'],
    [{ ...history, mpc_orbits: ss['mpc_orbits'] }, 'mpc_orbits'],
    [{ ...history, diaSourceId: 1n }, 'diaSourceId'],
    [{ ...history, somethingElse: 1 }, 'somethingElse'],
    [{ ...ss, mpc_orbits: without(ss['mpc_orbits'], 'designation') }, 'mpc_orbits.designation'],
  ];
  for (const [parts, field, opts] of cases) assert.throws(() => buildAlertPacket(parts as object as AlertParts, opts), invalidAt(field), field);
});

test('v11 null counts: an error by default, 0 with nullCountsAsZero; v10 keeps the null', () => {
  const { history } = samples();
  const parts = { ...history, diaSource: { ...history['diaSource'], psfNdata: null } } as object as AlertParts;
  assert.equal((buildAlertPacket(parts, { nullCountsAsZero: true }).alert['diaSource'] as Rec)['psfNdata'], 0);
  assert.equal((buildAlertPacket(parts, { schema: 'lsst.v10_0' }).alert['diaSource'] as Rec)['psfNdata'], null);
});

test('options: ERR_STEP_CONFIG for an unknown schema, negative historyDays, unknown keys', () => {
  const { history } = samples();
  for (const o of [{ schema: 'lsst.v8_0' }, { historyDays: -1 }, { historyDays: '365' }, { schemaa: 'lsst.v11_0' }, { checkCutouts: 'no' }]) {
    assert.throws(() => buildAlertPacket(history as object as AlertParts, o as never), (e) => isAlertflowError(e, 'ERR_STEP_CONFIG'), JSON.stringify(o));
    assert.throws(() => createPackageAlertStep(o as never), (e) => isAlertflowError(e, 'ERR_STEP_CONFIG'));
  }
  // checkCutouts: false lets any bytes through.
  assert.doesNotThrow(() => buildAlertPacket({ ...history, cutoutScience: new Uint8Array([1]) } as object as AlertParts, { checkCutouts: false }));
  assert.doesNotThrow(() => buildAlertPacket({ ...history, cutoutScience: fakeFits() } as object as AlertParts));
});

test('step: parts, DecodedAlerts and { alert, truth } in; DecodedAlerts with raw wire bytes out; bad parts are per-record failures', async () => {
  const { history } = samples();
  const step = createPackageAlertStep({ schema: 'lsst.v10_0' });
  const decoded = { kind: 'alert', survey: 'lsst', schema: 'lsst.v11_0', alert: history };
  const results = await step([history, decoded, { alert: history, truth: {} }, { nope: 1 }, { ...history, diaObject: null }]);
  for (const r of results.slice(0, 3)) {
    assert.ok(r.ok);
    const out = r.out[0]!;
    assert.equal(out.schema, 'lsst.v10_0');
    assert.equal(parseWire(out.raw!.bytes).id, 1000);
  }
  assert.ok(!results[3]!.ok && results[3]!.error.code === 'ERR_ALERT_INVALID');
  assert.ok(!results[4]!.ok && results[4]!.error.details?.['field'] === 'diaObject');
});
