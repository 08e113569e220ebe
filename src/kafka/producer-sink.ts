/**
 * A Kafka topic as a {@link Sink}: an idempotent node-rdkafka Producer whose
 * `write(batch)` resolves only once librdkafka has reported every message of
 * the batch delivered (acks=all), which is the sink's acknowledgement.
 */
import type * as RdKafka from 'node-rdkafka';
import { AlertflowError } from '../errors.js';
import type { Sink, SinkRecord } from '../runtime/types.js';
import { kafkaError, loadRdkafka } from './rdkafka.js';

/** Compression codecs librdkafka can use, when it was built with them. */
export type KafkaCompression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** Configuration of {@link createKafkaSink}. */
export interface KafkaSinkConfig<T = unknown> {
  brokers: string;
  topic: string;
  /** Batch compression (default none). zstd needs librdkafka built against libzstd. */
  compression?: KafkaCompression;
  /**
   * Message key from a field of a decoded alert (dotted path, e.g. `diaSource.diaSourceId`),
   * used when the record has no `key` of its own.
   */
  keyField?: string;
  /** Encodes values that are neither bytes nor alerts carrying their wire-format bytes. */
  serialize?: (value: T) => Buffer | Uint8Array;
  /** Extra librdkafka settings, applied last. */
  extraConfig?: Record<string, string | number | boolean>;
}

/** One message for {@link produceBuffers}. A null value is an empty (tombstone) message. */
export type BufferMessage = Buffer | Uint8Array | null | { value: Buffer | Uint8Array | null; key?: string; partition?: number };

interface Pending {
  remaining: number;
  errors: unknown[];
  settle: () => void;
}

/**
 * Creates and connects a Kafka sink for one topic.
 *
 * @example
 * const sink = await createKafkaSink({ brokers: '127.0.0.1:19092', topic: 'alerts-out', compression: 'lz4', keyField: 'diaSource.diaSourceId' });
 * await sink.write([{ value: decodedAlert, position: { partition: '0', offset: 41 } }]);
 * await sink.close();
 */
export async function createKafkaSink<T = unknown>(config: KafkaSinkConfig<T>): Promise<Sink<T>> {
  const producer = await connectProducer(config.brokers, config.compression, config.extraConfig);
  const { topic } = config;
  let closed = false;
  return {
    async write(batch: SinkRecord<T>[]): Promise<void> {
      if (closed) throw new AlertflowError('ERR_KAFKA', `Kafka sink for ${topic} is closed`, { topic });
      const items = batch.map((r) => {
        const key = r.key ?? (config.keyField ? keyOf(r.value, config.keyField) : undefined);
        return { value: toBuffer(r.value, config.serialize, topic), ...(key !== undefined ? { key } : {}) };
      });
      await producer.deliver(topic, items);
    },
    describe: () => `kafka://${config.brokers}/${topic}`,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await producer.close();
    },
  };
}

/**
 * Produces raw buffers to a topic and resolves when all are delivered
 * (for tests, replays and benches). Null values produce empty messages.
 *
 * @example
 * await produceBuffers('127.0.0.1:19092', 'alerts', packets, { compression: 'zstd' });
 */
export async function produceBuffers(
  brokers: string,
  topic: string,
  buffers: BufferMessage[],
  opts: { compression?: KafkaCompression; extraConfig?: Record<string, string | number | boolean> } = {},
): Promise<void> {
  const producer = await connectProducer(brokers, opts.compression, opts.extraConfig);
  try {
    const items = buffers.map((b) => (b === null || b instanceof Uint8Array ? { value: b === null ? null : asBuffer(b) } : { ...b, value: b.value === null ? null : asBuffer(b.value) }));
    await producer.deliver(topic, items);
  } finally {
    await producer.close();
  }
}

interface DeliveringProducer {
  deliver(topic: string, items: { value: Buffer | null; key?: string; partition?: number }[]): Promise<void>;
  close(): Promise<void>;
}

