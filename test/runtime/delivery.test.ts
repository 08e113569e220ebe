import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DeliveryTracker, deriveToken } from '../../src/runtime/delivery.js';
import { compilePredicate } from '../../src/runtime/predicate.js';
import { LatencyHistogram } from '../../src/runtime/metrics.js';

test('commit point never passes an unacknowledged record', () => {
  const t = new DeliveryTracker();
  const a = t.register({ partition: 'p', offset: 0 });
  const b = t.register({ partition: 'p', offset: 1 });
  const c = t.register({ partition: 'p', offset: 2 });
  t.addRefs(b, 1); // b fans out to two sinks
  t.release(c);
  assert.deepEqual([...t.takeCommittable()], [['p', 0]]);
  t.release(a);
  assert.deepEqual([...t.takeCommittable()], [['p', 1]]);
  t.release(b);
  assert.deepEqual([...t.takeCommittable()], []); // b still owes one output
  t.release(b);
  assert.deepEqual([...t.takeCommittable()], [['p', 3]]);
  assert.equal(t.inFlight, 0);
  assert.throws(() => t.release(b), /released twice/);
});

test('property: committed offset is exactly the first unacknowledged one', () => {
  fc.assert(
    fc.property(fc.array(fc.nat(5), { minLength: 1, maxLength: 60 }), fc.array(fc.nat(1000)), (extraRefs, releaseOrder) => {
      const t = new DeliveryTracker();
      const tokens = extraRefs.map((r, i) => {
        const tok = t.register({ partition: 'p', offset: i });
        t.addRefs(tok, r);
        return tok;
      });
      const owed = extraRefs.map((r) => r + 1);
      let committed = 0;
      for (const pick of releaseOrder) {
        const open = owed.map((o, i) => (o > 0 ? i : -1)).filter((i) => i >= 0);
        if (open.length === 0) break;
        const i = open[pick % open.length];
        t.release(tokens[i]);
        owed[i]--;
        const next = t.takeCommittable().get('p');
        if (next !== undefined) committed = next;
        const firstOwed = owed.findIndex((o) => o > 0);
        assert.equal(committed, firstOwed === -1 ? owed.length : firstOwed);
      }
    }),
  );
});

test('waitBelow resolves once enough records are acknowledged', async () => {
  const t = new DeliveryTracker();
  const toks = [0, 1, 2].map((offset) => t.register({ partition: 'p', offset }));
  let resolved = false;
  const waiting = t.waitBelow(2).then(() => (resolved = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(resolved, false);
  t.release(toks[0]);
  t.release(toks[1]);
  await waiting;
  assert.equal(resolved, true);
});

test('predicates compare 64-bit ids exactly and combine', () => {
  const big = { alert: { diaSourceId: 9007199254740993n, diaSource: { snr: 7.5, band: 'g', ssObjectId: null } } };
  assert.equal(compilePredicate({ field: 'alert.diaSourceId', op: '==', value: '9007199254740993' })(big), true);
  assert.equal(compilePredicate({ field: 'alert.diaSourceId', op: '==', value: 9007199254740992 })(big), false);
  assert.equal(compilePredicate({ field: 'alert.diaSourceId', op: '>', value: '9007199254740992' })(big), true);
  assert.equal(compilePredicate({ all: [{ field: 'alert.diaSource.snr', op: '>=', value: 5 }, { field: 'alert.diaSource.band', op: 'in', value: ['g', 'r'] }] })(big), true);
  assert.equal(compilePredicate({ not: { field: 'alert.diaSource.ssObjectId', op: 'exists' } })(big), true);
  assert.equal(compilePredicate({ field: 'alert.missing.field', op: '<', value: 3 })(big), false);
  assert.throws(() => compilePredicate({ field: 'x', op: '~' as never }), (e: any) => e.code === 'ERR_PREDICATE');
});

test('latency histogram percentiles are within 2% of the exact ones', () => {
  const h = new LatencyHistogram();
  const values = Array.from({ length: 10000 }, (_, i) => 0.5 + ((i * 7919) % 10000) / 100);
  for (const v of values) h.record(v);
  const sorted = [...values].sort((a, b) => a - b);
  for (const q of [0.5, 0.99]) {
    const exact = sorted[Math.ceil(q * sorted.length) - 1];
    assert.ok(Math.abs(h.quantile(q) - exact) / exact < 0.02, `q=${q}: ${h.quantile(q)} vs ${exact}`);
  }
});

test('deriveToken: a derived output holds every parent until it is acknowledged, then releases each once', () => {
  const tracker = new DeliveryTracker();
  const t = [0, 1, 2].map((offset) => tracker.register({ partition: 'p', offset }));
  tracker.addRefs(t[2], 1); // t2 owes the derived output and stays held for a later window
  const d = deriveToken([t[2], t[0], t[1]], 2); // two copies of one output (fan-out)
  assert.deepEqual([...tracker.takeCommittable()], [['p', 0]]);
  tracker.release(d);
  assert.deepEqual([...tracker.takeCommittable()], [], 'one copy still unacknowledged');
  tracker.release(d);
  assert.deepEqual([...tracker.takeCommittable()], [['p', 2]], 't0 and t1 delivered; t2 still held');
  tracker.release(t[2]);
  assert.deepEqual([...tracker.takeCommittable()], [['p', 3]]);
  assert.throws(() => deriveToken([], 1));
});
