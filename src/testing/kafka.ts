/**
 * Kafka helpers for tests and benches: a broker to talk to (the one named in
 * `ALERTFLOW_KAFKA_BROKERS`, or a fresh local one) and topic management.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, stopBroker } from '../kafka/broker.js';
import { freePort } from '../kafka/broker-config.js';
import { kafkaError, loadRdkafka } from '../kafka/rdkafka.js';
import { createTopicOnBrokers, waitForLeaders } from '../kafka/topics.js';

/** A broker for a test file; `stop()` is a no-op for an external broker. */
export interface TestBroker {
  /** `host:port` list for `metadata.broker.list`. */
  brokers: string;
  /** True when this call started the broker (and `stop` will stop it). */
  started: boolean;
  stop(): Promise<void>;
}

/**
 * Returns `ALERTFLOW_KAFKA_BROKERS` when set; otherwise starts a private broker
 * (own temp data dir, own state file, free port) that `stop()` shuts down and
 * deletes. Start one per test file, stop it in `after()`.
 *
 * @example
 * let kafka: TestBroker;
 * before(async () => { kafka = await ensureBroker(); });
 * after(() => kafka.stop());
 */
export async function ensureBroker(opts: { partitions?: number } = {}): Promise<TestBroker> {
  const external = process.env.ALERTFLOW_KAFKA_BROKERS;
  if (external) return { brokers: external, started: false, stop: async () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-test-kafka-'));
  const stateFile = join(dir, 'state.json');
  // A free port, not 19092, so a developer's `alertflow kafka up` broker is left alone.
  const state = await startBroker({ port: await freePort(), partitions: opts.partitions ?? 1, stateFile, dataDir: join(dir, 'broker') });
  let stopped = false;
  // If the test process exits without calling stop() (a crash, a forgotten
  // after()), do not leave a JVM behind.
  const onExit = () => {
    try {
      process.kill(state.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  return {
    brokers: state.brokers,
    started: true,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      await stopBroker({ stateFile });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Creates a topic (replication factor 1) and waits until its partitions have leaders.
 * An existing topic is not an error.
 *
 * @example
 * await createTopic(kafka.brokers, 'alerts-test', 3);
 */
export async function createTopic(brokers: string, topic: string, partitions: number, config: Record<string, string> = {}): Promise<void> {
  await createTopicOnBrokers(brokers, topic, { partitions, replicationFactor: 1, config, ifExists: 'ignore', timeoutMs: 30_000 });
  // A topic still without leaders after 30 s is not an error here: the test that uses it fails instead.
  await waitForLeaders(brokers, topic, partitions, 30_000);
}

/**
 * Deletes a topic; a missing topic is not an error.
 *
 * @example
 * await deleteTopic(kafka.brokers, 'alerts-test');
 */
export async function deleteTopic(brokers: string, topic: string): Promise<void> {
  const Kafka = await loadRdkafka();
  const admin = Kafka.AdminClient.create({ 'metadata.broker.list': brokers });
  try {
    await new Promise<void>((res, rej) =>
      // 3 = UNKNOWN_TOPIC_OR_PART
      admin.deleteTopic(topic, 30_000, (err) => (err && err.code !== 3 ? rej(kafkaError(err, `deleting topic ${topic} failed`, { topic })) : res())),
    );
  } finally {
    admin.disconnect();
  }
}
