import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluateExtendedness, extendednessStats } from '../../src/filters/extendedness.js';
import { alertToLocus, createExtendednessLocusFilter } from '../../src/filters/locus.js';
import { alertWith } from './helpers.js';

const value = fc.oneof({ weight: 6, arbitrary: fc.float({ min: 0, max: 1, noNaN: true }) }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant(NaN) });
const values = fc.array(value, { minLength: 1, maxLength: 40 });
const bound = fc.double({ min: -0.2, max: 1.2, noNaN: true });

test('property: stats are invariant under any permutation of prvDiaSources', () => {
  fc.assert(
    fc.property(values, fc.integer(), (vs, seed) => {
      const a = alertWith(vs);
      const shuffled = [...a.prvDiaSources];
      let s = seed >>> 0;
      for (let i = shuffled.length - 1; i > 0; i--) {
        s = (s * 1103515245 + 12345) >>> 0;
        const j = s % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      assert.deepEqual(extendednessStats({ ...a, prvDiaSources: shuffled }), extendednessStats(a));
    }),
  );
});

test('property: min ≤ median ≤ max, count = number of usable values, null stats iff count 0', () => {
  fc.assert(
    fc.property(values, (vs) => {
      const s = extendednessStats(alertWith(vs));
      const usable = vs.filter((v): v is number => v !== null && !Number.isNaN(v));
      assert.equal(s.count, usable.length);
      if (s.count === 0) return assert.deepEqual(s, { median: null, min: null, max: null, count: 0 });
      assert.ok(s.min! <= s.median! && s.median! <= s.max!);
      assert.equal(s.min, Math.min(...usable));
      assert.equal(s.max, Math.max(...usable));
    }),
  );
});

test('property: adding null or NaN entries changes nothing', () => {
  fc.assert(
    fc.property(values, fc.array(fc.constantFrom(null, NaN), { maxLength: 5 }), (vs, junk) => {
      assert.deepEqual(extendednessStats(alertWith([...vs, ...junk])), extendednessStats(alertWith(vs)));
    }),
  );
});

test('property: pass is monotonic: widening any threshold never turns a pass into a fail', () => {
  fc.assert(
    fc.property(values, bound, bound, bound, bound, fc.double({ min: 0, max: 0.5, noNaN: true }), fc.boolean(), (vs, a, b, c, d, widen, ss) => {
      const alert = alertWith(vs, ss ? { ssObjectId: 9n } : {});
      const cfg = { medianMin: Math.min(a, b), medianMax: Math.max(a, b), minThreshold: Math.min(c, d), maxThreshold: Math.max(c, d), requireSsSource: ss };
      const wide = { medianMin: cfg.medianMin - widen, medianMax: cfg.medianMax + widen, minThreshold: cfg.minThreshold - widen, maxThreshold: cfg.maxThreshold + widen, requireSsSource: ss };
      if (evaluateExtendedness(alert, cfg).pass) assert.equal(evaluateExtendedness(alert, wide).pass, true);
      // …and the requirement flips the decision for every alert that has stats in range.
      assert.equal(evaluateExtendedness(alert, { ...cfg, requireSsSource: !ss }).pass, false);
    }),
  );
});

test('property: the locus adapter agrees with the packet filter', () => {
  fc.assert(
    fc.property(values, bound, bound, fc.boolean(), fc.boolean(), (vs, a, b, ss, want) => {
      const alert = alertWith(vs, ss ? { ssSource: { ssObjectId: 3n, diaSourceId: 1000n } } : {});
      const cfg = { medianMin: Math.min(a, b), medianMax: Math.max(a, b), requireSsSource: want };
      const r = createExtendednessLocusFilter(cfg)(alertToLocus(alert));
      assert.deepEqual(r, evaluateExtendedness(alert, cfg));
    }),
  );
});