async function connectProducer(brokers: string, compression: KafkaCompression | undefined, extra: Record<string, string | number | boolean> = {}): Promise<DeliveringProducer> {
  const Kafka = await loadRdkafka();
  const codec = compression ?? 'none';
  if (codec !== 'none' && !Kafka.features.includes(codec)) {
    throw new AlertflowError('ERR_KAFKA', `librdkafka was built without ${codec} support (features: ${Kafka.features.join(',')})` + (codec === 'zstd' ? '; install libzstd-dev and rebuild node-rdkafka' : ''), { compression: codec });
  }
  const producer: RdKafka.Producer = new Kafka.Producer({
    'metadata.broker.list': brokers,
    dr_cb: true,
    'enable.idempotence': true,
    'compression.codec': codec,
    'linger.ms': 5,
    'message.max.bytes': 10 * 1024 * 1024,
    ...extra,
  } as RdKafka.ProducerGlobalConfig);
  producer.on('delivery-report', (err, report) => {
    const p = report.opaque as Pending | undefined;
    if (!p) return;
    if (err) p.errors.push(err);
    if (--p.remaining === 0) p.settle();
  });
  producer.on('event.error', () => undefined); // transient; librdkafka retries and reports failures per message
  await new Promise<void>((res, rej) =>
    producer.connect({ timeout: 30_000 }, (err) => (err ? rej(kafkaError(err, `cannot connect to Kafka at ${brokers}`, { brokers }, 'ERR_KAFKA_BROKER')) : res())),
  );

  // Delivery reports arrive only through poll(); poll while any batch is waiting.
  let waiting = 0;
  let timer: NodeJS.Timeout | undefined;
  const startPolling = () => {
    if (waiting++ === 0) timer = setInterval(() => safePoll(producer), 5);
  };
  const stopPolling = () => {
    if (--waiting === 0) clearInterval(timer);
  };

  return {
    async deliver(topic, items) {
      if (items.length === 0) return;
      startPolling();
      try {
        await new Promise<void>((resolve, reject) => {
          const pending: Pending = {
            remaining: items.length,
            errors: [],
            settle: () =>
              pending.errors.length === 0
                ? resolve()
                : reject(kafkaError(pending.errors[0], `${pending.errors.length} of ${items.length} messages to ${topic} were not delivered`, { topic, failed: pending.errors.length })),
          };
          (async () => {
            for (let i = 0; i < items.length; i++) {
              const it = items[i]!;
              try {
                await produceOne(producer, topic, it.partition ?? null, it.value, it.key, pending);
              } catch (err) {
                // Messages not handed to librdkafka will never get a report.
                pending.errors.push(err);
                pending.remaining -= items.length - i;
                if (pending.remaining === 0) pending.settle();
                return;
              }
            }
          })();
        });
      } finally {
        stopPolling();
      }
    },
    close: () =>
      new Promise<void>((res) => {
        clearInterval(timer);
        if (!producer.isConnected()) return res();
        producer.disconnect(30_000, () => res());
      }),
  };
}

/** Produces one message, waiting (polling) while librdkafka's local queue is full. */
async function produceOne(producer: RdKafka.Producer, topic: string, partition: number | null, value: Buffer | null, key: string | undefined, opaque: Pending): Promise<void> {
  for (;;) {
    try {
      producer.produce(topic, partition, value, key, null, opaque);
      return;
    } catch (err) {
      if ((err as { code?: number }).code !== -184 /* ERR__QUEUE_FULL */) throw kafkaError(err, `producing to ${topic} failed`, { topic });
      safePoll(producer);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

function safePoll(producer: RdKafka.Producer): void {
  try {
    producer.poll();
  } catch {
    // disconnected: close() is on its way
  }
}

function asBuffer(b: Buffer | Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** Bytes to send: wire-format packet bytes as they are, else `serialize`. */
function toBuffer<T>(value: T, serialize: ((v: T) => Buffer | Uint8Array) | undefined, topic: string): Buffer {
  if (value instanceof Uint8Array) return asBuffer(value);
  const v = value as { kind?: string; bytes?: Uint8Array; writerSchema?: string; raw?: { bytes: Uint8Array; writerSchema?: string } } | null;
  // Only bytes without a writerSchema are Confluent wire format; others need encoding.
  if (v?.kind === 'raw' && v.bytes && v.writerSchema === undefined) return asBuffer(v.bytes);
  if (v?.kind === 'alert' && v.raw && v.raw.writerSchema === undefined) return asBuffer(v.raw.bytes);
  if (serialize) return asBuffer(serialize(value));
  throw new AlertflowError('ERR_KAFKA', `Kafka sink for ${topic} cannot turn this value into bytes; pass a serialize function`, { topic, kind: v?.kind ?? typeof value });
}

/** Reads a dotted path from a decoded alert (or a plain object) as a string key. */
function keyOf(value: unknown, path: string): string | undefined {
  let cur: unknown = (value as { kind?: string; alert?: unknown })?.kind === 'alert' ? (value as { alert: unknown }).alert : value;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? undefined : String(cur);
}
