/**
 * Alert topics with a retention time (seed 000: Kafka holds hot data, so
 * alerts expire after a while; the archive tarballs keep them for good).
 */
import { AlertflowError } from '../errors.js';
import { fetchMetadata, kafkaError, loadRdkafka } from '../kafka/rdkafka.js';

/** Options of {@link createAlertTopic}. */
export interface AlertTopicOptions {
  partitions: number;
  /** How long the broker keeps alerts (sets `retention.ms`). */
  retentionHours: number;
  /** Default 1 (single-broker setups). */
  replicationFactor?: number;
  /** Further topic configs, e.g. `{ 'compression.type': 'zstd' }`. */
  config?: Record<string, string>;
  /** When the topic exists already: `error` (default) or `ignore` (its configs are left as they are). */
  ifExists?: 'error' | 'ignore';
  timeoutMs?: number;
}

const TOPIC_ALREADY_EXISTS = 36;

/**
 * Creates a topic whose messages expire after `retentionHours`, and waits
 * until every partition has a leader. Resolves `{ created: false }` for an
 * existing topic with `ifExists: 'ignore'`.
 *
 * @example
 * await createAlertTopic('127.0.0.1:19092', 'lsst-alerts', { partitions: 6, retentionHours: 48 });
 */
export async function createAlertTopic(brokers: string, topic: string, options: AlertTopicOptions): Promise<{ created: boolean; retentionMs: number }> {
  const { partitions, retentionHours } = options;
  if (!Number.isInteger(partitions) || partitions < 1) throw new AlertflowError('ERR_KAFKA', `partitions must be a positive integer (got ${partitions})`, { partitions });
  if (!(retentionHours > 0) || !Number.isFinite(retentionHours)) throw new AlertflowError('ERR_KAFKA', `retentionHours must be a positive number (got ${retentionHours})`, { retentionHours });
  const retentionMs = Math.round(retentionHours * 3_600_000);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const Kafka = await loadRdkafka();
  const admin = Kafka.AdminClient.create({ 'metadata.broker.list': brokers });
  let created = true;
  try {
    await new Promise<void>((res, rej) =>
      admin.createTopic(
        { topic, num_partitions: partitions, replication_factor: options.replicationFactor ?? 1, config: { ...options.config, 'retention.ms': String(retentionMs) } },
        timeoutMs,
        (err) => {
          if (!err) return res();
          if (err.code === TOPIC_ALREADY_EXISTS && options.ifExists === 'ignore') {
            created = false;
            return res();
          }
          rej(kafkaError(err, `creating topic ${topic} failed`, { topic }));
        },
      ),
    );
  } finally {
    admin.disconnect();
  }
  await waitForLeaders(brokers, topic, partitions, timeoutMs);
  return { created, retentionMs };
}

/** Topic creation is asynchronous on the controller: poll until the partitions have leaders. */
async function waitForLeaders(brokers: string, topic: string, partitions: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const md = await fetchMetadata(brokers, 5000, topic);
      const t = md.topics.find((x) => x.name === topic);
      if (t && t.partitions.length >= partitions && t.partitions.every((p) => p.leader >= 0)) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new AlertflowError('ERR_KAFKA', `topic ${topic} has no leaders after ${timeoutMs} ms`, { topic });
}
