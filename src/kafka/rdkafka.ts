/**
 * Small shared helpers around node-rdkafka: loading the native module lazily,
 * turning librdkafka errors into AlertflowErrors, and a metadata probe.
 */
import type * as RdKafka from 'node-rdkafka';
import { AlertflowError } from '../errors.js';
import type { ErrorCode } from '../errors.js';

/** The node-rdkafka module namespace (CommonJS, so it arrives as the default export). */
export type RdKafkaModule = typeof RdKafka;

let cached: Promise<RdKafkaModule> | undefined;

/**
 * Loads node-rdkafka on first use, so importing alertflow's Kafka helpers (or
 * running `alertflow kafka status`) never loads the native addon needlessly.
 *
 * @example
 * const Kafka = await loadRdkafka();
 * console.log(Kafka.features);
 */
export function loadRdkafka(): Promise<RdKafkaModule> {
  if (!cached) {
    cached = import('node-rdkafka').then(
      (m: any) => (m.default ?? m) as RdKafkaModule,
      (err: unknown) => {
        cached = undefined;
        throw new AlertflowError('ERR_KAFKA', 'node-rdkafka could not be loaded (is it installed and built?)', {}, { cause: err });
      },
    );
  }
  return cached;
}

/**
 * Wraps a librdkafka error (plain object with `code`/`message`) as an AlertflowError.
 *
 * @example
 * producer.flush(5000, (err) => err ? reject(kafkaError(err, 'flush failed')) : resolve());
 */
export function kafkaError(err: unknown, message: string, details: Record<string, unknown> = {}, code: ErrorCode = 'ERR_KAFKA'): AlertflowError {
  const e = err as { message?: string; code?: number } | undefined;
  const cause = err instanceof Error ? err : new Error(e?.message ?? String(err));
  return new AlertflowError(code, `${message}: ${e?.message ?? String(err)}`, { ...details, ...(typeof e?.code === 'number' ? { kafkaCode: e.code } : {}) }, { cause });
}

/**
 * Fetches cluster metadata once with a short-lived producer client; resolves
 * the metadata or rejects when the brokers do not answer within `timeoutMs`.
 *
 * @example
 * const md = await fetchMetadata('127.0.0.1:19092', 5000);
 * console.log(md.brokers.length);
 */
export async function fetchMetadata(brokers: string, timeoutMs: number, topic?: string): Promise<RdKafka.Metadata> {
  const Kafka = await loadRdkafka();
  const client = new Kafka.Producer({ 'metadata.broker.list': brokers, 'socket.timeout.ms': timeoutMs, 'log.connection.close': false });
  // An unreachable broker surfaces as 'event.error' too; swallow those here,
  // the connect callback carries the failure.
  client.on('event.error', () => undefined);
  try {
    await new Promise<void>((res, rej) => client.connect({ timeout: timeoutMs }, (err) => (err ? rej(err) : res())));
    return await new Promise<RdKafka.Metadata>((res, rej) =>
      client.getMetadata({ timeout: timeoutMs, ...(topic ? { topic } : { allTopics: true }) }, (err, md) => (err ? rej(err) : res(md))),
    );
  } finally {
    await new Promise<void>((res) => {
      if (!client.isConnected()) return res();
      client.disconnect(() => res());
    });
  }
}
