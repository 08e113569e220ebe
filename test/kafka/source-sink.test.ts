import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createKafkaSource } from '../../src/kafka/consumer-source.js';
import { createKafkaSink, produceBuffers } from '../../src/kafka/producer-sink.js';
import type { RawPacket } from '../../src/formats/types.js';
import { createTopic, deleteTopic, ensureBroker } from '../../src/testing/kafka.js';
import type { TestBroker } from '../../src/testing/kafka.js';
import { drain, payload, uniq } from './helpers.js';

let kafka: TestBroker;
before(async () => {
  kafka = await ensureBroker();
});
after(async () => {
  await kafka?.stop();
});

function byPartitionOrdered(recs: { position: { partition: string; offset: number } }[]): boolean {
  const last = new Map<string, number>();
  for (const r of recs) {
    if ((last.get(r.position.partition) ?? -1) >= r.position.offset) return false;
    last.set(r.position.partition, r.position.offset);
  }
  return true;
}

test('produce N buffers, consume them all with manual commits', async () => {
  const topic = uniq('all');
  await createTopic(kafka.brokers, topic, 3);
  const n = 300;
  await produceBuffers(kafka.brokers, topic, Array.from({ length: n }, (_, i) => ({ value: payload(i), key: `k${i}` })));
  const src = await createKafkaSource({ brokers: kafka.brokers, topic, groupId: uniq('g'), batchSize: 50, untilCaughtUp: true });
  const recs = await drain(src);
  await src.close();
  assert.equal(recs.length, n);
  const ids = new Set(recs.map((r) => new DataView((r.value as RawPacket).bytes.buffer, (r.value as RawPacket).bytes.byteOffset).getUint32(0)));
  assert.equal(ids.size, n);
  assert.ok(byPartitionOrdered(recs));
  for (const r of recs) {
    assert.equal((r.value as RawPacket).kind, 'raw');
    assert.ok(r.bytes && r.bytes.length === 64);
    assert.equal(typeof r.eventTime, 'number');
    assert.match(r.key ?? '', /^k\d+$/);
  }
  await deleteTopic(kafka.brokers, topic);
});

test('a restarted consumer in the same group resumes at the committed offset', async () => {
  const topic = uniq('resume');
  await createTopic(kafka.brokers, topic, 1);
  await produceBuffers(kafka.brokers, topic, Array.from({ length: 100 }, (_, i) => payload(i)));
  const groupId = uniq('g');
  const a = await createKafkaSource<Buffer>({ brokers: kafka.brokers, topic, groupId, batchSize: 10, valueFormat: 'buffer' });
  const first = await drain(a, { limit: 30 });
  await a.close();
  assert.deepEqual(first.map((r) => r.position.offset), Array.from({ length: 30 }, (_, i) => i));

  const b = await createKafkaSource<Buffer>({ brokers: kafka.brokers, topic, groupId, batchSize: 25, valueFormat: 'buffer', untilCaughtUp: true });
  const rest = await drain(b);
  assert.equal(b.lag?.(), 0);
  await b.close();
  assert.deepEqual(rest.map((r) => r.position.offset), Array.from({ length: 70 }, (_, i) => i + 30));
  assert.equal((rest[0]!.value as Buffer).readUInt32BE(0), 30);
});

test('pausing when not pulled and resuming on the next pull loses nothing', async () => {
  const topic = uniq('pause');
  await createTopic(kafka.brokers, topic, 2);
  const n = 400;
  await produceBuffers(kafka.brokers, topic, Array.from({ length: n }, (_, i) => payload(i)));
  const src = await createKafkaSource<Buffer>({ brokers: kafka.brokers, topic, groupId: uniq('g'), batchSize: 20, pauseAfterMs: 20, untilCaughtUp: true, valueFormat: 'buffer' });
  let pauses = 0;
  let lagSeen: number | undefined;
  const recs = await drain(src, {
    onBatch: async () => {
      lagSeen ??= src.lag?.();
      // For the first four batches, stop pulling until the source has paused itself.
      if (pauses < 4) {
        while (!src.isPaused()) await new Promise((r) => setTimeout(r, 5));
        pauses++;
      }
    },
  });
  await src.close();
  assert.equal(pauses, 4);
  assert.ok(lagSeen === undefined || lagSeen > 0);
  assert.equal(recs.length, n);
  assert.equal(new Set(recs.map((r) => (r.value as Buffer).readUInt32BE(0))).size, n);
  assert.ok(byPartitionOrdered(recs));
});

