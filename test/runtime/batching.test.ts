import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Subject, lastValueFrom, toArray } from 'rxjs';
import { batches } from '../../src/runtime/rx-helpers.js';
import { LatencyHistogram, RecentLatency } from '../../src/runtime/metrics.js';

test('batches(size, 0): what is emitted together stays together, split at size, flushed at the next turn', async () => {
  const input = new Subject<number>();
  const out = lastValueFrom(input.pipe(batches(4, 0), toArray()));
  for (let i = 0; i < 6; i++) input.next(i); // one synchronous burst
  await new Promise((r) => setImmediate(r));
  input.next(6); // a later trickle is its own batch, not held for a timer
  await new Promise((r) => setImmediate(r));
  input.next(7);
  input.complete();
  assert.deepEqual(await out, [[0, 1, 2, 3], [4, 5], [6], [7]]);
});

test('RecentLatency keeps only the last slots; merge adds histograms', async () => {
  const recent = new RecentLatency(30);
  for (let i = 0; i < 100; i++) recent.record(500);
  await new Promise((r) => setTimeout(r, 70));
  for (let i = 0; i < 10; i++) recent.record(5);
  const w = recent.window();
  assert.equal(w.count, 10);
  assert.ok(w.quantile(0.99) <= 5.1);
  const a = new LatencyHistogram();
  a.record(1);
  const b = new LatencyHistogram();
  b.record(100);
  assert.equal(a.merge(b).count, 2);
  assert.equal(a.max, 100);
});
