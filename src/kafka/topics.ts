/**
 * Topic administration shared by the product (archive alert topics) and the
 * test helpers: creating a topic through an AdminClient and waiting until its
 * partitions have leaders.
 */
import { fetchMetadata, kafkaError, loadRdkafka } from './rdkafka.js';

/** librdkafka's TOPIC_ALREADY_EXISTS. */
const TOPIC_ALREADY_EXISTS = 36;

/** What {@link createTopicOnBrokers} creates. */
export interface TopicSpec {
  partitions: number;
  replicationFactor: number;
  config: Record<string, string>;
  /** When the topic exists already: `error` (reject) or `ignore` (resolve false, configs left as they are). */
  ifExists: 'error' | 'ignore';
  timeoutMs: number;
}

/**
 * Creates `topic` and resolves true, or false for an existing topic with
 * `ifExists: 'ignore'`. Other failures reject with ERR_KAFKA. Does not wait
 * for leaders (see {@link waitForLeaders}).
 *
 * @example
 * await createTopicOnBrokers('127.0.0.1:19092', 't', { partitions: 3, replicationFactor: 1, config: {}, ifExists: 'ignore', timeoutMs: 30_000 });
 */
export async function createTopicOnBrokers(brokers: string, topic: string, spec: TopicSpec): Promise<boolean> {
  const Kafka = await loadRdkafka();
  const admin = Kafka.AdminClient.create({ 'metadata.broker.list': brokers });
  try {
    return await new Promise<boolean>((res, rej) =>
      admin.createTopic({ topic, num_partitions: spec.partitions, replication_factor: spec.replicationFactor, config: spec.config }, spec.timeoutMs, (err) => {
        if (!err) return res(true);
        if (err.code === TOPIC_ALREADY_EXISTS && spec.ifExists === 'ignore') return res(false);
        rej(kafkaError(err, `creating topic ${topic} failed`, { topic }));
      }),
    );
  } finally {
    admin.disconnect();
  }
}

/**
 * Topic creation is asynchronous on the controller: polls metadata until
 * every partition of `topic` has a leader. Resolves true then, or false when
 * `timeoutMs` passes first (the caller decides whether that is an error).
 *
 * @example
 * if (!(await waitForLeaders(brokers, 'alerts', 3, 30_000))) throw new Error('no leaders');
 */
export async function waitForLeaders(brokers: string, topic: string, partitions: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const md = await fetchMetadata(brokers, 5000, topic);
      const t = md.topics.find((x) => x.name === topic);
      if (t && t.partitions.length >= partitions && t.partitions.every((p) => p.leader >= 0)) return true;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}
