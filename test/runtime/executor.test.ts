import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { graph } from '../../src/runtime/builder.js';
import { runGraph, type DeadLetter } from '../../src/runtime/executor.js';
import { memorySink, memorySource } from '../../src/testing/memory.js';
import type { Source, SourceRecord } from '../../src/runtime/types.js';
import { stringifyExact } from '../../src/formats/avro/json.js';

const fixture = fileURLToPath(new URL('../fixtures/steps.js', import.meta.url));
const inputs = (n: number): number[] => Array.from({ length: n }, (_, i) => (i % 97 === 13 ? -i : i));

function spec(pool: boolean) {
  return graph('square')
    .source('numbers', 'external')
    .step('square', 'module', { module: fixture, export: 'squareOrFail', offset: 1 }, { pool, batchSize: 50 })
    .step('big', 'filter', { where: { field: 'sq', op: '>', value: 100 } })
    .sink('all', 'external', {}, { from: 'square' })
    .sink('bigOnes', 'external', {}, { from: 'big' })
    .build();
}

async function runOnce(pool: boolean, threads: number, n = 2000) {
  const source = memorySource(inputs(n), { batchSize: 100 });
  const all = memorySink();
  const bigOnes = memorySink();
  const dead = memorySink<DeadLetter>();
  const result = await runGraph(spec(pool), { threads, sources: { numbers: source }, sinks: { all, bigOnes }, deadLetterSink: dead, batchWaitMs: 5 }).done;
  return { result, source, all, bigOnes, dead };
}

