import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createKafkaSource } from '../../src/kafka/consumer-source.js';
import { produceBuffers } from '../../src/kafka/producer-sink.js';
import { createTopic, ensureBroker } from '../../src/testing/kafka.js';
import type { TestBroker } from '../../src/testing/kafka.js';
import { drain, nextOffsets, payload, uniq } from './helpers.js';

let kafka: TestBroker;
before(async () => {
  kafka = await ensureBroker();
});
after(async () => {
  await kafka?.stop();
});

test('after a rebalance, offsets of revoked partitions are not committed', { timeout: 180_000 }, async () => {
  const topic = uniq('rebal');
  await createTopic(kafka.brokers, topic, 2);
  await produceBuffers(kafka.brokers, topic, Array.from({ length: 40 }, (_, i) => ({ value: payload(i), partition: i % 2 })));
  const groupId = uniq('g');
  const a = await createKafkaSource<Buffer>({ brokers: kafka.brokers, topic, groupId, valueFormat: 'buffer', untilCaughtUp: true });
  let b: Awaited<ReturnType<typeof createKafkaSource<Buffer>>> | undefined;
  try {
    // A reads everything from both partitions but commits nothing yet (still "in flight").
    const held: Awaited<ReturnType<typeof drain<Buffer>>> = [];
    const ac = new AbortController();
    for await (const batch of a.batches(ac.signal)) held.push(...batch);
    assert.equal(held.length, 40);
    assert.deepEqual(a.assignment(), [0, 1]);

    // B joins the group; A gives up one partition on its next polls.
    b = await createKafkaSource<Buffer>({ brokers: kafka.brokers, topic, groupId, valueFormat: 'buffer' });
    const bIter = b.batches(ac.signal)[Symbol.asyncIterator]();
    const bFirst = bIter.next();
    for (let i = 0; i < 600 && a.assignment().length !== 1; i++) {
      for await (const _ of a.batches(ac.signal)) break;
    }
    assert.equal(a.assignment().length, 1);
    const lost = 1 - a.assignment()[0]!;

    // The stale commit for the lost partition is dropped.
    await a.commit(nextOffsets(held));
    const committed = await new Promise<{ partition: number; offset?: number }[]>((res, rej) =>
      a.consumer.committed([{ topic, partition: lost }], 10_000, (err, tps) => (err ? rej(err) : res(tps))),
    );
    // librdkafka reports "no committed offset" as a missing or negative offset.
    const off = committed[0]?.offset;
    assert.ok(off === undefined || off < 0, `partition ${lost} must have no committed offset, got ${off}`);

    // B reads the partition it took over from the start: nothing is lost.
    const got = await bFirst;
    assert.equal(got.done, false);
    assert.ok(got.value!.every((r) => r.position.partition === String(lost)));
    await bIter.return?.();
  } finally {
    // Open consumers would keep this test process alive.
    await a.close();
    await b?.close();
  }
});
