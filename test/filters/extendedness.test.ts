import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { extendednessStats, evaluateExtendedness, passesExtendedness, resolveExtendednessConfig, statsOf } from '../../src/filters/extendedness.js';
import { hasSolarSystemAssociation, isSolarSystemTag } from '../../src/filters/solar-system.js';
import { alertToLocus, createExtendednessLocusFilter, type Locus } from '../../src/filters/locus.js';
import { builtInResolver, requireBuiltInSchema } from '../../src/formats/avro/builtin.js';
import { decodePacket } from '../../src/formats/avro/decode-packet.js';
import { encodeBody } from '../../src/formats/avro/body.js';
import { encodeWire } from '../../src/formats/avro/wire.js';
import { isAlertflowError } from '../../src/errors.js';
import { data, needsData } from '../formats/helpers.js';
import { alertWith, type Rec } from './helpers.js';

const code = (c: string) => (e: unknown) => isAlertflowError(e) && e.code === c;
const f32 = Math.fround;

test('stats: odd count median is the middle value; even count is the mean of the two middle values', () => {
  assert.deepEqual(extendednessStats(alertWith([0.5, 0.1, 0.9])), { median: 0.5, min: 0.1, max: 0.9, count: 3 });
  assert.deepEqual(extendednessStats(alertWith([0.9, 0.1, 0.5, 0.3])), { median: (0.3 + 0.5) / 2, min: 0.1, max: 0.9, count: 4 });
  assert.deepEqual(statsOf([]), { median: null, min: null, max: null, count: 0 });
});

test('stats: nulls and NaN are ignored; prvDiaSources null is fine; an own-id duplicate counts once', () => {
  assert.deepEqual(extendednessStats(alertWith([null, 0.2, NaN, 0.4])), { median: 0.30000000000000004, min: 0.2, max: 0.4, count: 2 });
  assert.deepEqual(extendednessStats(alertWith([0.7], { prv: 'null' })), { median: 0.7, min: 0.7, max: 0.7, count: 1 });
  const a = alertWith([0.2, 0.8]);
  a.prvDiaSources.push({ ...a.diaSource });
  assert.equal(extendednessStats(a).count, 2);
});

test('an alert with no extendedness value never passes', () => {
  const a = alertWith([null, NaN]);
  assert.equal(extendednessStats(a).count, 0);
  assert.equal(passesExtendedness(a, { requireSsSource: false }), false);
});

test('pass iff every threshold and the solar-system requirement hold (bounds inclusive)', () => {
  const a = alertWith([0.5, 0.2, 0.8]); // median .5, min .2, max .8
  const base = { requireSsSource: false };
  assert.equal(passesExtendedness(a, base), true);
  assert.equal(passesExtendedness(a, { ...base, medianMin: 0.5, medianMax: 0.5 }), true);
  assert.equal(passesExtendedness(a, { ...base, medianMin: 0.51 }), false);
  assert.equal(passesExtendedness(a, { ...base, medianMax: 0.49 }), false);
  assert.equal(passesExtendedness(a, { ...base, minThreshold: 0.2 }), true);
  assert.equal(passesExtendedness(a, { ...base, minThreshold: 0.21 }), false);
  assert.equal(passesExtendedness(a, { ...base, maxThreshold: 0.8 }), true);
  assert.equal(passesExtendedness(a, { ...base, maxThreshold: 0.79 }), false);
  assert.equal(passesExtendedness(a, { requireSsSource: true }), false);
  // DecodedAlert wrapper works the same.
  assert.equal(passesExtendedness({ kind: 'alert', survey: 'lsst', schema: 'lsst.v11_0', alert: a }, base), true);
});

test('config validation: ERR_STEP_CONFIG for a missing requireSsSource, bad numbers, empty ranges, unknown keys', () => {
  for (const bad of [{}, { requireSsSource: 'yes' }, { requireSsSource: true, medianMin: NaN }, { requireSsSource: true, medianMin: '0' }, { requireSsSource: true, medianMin: 0.6, medianMax: 0.5 }, { requireSsSource: true, minThreshold: 1, maxThreshold: 0 }, { requireSsSource: true, medianMinn: 0 }, null, []]) {
    assert.throws(() => resolveExtendednessConfig(bad), code('ERR_STEP_CONFIG'), JSON.stringify(bad));
  }
  assert.deepEqual(resolveExtendednessConfig({ requireSsSource: true }), { medianMin: 0, medianMax: 1, minThreshold: 0, maxThreshold: 1, requireSsSource: true });
});

test('non-Rubin input is ERR_ALERT_INVALID', () => {
  assert.throws(() => extendednessStats({ kind: 'alert', survey: 'ztf', schema: 'ztf 4.02', alert: { candid: 1n } }), code('ERR_ALERT_INVALID'));
  assert.throws(() => passesExtendedness(42, { requireSsSource: false }), code('ERR_ALERT_INVALID'));
});

test('solar-system association: ssObjectId (non-zero), ssSource, mpc_orbits, MPCORB, ssObject, tags', () => {
  assert.equal(hasSolarSystemAssociation(alertWith([0.1])), false);
  assert.equal(hasSolarSystemAssociation(alertWith([0.1], { ssObjectId: 0n })), false, 'v9 writes 0 for none');
  assert.equal(hasSolarSystemAssociation(alertWith([0.1], { ssObjectId: 5n })), true);
  assert.equal(hasSolarSystemAssociation(alertWith([0.1], { ssSource: { ssObjectId: 5n } })), true);
  assert.equal(hasSolarSystemAssociation(alertWith([0.1], { mpc: { id: 1 } })), true);
  assert.equal(hasSolarSystemAssociation({ ...alertWith([0.1]), MPCORB: { mpcDesignation: 'K15A12B' } }), true);
  assert.equal(hasSolarSystemAssociation({ ...alertWith([0.1]), ssObject: {} }), true);
  assert.equal(hasSolarSystemAssociation(alertWith([0.1]), ['nuclear', 'known_solar_system_object']), true);
  for (const t of ['solar_system', 'SSO', 'sso-candidate', 'asteroid', 'Minor Planet', 'comet', 'known_solar_system_object']) assert.equal(isSolarSystemTag(t), true, t);
  for (const t of ['lasso', 'solar_flare', 'extragalactic', 'galaxy', 'system']) assert.equal(isSolarSystemTag(t), false, t);
});

