/** Intake from a real Kafka topic (the project's test broker): at least once, and a redelivery inserts nothing. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { produceBuffers } from '../../src/kafka/producer-sink.js';
import { createTopic, deleteTopic, ensureBroker, type TestBroker } from '../../src/testing/kafka.js';
import { simulatePromptOutput } from '../../src/publication/sim.js';
import { localRepositories } from '../../src/publication/repository.js';
import { dbSnapshot, openService, simulated } from './helpers.js';
import { uniq } from '../kafka/helpers.js';

let kafka: TestBroker;
before(async () => {
  kafka = await ensureBroker();
});
after(async () => {
  await kafka?.stop();
});

test('prompt-output topic -> state database: committed group resumes with nothing to read; a new group re-reads everything and inserts nothing', async () => {
  const sim = await simulated(1);
  const messages = await simulatePromptOutput({ embargo: localRepositories(join(sim.root, 'repos')).embargo, datasets: 300, perMessage: 10, seed: 'kafka' });
  const topic = uniq('prompt-output');
  await createTopic(kafka.brokers, topic, 3);
  await produceBuffers(kafka.brokers, topic, [...messages.map((m) => Buffer.from(JSON.stringify(m))), Buffer.from('not json')]);
  const { pps } = await openService(sim.root);
  const groupId = uniq('pps');
  const first = await pps.ingest({ kind: 'kafka', brokers: kafka.brokers, topic, groupId, untilCaughtUp: true });
  assert.deepEqual([first.received, first.inserted, first.deadLetters], [300, 300, 1]);
  const snap = await dbSnapshot(pps);
  const resumed = await pps.ingest({ kind: 'kafka', brokers: kafka.brokers, topic, groupId, untilCaughtUp: true });
  assert.equal(resumed.received, 0, 'offsets were committed after the rows were in the database');
  const redelivered = await pps.ingest({ kind: 'kafka', brokers: kafka.brokers, topic, groupId: uniq('pps-other'), untilCaughtUp: true });
  assert.deepEqual([redelivered.received, redelivered.inserted], [300, 0]);
  assert.deepEqual(await dbSnapshot(pps), snap, 'a redelivered message changes nothing');
  await pps.close();
  await deleteTopic(kafka.brokers, topic);
  rmSync(sim.dir, { recursive: true, force: true });
});
