import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBroker, type TestBroker } from '../../src/testing/kafka.js';
import { produceBuffers } from '../../src/kafka/producer-sink.js';
import { simulateToFile } from '../../src/cli/commands/simulate.js';
import { runArchive } from '../../src/cli/commands/archive.js';
import { tarballPath } from '../../src/archive/archiver.js';
import { readTarballAlerts } from '../../src/archive/pack.js';
import { verifyArchive } from '../../src/archive/verify.js';
import { createAlertTopic } from '../../src/archive/topics.js';
import { describeTopicConfig } from '../../src/archive/kafka-configs.js';
import { decodePackets } from '../../src/formats/avro/decode-packet.js';
import { createResolver } from '../../src/formats/avro/resolvers/chain.js';
import { isAlertflowError } from '../../src/errors.js';
import type { DecodedAlert } from '../../src/formats/types.js';

const N = 300;
const tmp = mkdtempSync(join(tmpdir(), 'alertflow-archive-kafka-'));
let kafka: TestBroker;
let alerts: DecodedAlert[];
const idOf = (a: DecodedAlert): string => String(a.alert.diaSource.diaSourceId);

before(async () => {
  kafka = await ensureBroker();
  const input = join(tmp, 'night.avro');
  await simulateToFile({ alerts: N, visits: 240, seed: 5, out: input, quiet: true });
  alerts = await decodePackets(readFileSync(input), createResolver());
});

after(async () => {
  await kafka?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test('createAlertTopic sets retention.ms, read back from the broker (DescribeConfigs)', async () => {
  const topic = `archive-retention-${process.pid}`;
  const r = await createAlertTopic(kafka.brokers, topic, { partitions: 2, retentionHours: 36 });
  assert.deepEqual(r, { created: true, retentionMs: 36 * 3_600_000 });
  const cfg = await describeTopicConfig(kafka.brokers, topic);
  assert.equal(cfg['retention.ms'], String(36 * 3_600_000));
  assert.ok('cleanup.policy' in cfg, 'other configs are reported too');
  await assert.rejects(createAlertTopic(kafka.brokers, topic, { partitions: 2, retentionHours: 1 }), (e) => isAlertflowError(e, 'ERR_KAFKA'));
  const again = await createAlertTopic(kafka.brokers, topic, { partitions: 2, retentionHours: 1, ifExists: 'ignore' });
  assert.equal(again.created, false);
  assert.equal((await describeTopicConfig(kafka.brokers, topic))['retention.ms'], String(36 * 3_600_000), 'existing topic left as it was');
  await assert.rejects(createAlertTopic(kafka.brokers, 'x', { partitions: 0, retentionHours: 1 }), (e) => isAlertflowError(e, 'ERR_KAFKA'));
});

test('archive from Kafka with untilCaughtUp: tarballs per period hold every alert once; rerun changes nothing', async () => {
  const topic = `archive-in-${process.pid}`;
  await createAlertTopic(kafka.brokers, topic, { partitions: 3, retentionHours: 48 });
  // Confluent wire format, as Rubin publishes: magic 0, schema id 1100, body.
  const wire = alerts.map((a) => {
    const head = Buffer.alloc(5);
    head.writeInt32BE(1100, 1);
    return { value: Buffer.concat([head, a.raw!.bytes]), key: idOf(a) };
  });
  await produceBuffers(kafka.brokers, topic, wire);
  const dir = join(tmp, 'out');
  const r = await runArchive({ input: { brokers: kafka.brokers, topic, groupId: 'archive-test', untilCaughtUp: true }, archive: { dir, period: '1h', alertsPerFile: 64 } });
  assert.equal(r.stats.alertsIn, N);
  assert.ok(r.closed.length >= 2, `${r.closed.length} periods`);
  const seen: string[] = [];
  let total = 0;
  for (const c of r.closed) {
    assert.equal(c.path, tarballPath(dir, c.period.key));
    const v = await verifyArchive(c.path, { deep: true });
    assert.ok(v.ok, v.problems.join('; '));
    total += v.manifest!.count;
    for await (const { alert } of readTarballAlerts(c.path)) seen.push(idOf(alert));
  }
  assert.equal(total, N);
  assert.deepEqual(seen.sort(), alerts.map(idOf).sort());

  // Same group: offsets were committed, nothing to read.
  const same = await runArchive({ input: { brokers: kafka.brokers, topic, groupId: 'archive-test', untilCaughtUp: true }, archive: { dir, period: '1h' } });
  assert.equal(same.stats.alertsIn, 0);
  // New group reads it all again: every alert is a duplicate, no tarball rewritten.
  const fresh = await runArchive({ input: { brokers: kafka.brokers, topic, groupId: 'archive-test-2', untilCaughtUp: true }, archive: { dir, period: '1h', alertsPerFile: 64 } });
  assert.equal(fresh.stats.duplicates, N);
  assert.equal(fresh.stats.tarballsWritten, 0);
  assert.ok(readdirSync(dir).every((d) => d === '.staging' || d.endsWith('.jsonl') || existsSync(tarballPath(dir, d))));
});
