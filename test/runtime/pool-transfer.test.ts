/**
 * Packet buffers moved to pool workers (transferred, not copied) and handed
 * back: outputs equal an in-process run's, dead letters keep the exact
 * packet bytes, and a record that another branch also reads is never moved.
 */
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { graph } from '../../src/runtime/builder.js';
import { runGraph, type DeadLetter } from '../../src/runtime/executor.js';
import { memorySink, memorySource } from '../../src/testing/memory.js';
import { prepareBatch, inputBuffers, markMovable } from '../../src/runtime/tasks/transfer.js';
import { SpareBuffers } from '../../src/io/spare-buffers.js';
import { WorkerPool } from '../../src/runtime/pool.js';
import { runChainBatch } from '../../src/runtime/step-runner.js';
import { simulateNight } from '../../src/simulator/index.js';
import { encodeSimulatedAlert } from '../../src/sources/simulated.js';
import { stringifyExact } from '../../src/formats/avro/json.js';
import type { RawPacket } from '../../src/formats/types.js';
import type { Source, SourceRecord } from '../../src/runtime/types.js';

/** 60 Rubin wire packets, every 7th cut short (undecodable), each a copy kept for comparison. */
function packets(): Buffer[] {
  const out: Buffer[] = [];
  for (const { alert } of simulateNight({ alerts: 60, seed: 5 })) {
    const wire = encodeSimulatedAlert(alert);
    out.push(out.length % 7 === 3 ? wire.subarray(0, 300) : wire);
  }
  return out.map((b) => Buffer.from(b));
}

/** A copy of `b` that is the whole of a fresh ArrayBuffer (not a slice of Node's pool). */
function owned(b: Uint8Array): Buffer {
  const out = Buffer.from(new ArrayBuffer(b.length));
  out.set(b);
  return out;
}

/** Like a Kafka source: every record's bytes are the whole of their own ArrayBuffer. */
function ownBufferSource(originals: Buffer[], handedOut: Buffer[]): Source<RawPacket> {
  return {
    async *batches() {
      for (let i = 0; i < originals.length; i += 16) {
        yield originals.slice(i, i + 16).map((b, k): SourceRecord<RawPacket> => {
          const bytes = owned(b);
          markMovable(bytes);
          handedOut.push(bytes);
          assert.equal(bytes.byteOffset, 0);
          return { value: { kind: 'raw', bytes }, bytes, position: { partition: '0', offset: i + k } };
        });
      }
    },
    async commit() {},
    async close() {},
  };
}

