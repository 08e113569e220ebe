import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { graph } from '../../src/runtime/builder.js';
import { runGraph, type DeadLetter } from '../../src/runtime/executor.js';
import { memorySink, memorySource } from '../../src/testing/memory.js';
import { isAlertflowError } from '../../src/errors.js';
import type { Sink, SinkRecord, Source, SourceRecord } from '../../src/runtime/types.js';
import type { CountWindow } from '../../src/runtime/steps/window.js';

const fixture = fileURLToPath(new URL('../fixtures/steps.js', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A sink whose writes resolve only when the test lets them. */
function gatedSink() {
  const records: SinkRecord[] = [];
  const waiting: Array<() => void> = [];
  const sink: Sink & { records: SinkRecord[]; pending: () => number; ackAll: () => void } = {
    records,
    pending: () => waiting.length,
    ackAll: () => waiting.splice(0).forEach((f) => f()),
    async write(batch) {
      records.push(...batch);
      await new Promise<void>((r) => waiting.push(r));
    },
    async close() {},
  };
  return sink;
}

/** A source that yields `n` records, then stays open until `end()`. */
function heldOpenSource(n: number) {
  let end!: () => void;
  const ended = new Promise<void>((r) => (end = r));
  const committed: number[] = [];
  const source: Source<number> & { committed: number[]; end: () => void } = {
    committed,
    end,
    async *batches() {
      yield Array.from({ length: n }, (_, i): SourceRecord<number> => ({ value: i, position: { partition: 'p', offset: i } }));
      await ended;
    },
    async commit(next) {
      committed.push(next.get('p')!);
    },
    async close() {},
  };
  return source;
}

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 400 && !cond(); i++) await sleep(5);
  assert.ok(cond(), what);
};

test('window step: commits only pass a window once its output is acknowledged, and flush outputs too', async () => {
  const source = heldOpenSource(12);
  const sink = gatedSink();
  const g = graph('win').source('s', 'external').step('w', 'window', { size: 10, slide: 8, partial: 'emit' }).sink('out', 'external').build();
  const handle = runGraph(g, { sources: { s: source }, sinks: { out: sink }, deadLetterSink: memorySink(), batchWaitMs: 2, commitIntervalMs: 3 });
  await until(() => sink.pending() === 1, 'window 0 written');
  await sleep(30);
  assert.ok(source.committed.every((c) => c === 0), `nothing committed while window 0 is unacknowledged (saw ${source.committed})`);
  sink.ackAll();
  await until(() => source.committed.includes(8), 'after the ack, records 0..7 are done; 8.. are held for window 1');
  await sleep(30);
  assert.equal(Math.max(...source.committed), 8, 'held overlap records stay uncommitted');
  source.end(); // upstream exhausted: flush emits the partial window 1 (records 8..11)
  await until(() => sink.pending() === 1, 'flush output written');
  await sleep(30);
  assert.equal(Math.max(...source.committed), 8, 'flush output not yet acknowledged');
  sink.ackAll();
  const result = await handle.done;
  assert.equal(source.committed.at(-1), 12);
  const windows = sink.records.map((r) => r.value as CountWindow<number>);
  assert.deepEqual(windows.map((w) => [w.window, w.values.length, w.partial]), [[0, 10, false], [1, 4, true]]);
  assert.equal(result.metrics.steps.w.in, 12);
});

test('window step: a fan-out to two sinks holds commits until both have acknowledged', async () => {
  const source = heldOpenSource(10);
  const slow = gatedSink();
  const fast = memorySink();
  const g = graph('fan').source('s', 'external').step('w', 'window', { size: 5 }).sink('a', 'external', {}, { from: 'w' }).sink('b', 'external', {}, { from: 'w' }).build();
  const handle = runGraph(g, { sources: { s: source }, sinks: { a: slow, b: fast }, deadLetterSink: memorySink(), batchWaitMs: 2, commitIntervalMs: 3 });
  await until(() => fast.records.length === 2 && slow.pending() >= 1, 'both windows reached the fast sink');
  await sleep(30);
  assert.ok(source.committed.every((c) => c === 0), `slow sink has not acknowledged (saw ${source.committed})`);
  slow.ackAll();
  await until(() => source.committed.includes(5) || source.committed.includes(10), 'commit moves after the slow ack');
  source.end();
  const timer = setInterval(() => slow.ackAll(), 2);
  await handle.done;
  clearInterval(timer);
  assert.equal(source.committed.at(-1), 10);
});

async function poolRun(threads: number, pool: boolean) {
  const n = 500;
  const values = Array.from({ length: n }, (_, i) => (i % 37 === 5 ? -i : i));
  const source = memorySource(values, { batchSize: 40 });
  const out = memorySink();
  const dead = memorySink<DeadLetter>();
  const g = graph('pw')
    .source('s', 'external')
    .step('square', 'module', { module: fixture, export: 'squareOrFail' }, { pool, batchSize: 25 })
    .step('w', 'window', { size: 10, slide: 8, partial: 'emit' })
    .sink('out', 'external')
    .build();
  await runGraph(g, { threads, sources: { s: source }, sinks: { out }, deadLetterSink: dead, batchWaitMs: 2 }).done;
  return { source, out, dead, values };
}

test('window after a pool step: in-process and pool (1 and 2 workers) give identical windows, dead letters and commits', async () => {
  const runs = [await poolRun(0, false), await poolRun(1, true), await poolRun(2, true)];
  const text = (r: (typeof runs)[number]) => JSON.stringify(r.out.records.map((x) => x.value), (_, v) => (typeof v === 'bigint' ? v.toString() : v));
  for (const r of runs) {
    assert.equal(r.source.committed.get('memory'), r.values.length, 'everything delivered, so everything committed');
    assert.equal(r.dead.records.length, r.values.filter((v) => v < 0).length);
    assert.equal(text(r), text(runs[0]));
  }
  // The windows are over the square step's outputs in order (including its extra outputs for multiples of 10).
  const squared = runs[0].values.filter((v) => v >= 0).flatMap((v) => (v % 10 === 0 && v > 0 ? [v, v] : [v]));
  const windows = runs[0].out.records.map((x) => x.value as CountWindow<{ n: number }>);
  assert.deepEqual(windows.flatMap((w, k) => (k === 0 ? w.values : w.values.slice(2))).map((v) => v.n), squared);
});

test('window step: pool: true is refused (state must live in one place); runs do not share state', async () => {
  const g = graph('bad').source('s', 'external').step('w', 'window', { size: 3 }, { pool: true }).sink('out', 'external').build();
  await assert.rejects(runGraph(g, { threads: 1, sources: { s: memorySource([1]) }, sinks: { out: memorySink() }, deadLetterSink: memorySink() }).done, (e) => isAlertflowError(e, 'ERR_GRAPH_INVALID'));
  const ok = graph('ok').source('s', 'external').step('w', 'window', { size: 3 }).sink('out', 'external').build();
  const runOnce = async () => {
    const out = memorySink();
    await runGraph(ok, { sources: { s: memorySource([1, 2, 3, 4, 5]) }, sinks: { out }, deadLetterSink: memorySink() }).done;
    return out.records.map((r) => (r.value as CountWindow<number>).values);
  };
  assert.deepEqual(await runOnce(), [[1, 2, 3]]);
  assert.deepEqual(await runOnce(), [[1, 2, 3]], 'the second run starts with an empty window');
});
