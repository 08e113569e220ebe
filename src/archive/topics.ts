/**
 * Alert topics with a retention time (seed 000: Kafka holds hot data, so
 * alerts expire after a while; the archive tarballs keep them for good).
 */
import { AlertflowError } from '../errors.js';
import { createTopicOnBrokers, waitForLeaders } from '../kafka/topics.js';

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
  const created = await createTopicOnBrokers(brokers, topic, {
    partitions,
    replicationFactor: options.replicationFactor ?? 1,
    config: { ...options.config, 'retention.ms': String(retentionMs) },
    ifExists: options.ifExists ?? 'error',
    timeoutMs,
  });
  if (!(await waitForLeaders(brokers, topic, partitions, timeoutMs))) throw new AlertflowError('ERR_KAFKA', `topic ${topic} has no leaders after ${timeoutMs} ms`, { topic });
  return { created, retentionMs };
}