const text = (records: Array<{ value: unknown }>): string[] => records.map((r) => stringifyExact(r.value, { bytes: 'base64' }).replace(/"time":"[^"]*",?/, ''));

const fixture = fileURLToPath(new URL('../fixtures/steps.js', import.meta.url));

/**
 * decode on the pool → sink. `fields` picks what the decode keeps (cutouts
 * are views into the packet, ids are not); `fanOut` adds a raw-packet sink
 * on the source; `failAfter` adds an in-process step after the pool that
 * fails every alert whose diaSourceId is a multiple of 4.
 */
async function run(threads: number, fanOut: boolean, fields = ['diaSourceId', 'cutoutScience'], failAfter = false) {
  const originals = packets();
  const g = graph('moved').source('alerts', 'external').step('decode', 'decode', { fields, keepRaw: false }, { pool: true, batchSize: 16 });
  if (failAfter) g.step('reject', 'module', { module: fixture, export: 'failDecodedEvery', every: 4 });
  g.sink('out', 'external', {}, { from: failAfter ? 'reject' : 'decode' });
  if (fanOut) g.sink('raw', 'external', {}, { from: 'alerts' });
  const out = memorySink();
  const raw = memorySink<RawPacket>();
  const dead = memorySink<DeadLetter>();
  const handedOut: Buffer[] = [];
  await runGraph(g.build(), { threads, sources: { alerts: ownBufferSource(originals, handedOut) }, sinks: { out, raw }, deadLetterSink: dead }).done;
  // A moved buffer's first view stays detached on this thread (the records were re-pointed at the handed-back one).
  const detached = handedOut.filter((b) => b.buffer.byteLength === 0).length;
  return { originals, out, raw, dead, detached };
}

test('moved packet buffers: pool output and dead-letter bytes equal an in-process run, byte for byte', async () => {
  const local = await run(0, false);
  const pooled = await run(2, false);
  assert.equal(local.out.records.length, 60 - 9);
  assert.deepEqual(text(pooled.out.records), text(local.out.records));
  assert.equal(local.detached, 0);
  assert.equal(pooled.detached, 60, 'every packet went to a worker by transfer');
  assert.equal(pooled.dead.records.length, 9);
  for (const d of pooled.dead.records) {
    assert.ok(d.value.bytes && d.value.bytes.length === 300, `dead letter at ${d.value.offset} keeps its bytes`);
    assert.deepEqual(Buffer.from(d.value.bytes), pooled.originals[d.value.offset]);
  }
  // Cutouts came back as views into the handed-back packets, with the packet's bytes.
  const science = pooled.out.records.map((r) => (r.value as { alert: { cutoutScience: Uint8Array } }).alert.cutoutScience);
  assert.ok(science.every((c) => c.length > 0));
});

test('rows only (no views into the packets): packets stay in the workers, dead letters still get their exact bytes', async () => {
  const local = await run(0, false, ['diaSourceId', 'midpointMjdTai']);
  const pooled = await run(2, false, ['diaSourceId', 'midpointMjdTai']);
  assert.equal(pooled.detached, 60);
  assert.deepEqual(text(pooled.out.records), text(local.out.records));
  assert.equal(pooled.dead.records.length, 9);
  for (const d of pooled.dead.records) assert.deepEqual(Buffer.from(d.value.bytes!), pooled.originals[d.value.offset]);
});

test('a step after the pool that fails records: every packet comes back, its dead letters carry the exact bytes', async () => {
  const local = await run(0, false, ['diaSourceId'], true);
  const pooled = await run(2, false, ['diaSourceId'], true);
  assert.equal(pooled.detached, 60);
  assert.deepEqual(text(pooled.out.records), text(local.out.records));
  const rejected = pooled.dead.records.filter((d) => d.value.step === 'reject');
  assert.ok(rejected.length > 5, `${rejected.length} rejected after the pool`);
  assert.equal(rejected.length, local.dead.records.filter((d) => d.value.step === 'reject').length);
  for (const d of pooled.dead.records) assert.deepEqual(Buffer.from(d.value.bytes!), pooled.originals[d.value.offset], `dead letter at ${d.value.offset} (${d.value.step})`);
});

test('a record another branch also reads is copied, not moved: that branch sees intact bytes', async () => {
  const r = await run(2, true);
  assert.equal(r.detached, 0);
  assert.equal(r.raw.records.length, 60);
  for (const rec of r.raw.records) assert.deepEqual(Buffer.from(rec.value.bytes), r.originals[rec.position.offset]);
  assert.equal(r.out.records.length, 51);
});

test('prepareBatch moves marked whole buffers, copies slices and unmarked buffers, and leaves the batch untouched', () => {
  const whole = owned(new Uint8Array([1, 2, 3]));
  markMovable(whole);
  const usersOwn = owned(new Uint8Array([4, 4]));
  const block = owned(new Uint8Array([9, 8, 7, 6, 5, 4]));
  markMovable(block.subarray(2, 4)); // a slice cannot be marked
  const slice = block.subarray(2, 4);
  const batch: unknown[] = [{ kind: 'raw', bytes: whole }, { kind: 'raw', bytes: slice }, 42, 'text', { kind: 'raw', bytes: usersOwn }];
  const moved = prepareBatch(batch, true);
  assert.ok(moved.moved);
  assert.equal(moved.transferList.length, 2); // the marked buffer as it is, and one buffer of copies (the slice, the unmarked buffer)
  assert.ok(!moved.transferList.includes(usersOwn.buffer as ArrayBuffer));
  assert.ok(moved.transferList.includes(whole.buffer as ArrayBuffer));
  assert.ok(!moved.transferList.includes(block.buffer as ArrayBuffer));
  assert.equal((batch[1] as { bytes: Buffer }).bytes, slice, 'the caller’s record still points at its slice');
  assert.notEqual((moved.values[1] as { bytes: Buffer }).bytes, slice);
  assert.deepEqual([...(moved.values[1] as { bytes: Buffer }).bytes], [7, 6]);
  const copied = prepareBatch(batch, false);
  assert.ok(!copied.moved);
  assert.ok(!copied.transferList.includes(whole.buffer as ArrayBuffer));
  assert.deepEqual([...inputBuffers(batch)].length, 3);
});

test('records the caller holds are never detached: the same array runs on the pool again and again', async () => {
  // Whole-buffer cutouts in plain objects, as a user's own array would hold them (the packageAlert inputs).
  const records = packets().map((b) => ({ kind: 'raw' as const, bytes: owned(b) }));
  const spec = graph('reuse').source('alerts', 'external').step('decode', 'decode', { fields: ['diaSourceId'] }, { pool: true, batchSize: 16 }).sink('out', 'external').build();
  const counts: number[] = [];
  for (let round = 0; round < 3; round++) {
    const out = memorySink();
    await runGraph(spec, { threads: 2, sources: { alerts: memorySource(records) }, sinks: { out }, deadLetterSink: memorySink() }).done;
    counts.push(out.records.length);
  }
  assert.deepEqual(counts, [51, 51, 51]);
  for (const r of records) assert.ok(r.bytes.buffer.byteLength > 0, 'the caller’s buffer is intact');
});

test('SpareBuffers hands back a returned buffer that is large enough, keeps at most its limit, and ignores detached ones', () => {
  const spares = new SpareBuffers(2);
  const fresh = spares.take(100_000)!;
  assert.ok(fresh.byteLength >= 100_000);
  assert.equal(spares.size, 0);
  spares.give(fresh);
  assert.equal(spares.take(200_000) === fresh, false, 'too small: a new one');
  assert.equal(spares.take(50_000), fresh);
  spares.give(new ArrayBuffer(10));
  spares.give(new ArrayBuffer(30));
  spares.give(new ArrayBuffer(20));
  assert.equal(spares.size, 2);
  assert.equal(spares.take(25)!.byteLength, 30, 'the smallest was dropped');
  const gone = new ArrayBuffer(8);
  structuredClone(gone, { transfer: [gone] });
  spares.give(gone);
  assert.equal(spares.size, 1);
});

test('packing buffers reused from batch to batch never leak into earlier outputs', async () => {
  // Copied (not movable) packets, decoded whole: the cutouts of every output
  // are views, packed out of the reused input buffer. All outputs are kept
  // until the end, so a buffer reused while still referred to would show.
  const records = packets().map((b) => ({ kind: 'raw' as const, bytes: b }));
  const chain = graph('spares').source('s', 'external').step('decode', 'decode', {}, { pool: true }).sink('o', 'external').build().steps.filter((s) => s.kind === 'step');
  const expected = await runChainBatch(chain, records);
  const pool = new WorkerPool({ threads: 2 });
  try {
    const sizes = [40, 20, 10, 5, 40, 1, 20];
    const outcomes = [];
    for (let round = 0; round < 2; round++) {
      let at = 0;
      for (const n of sizes) {
        const part = records.slice(at % records.length, (at % records.length) + n);
        at += n;
        outcomes.push({ from: (at - n) % records.length, outcome: await pool.runChain(chain, part) });
      }
    }
    for (const { from, outcome } of outcomes)
      outcome.results.forEach((r, i) => assert.equal(text(r.out.map((value) => ({ value }))).join(), text(expected.results[from + i].out.map((value) => ({ value }))).join(), `record ${from + i}`));
  } finally {
    await pool.close();
  }
});
