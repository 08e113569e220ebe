import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateNight } from '../../src/simulator/index.js';
import { evaluateExtendedness, extendednessStats, passesExtendedness } from '../../src/filters/extendedness.js';
import { hasSolarSystemAssociation } from '../../src/filters/solar-system.js';
import { buildAlertPacket } from '../../src/alerts/package.js';
import { decodePacket } from '../../src/formats/avro/decode-packet.js';
import { builtInResolver } from '../../src/formats/avro/builtin.js';

const night = [...simulateNight({ alerts: 400, seed: 11, ssFraction: 0.1 })];

test('simulator: solar-system alerts carry ssObjectId + ssSource and no diaObject; detection matches the truth exactly', () => {
  const ss = night.filter((s) => s.truth.isSolarSystem);
  assert.ok(ss.length >= 20, `${ss.length} solar-system alerts`);
  for (const { alert, truth } of night) {
    assert.equal(hasSolarSystemAssociation(alert as any), truth.isSolarSystem);
    if (truth.isSolarSystem) {
      assert.equal(alert.diaSource.ssObjectId, truth.ssObjectId);
      assert.ok(alert.ssSource && alert.diaObject === null);
    }
  }
});

test('simulator: requireSsSource separates the two populations (wide thresholds)', () => {
  const withSs = night.filter((s) => passesExtendedness(s.alert, { requireSsSource: true }));
  const without = night.filter((s) => passesExtendedness(s.alert, { requireSsSource: false }));
  assert.ok(withSs.every((s) => s.truth.isSolarSystem));
  assert.ok(without.every((s) => !s.truth.isSolarSystem));
  // With the default [0, 1] thresholds, only alerts with no extendedness value at all are dropped.
  for (const { alert, truth } of night) {
    const v = evaluateExtendedness(alert, { requireSsSource: truth.isSolarSystem });
    assert.equal(v.pass, v.stats.count > 0, String(alert.diaSourceId));
  }
  assert.ok(withSs.length > 0 && without.length > 0);
});

test('simulator: a high median cut keeps mostly galaxy-hosted (extended) transients', () => {
  const kept = night.filter((s) => !s.truth.isSolarSystem && s.truth.kind !== 'bogus' && passesExtendedness(s.alert, { medianMin: 0.7, requireSsSource: false }));
  const extended = kept.filter((s) => s.truth.extended).length;
  assert.ok(kept.length > 0 && extended / kept.length > 0.8, `${extended}/${kept.length} extended`);
});

test('simulator: stats and solar-system status are the same on the v9, v10 and v11 packets of an alert', async () => {
  for (const { alert } of night.slice(0, 40)) {
    // The packets carry 365 days of history before the diaSource, so compare with the windowed alert.
    const want = extendednessStats(buildAlertPacket(alert).alert);
    for (const schema of ['lsst.v9_0', 'lsst.v10_0', 'lsst.v11_0'] as const) {
      const d = await decodePacket(buildAlertPacket(alert, { schema }).bytes, builtInResolver());
      // Floats were float32 in the simulator already, so nothing rounds.
      assert.deepEqual(extendednessStats(d), want, `${alert.diaSourceId} ${schema}`);
      assert.equal(hasSolarSystemAssociation(d.alert), hasSolarSystemAssociation(alert as any));
    }
  }
});