test('in-process and pool (1 and 2 workers) give identical output, dead letters and commits', async () => {
  const runs = [await runOnce(false, 0), await runOnce(true, 1), await runOnce(true, 2)];
  const n = 2000;
  const negatives = inputs(n).filter((x) => x < 0).length;
  const tens = inputs(n).filter((x) => x > 0 && x % 10 === 0).length;
  for (const r of runs) {
    assert.equal(r.result.metrics.recordsIn, n);
    assert.equal(r.all.records.length, n - negatives + tens);
    assert.equal(r.dead.records.length, negatives);
    assert.ok(r.dead.records.every((d) => d.value.code === 'ERR_STEP_FAILED' && d.value.step === 'square'));
    assert.equal(r.source.committed.get('memory'), n, 'everything acknowledged, so everything committed');
    assert.equal(r.result.stoppedBy, 'end');
    assert.ok(r.result.metrics.latencyMs.count === n);
  }
  const text = (r: (typeof runs)[number]) => [r.all, r.bigOnes, r.dead].map((s) => s.records.map((x) => stringifyExact({ v: x.value, p: x.position }, { bytes: 'base64' }).replace(/"time":"[^"]*"/, '')).join('\n'));
  assert.deepEqual(text(runs[1]), text(runs[0]));
  assert.deepEqual(text(runs[2]), text(runs[0]));
  // Order is kept per partition even with two workers.
  const ns = runs[2].all.records.filter((r: any) => r.value.thread === 'any').map((r: any) => r.value.n);
  assert.deepEqual(ns, [...ns].sort((a, b) => a - b));
});

test('backpressure: a slow sink bounds the records in flight', async () => {
  let pulled = 0;
  let maxAhead = 0;
  const sink = memorySink({ delayMs: 5 });
  const source: Source<number> = {
    async *batches(signal) {
      for (let i = 0; i < 3000 && !signal.aborted; i += 100) {
        const batch: SourceRecord<number>[] = Array.from({ length: 100 }, (_, k) => ({ value: i + k, position: { partition: 'p', offset: i + k } }));
        pulled += batch.length;
        maxAhead = Math.max(maxAhead, pulled - sink.records.length);
        yield batch;
      }
    },
    async commit() {},
    async close() {},
  };
  const g = graph('bp').source('s', 'external').sink('out', 'external').build();
  await runGraph(g, { sources: { s: source }, sinks: { out: sink }, maxInFlight: 300, batchSize: 50, deadLetterSink: memorySink() }).done;
  assert.equal(sink.records.length, 3000);
  assert.ok(maxAhead <= 300 + 100, `at most maxInFlight plus one source batch ahead of the sink (saw ${maxAhead})`);
});

test('stop() drains and commits only what sinks acknowledged', async () => {
  const source = memorySource(Array.from({ length: 100000 }, (_, i) => i), { batchSize: 100 });
  const sink = memorySink({ delayMs: 2 });
  const g = graph('stop').source('s', 'external').sink('out', 'external').build();
  const handle = runGraph(g, { sources: { s: source }, sinks: { out: sink }, maxInFlight: 500, deadLetterSink: memorySink() });
  setTimeout(() => handle.stop(), 100);
  const result = await handle.done;
  assert.equal(result.stoppedBy, 'stop');
  assert.ok(sink.records.length < 100000);
  assert.equal(source.committed.get('memory'), sink.records.length, 'commit point equals what was acknowledged');
  assert.ok(sink.closed);
});

test('a step that throws for a whole batch dead-letters the batch and the run goes on', async () => {
  const dead = memorySink<DeadLetter>();
  const g = graph('throws').source('s', 'external').step('bad', 'module', { module: fixture, export: 'alwaysThrows' }).sink('out', 'external').build();
  const source = memorySource([1, 2, 3]);
  const result = await runGraph(g, { sources: { s: source }, sinks: { out: memorySink() }, deadLetterSink: dead }).done;
  assert.equal(dead.records.length, 3);
  assert.equal(result.metrics.deadLetters, 3);
  assert.equal(source.committed.get('memory'), 3);
});

test('configuration errors stop the run before any record moves', async () => {
  const g = graph('cfg').source('s', 'external').step('bad', 'module', { module: fixture, export: 'badConfig' }).sink('out', 'external').build();
  const source = memorySource([1, 2, 3]);
  await assert.rejects(runGraph(g, { sources: { s: source }, sinks: { out: memorySink() }, deadLetterSink: memorySink() }).done, (e: any) => e.code === 'ERR_STEP_CONFIG');
  assert.equal(source.committed.size, 0);
});

test('a failing sink stops the run with its error and commits nothing past it', async () => {
  const g = graph('sinkfail').source('s', 'external').sink('out', 'external').build();
  const source = memorySource(Array.from({ length: 1000 }, (_, i) => i), { batchSize: 10 });
  await assert.rejects(runGraph(g, { sources: { s: source }, sinks: { out: memorySink({ failAfter: 100 }) }, deadLetterSink: memorySink(), batchSize: 10, commitIntervalMs: 1 }).done, /injected failure/);
  assert.ok((source.committed.get('memory') ?? 0) <= 100);
});

test('consecutive pool steps fuse into one worker task with the same output and per-step counts', async () => {
  const chain = (pool: boolean) =>
    graph('fused')
      .source('numbers', 'external')
      .step('square', 'module', { module: fixture, export: 'squareOrFail' }, { pool, batchSize: 64 })
      .step('big', 'filter', { where: { field: 'sq', op: '>', value: 100 } }, { pool })
      .step('row', 'select', { fields: { n: 'n', sq: 'sq' } }, { pool })
      .sink('out', 'external')
      .build();
  const runs = [];
  for (const [pool, threads] of [[false, 0], [true, 1], [true, 2]] as const) {
    const out = memorySink();
    const dead = memorySink<DeadLetter>();
    const source = memorySource(inputs(1500), { batchSize: 100 });
    const result = await runGraph(chain(pool), { threads, sources: { numbers: source }, sinks: { out }, deadLetterSink: dead, batchWaitMs: 5 }).done;
    assert.equal(source.committed.get('memory'), 1500);
    runs.push({ out: out.records.map((r) => stringifyExact(r.value)), dead: dead.records.map((d) => `${d.value.step}:${d.value.offset}`), steps: result.metrics.steps });
  }
  assert.deepEqual(runs[1].out, runs[0].out);
  assert.deepEqual(runs[2].out, runs[0].out);
  assert.deepEqual(runs[2].dead, runs[0].dead);
  for (const r of runs) {
    assert.equal(r.steps.square.in, 1500);
    assert.equal(r.steps.big.in, r.steps.square.out);
    assert.equal(r.steps.row.in, r.steps.big.out);
    assert.equal(r.steps.out.in, r.steps.row.out);
  }
});