test('locus adapter: same decision and stats as the packet filter; tags when it passes', () => {
  const cfg = { medianMin: 0.3, requireSsSource: false };
  const a = alertWith([0.5, 0.2, 0.8, null]);
  const locus = alertToLocus(a);
  assert.equal(locus.alerts.length, 4);
  assert.equal(locus.alerts.at(-1)!.properties['lsst_diaSource_extendedness'], 0.5);
  const r = createExtendednessLocusFilter(cfg, { tag: 'extended_candidate' })(locus);
  assert.deepEqual({ pass: r.pass, stats: r.stats, ssSource: r.ssSource }, evaluateExtendedness(a, cfg));
  assert.deepEqual(locus.tags, ['extended_candidate']);
  // addTag is used when the locus has one; a solar-system tag flips the decision.
  const added: string[] = [];
  const tagged: Locus = { ...alertToLocus(a, ['asteroid']), addTag: (t) => added.push(t) };
  assert.equal(createExtendednessLocusFilter(cfg, { tag: 'x' })(tagged).pass, false);
  assert.equal(createExtendednessLocusFilter({ requireSsSource: true }, { tag: 'x' })(tagged).pass, true);
  assert.deepEqual(added, ['x']);
  // Plain property names work too.
  const plain: Locus = { properties: {}, tags: [], alerts: [{ properties: { extendedness: 0.9, ssObjectId: 12n } }] };
  assert.deepEqual(createExtendednessLocusFilter({ requireSsSource: true })(plain), { pass: true, stats: { median: 0.9, min: 0.9, max: 0.9, count: 1 }, ssSource: true });
});

// ---- golden: the real packets in ../shared/data ----

test('golden: BOOM LSST v9 packet: extendedness NaN, ssObjectId 0, no history → no stats, no ssSource, fails', { skip: needsData }, async () => {
  const d = await decodePacket(readFileSync(data('boom-test-alerts', 'lsst', '7912941781254298.avro')), builtInResolver());
  const a = d.alert as Rec;
  assert.equal(d.schema, 'lsst.v9_0');
  // The decoded values the expectation is computed from:
  assert.ok(Number.isNaN(a['diaSource']['extendedness']));
  assert.equal(a['diaSource']['ssObjectId'], 0n);
  assert.equal(a['prvDiaSources'], null);
  assert.equal(a['ssSource'], null);
  assert.equal(a['MPCORB'], null);
  assert.deepEqual(extendednessStats(d), { median: null, min: null, max: null, count: 0 });
  assert.equal(hasSolarSystemAssociation(a), false);
  assert.deepEqual(evaluateExtendedness(d, { requireSsSource: false }), { pass: false, stats: { median: null, min: null, max: null, count: 0 }, ssSource: false });
});

for (const v of ['9.0', '10.0', '11.0']) {
  test(`golden: lsst-alert-packet ${v} fakeAlert: null extendedness on the diaSource and both prvDiaSources`, { skip: needsData }, async () => {
    const d = await decodePacket(readFileSync(data('lsst-alert-packet', v, 'sample_data', 'fakeAlert.avro')), builtInResolver());
    const a = d.alert as Rec;
    assert.equal(a['diaSource']['extendedness'], null);
    assert.deepEqual(a['prvDiaSources'].map((p: Rec) => p['extendedness']), [null, null]);
    assert.equal(a['diaSource']['ssObjectId'], null);
    assert.deepEqual(extendednessStats(d), { median: null, min: null, max: null, count: 0 });
    assert.equal(hasSolarSystemAssociation(a), false);
    assert.equal(passesExtendedness(d, { requireSsSource: false }), false);
  });

  test(`golden: ${v} fakeAlert with extendedness 0.25 / 0.75 / null written in and read back`, { skip: needsData }, async () => {
    const d = await decodePacket(readFileSync(data('lsst-alert-packet', v, 'sample_data', 'fakeAlert.avro')), builtInResolver());
    const a = structuredClone(d.alert) as Rec;
    a['diaSource']['extendedness'] = 0.25;
    a['prvDiaSources'][0]['extendedness'] = 0.75;
    const schema = requireBuiltInSchema(d.schema);
    const again = await decodePacket(encodeWire(schema.id!, encodeBody(schema.type, a)), builtInResolver());
    // By hand: values {0.25, 0.75} (null ignored) → median (0.25 + 0.75) / 2 = 0.5, min 0.25, max 0.75 (all exact in float32).
    assert.deepEqual(extendednessStats(again), { median: 0.5, min: 0.25, max: 0.75, count: 2 });
    assert.equal(passesExtendedness(again, { requireSsSource: false }), true);
    assert.equal(passesExtendedness(again, { requireSsSource: false, minThreshold: 0.3 }), false);
    a['diaSource']['extendedness'] = 0.1; // not exact in float32: the reader sees fround(0.1)
    const third = await decodePacket(encodeWire(schema.id!, encodeBody(schema.type, a)), builtInResolver());
    assert.deepEqual(extendednessStats(third), { median: (f32(0.1) + 0.75) / 2, min: f32(0.1), max: 0.75, count: 2 });
  });
}