for (const compression of ['snappy', 'lz4', 'zstd'] as const) {
  test(`compression ${compression} round-trips through the sink`, async () => {
    const topic = uniq(compression);
    await createTopic(kafka.brokers, topic, 1);
    const sink = await createKafkaSink({ brokers: kafka.brokers, topic, compression, keyField: 'diaSource.diaSourceId' });
    const wire = (i: number) => Buffer.concat([Buffer.from([0, 0, 0, 0x04, 0x4d]), payload(i, 2000)]);
    const values = [
      wire(0),
      { kind: 'raw', bytes: new Uint8Array(wire(1)) } satisfies RawPacket,
      { kind: 'alert', survey: 'lsst', schema: 'lsst.v11_0', alert: { diaSource: { diaSourceId: 12345678901234567n } }, raw: { kind: 'raw', bytes: wire(2) } },
    ];
    await sink.write(values.map((value, i) => ({ value, position: { partition: '0', offset: i } })));
    await sink.write([]);
    assert.match(sink.describe?.() ?? '', new RegExp(topic));
    await sink.close();
    const src = await createKafkaSource({ brokers: kafka.brokers, topic, groupId: uniq('g'), untilCaughtUp: true });
    const recs = await drain(src);
    await src.close();
    assert.equal(recs.length, 3);
    recs.forEach((r, i) => assert.ok(Buffer.from((r.value as RawPacket).bytes).equals(wire(i)), `message ${i}`));
    assert.equal(recs[2]!.key, '12345678901234567');
  });
}

test('a value the sink cannot encode is a typed error unless serialize is given', async () => {
  const topic = uniq('ser');
  const sink = await createKafkaSink<{ n: number }>({ brokers: kafka.brokers, topic });
  await assert.rejects(sink.write([{ value: { n: 1 }, position: { partition: '0', offset: 0 } }]), (e: any) => e.code === 'ERR_KAFKA');
  await sink.close();
  const sink2 = await createKafkaSink<{ n: number }>({ brokers: kafka.brokers, topic, serialize: (v) => Buffer.from(JSON.stringify(v)) });
  await sink2.write([{ value: { n: 2 }, key: 'two', position: { partition: '0', offset: 0 } }]);
  await sink2.close();
  const src = await createKafkaSource<Buffer>({ brokers: kafka.brokers, topic, groupId: uniq('g'), untilCaughtUp: true, valueFormat: 'buffer' });
  const recs = await drain(src);
  await src.close();
  assert.equal(recs.length, 1);
  assert.equal((recs[0]!.value as Buffer).toString(), '{"n":2}');
  assert.equal(recs[0]!.key, 'two');
});

test('empty and null messages arrive as 0-byte RawPackets', async () => {
  const topic = uniq('empty');
  await createTopic(kafka.brokers, topic, 1);
  await produceBuffers(kafka.brokers, topic, [null, Buffer.alloc(0), payload(7)]);
  const src = await createKafkaSource({ brokers: kafka.brokers, topic, groupId: uniq('g'), untilCaughtUp: true });
  const recs = await drain(src);
  await src.close();
  assert.deepEqual(recs.map((r) => (r.value as RawPacket).bytes.length), [0, 0, 64]);
  assert.equal((recs[0]!.value as RawPacket).kind, 'raw');
});
