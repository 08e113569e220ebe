/**
 * A Kafka topic as a {@link Source}: a node-rdkafka KafkaConsumer in a
 * consumer group, read in batches only when the executor pulls, with manual
 * offset commits (at-least-once) and partition pause/resume for backpressure.
 *
 * Rebalances and stale commits: the source tracks which partitions it owns.
 * `commit()` drops offsets for partitions it no longer owns, and offsets below
 * the first offset delivered since the partition was (re)assigned, so records
 * still in flight from an earlier assignment can never move a group's
 * committed offset backwards. Dropped commits only mean those records may be
 * read again (at-least-once), never lost.
 */
import type * as RdKafka from 'node-rdkafka';
import type { RawPacket } from '../formats/types.js';
import type { Source, SourceRecord } from '../runtime/types.js';
import { markMovable } from '../runtime/tasks/transfer.js';
import { kafkaError, loadRdkafka } from './rdkafka.js';

/** Configuration of {@link createKafkaSource}. */
export interface KafkaSourceConfig {
  /** Bootstrap servers, `host:port[,host:port…]`. */
  brokers: string;
  topic: string;
  groupId: string;
  /** Most records per batch (default 500), asked for while there is a backlog. */
  batchSize?: number;
  /** Records asked for per call once caught up (default 16): what bounds latency when live. */
  liveBatchSize?: number;
  /** Where a group with no committed offset starts: earliest (default true) or latest. */
  fromBeginning?: boolean;
  /** End the stream once every assigned partition has been read to its end (cron-style runs). */
  untilCaughtUp?: boolean;
  /** Extra librdkafka settings, applied last. */
  extraConfig?: Record<string, string | number | boolean>;
  /** `packet` (default): values are RawPackets; `buffer`: values are the message Buffers. */
  valueFormat?: 'packet' | 'buffer';
  /** Pause fetching when the executor has not pulled for this long (default 1000 ms). */
  pauseAfterMs?: number;
  /** How long one consume call waits for messages (default 200 ms). */
  pollTimeoutMs?: number;
}

/** A Kafka source; `consumer` is exposed for diagnostics and tests. */
export interface KafkaSource<T> extends Source<T> {
  /** Partitions currently assigned to this member. */
  assignment(): number[];
  /** True while fetching is paused for backpressure. */
  isPaused(): boolean;
  readonly consumer: RdKafka.KafkaConsumer;
}

// librdkafka error codes (see rdkafka.h) used in the rebalance callback and commits.
const ERR_ASSIGN = -175;
const ERR_REVOKE = -174;
const ERR_NO_OFFSET = -168;
/** Commit failures caused by a group rebalance: the offsets will be read again, so not fatal. */
const REBALANCE_COMMIT_ERRORS = new Set([22 /* ILLEGAL_GENERATION */, 25 /* UNKNOWN_MEMBER_ID */, 27 /* REBALANCE_IN_PROGRESS */, ERR_REVOKE, ERR_ASSIGN]);

interface PartitionState {
  /** Lowest offset that may be committed (first delivered since assignment), when known. */
  floor?: number;
  /** Next offset to hand out (last delivered + 1), when known. */
  next?: number;
  /** Last committed offset in this assignment. */
  committed?: number;
  /** Offset at which librdkafka last reported the partition end (EOF event). */
  eofAt?: number;
}

/**
 * Creates and connects a consumer-group source for one topic.
 *
 * @example
 * const src = await createKafkaSource({ brokers: '127.0.0.1:19092', topic: 'alerts', groupId: 'filter-1', untilCaughtUp: true });
 * const ac = new AbortController();
 * for await (const batch of src.batches(ac.signal)) {
 *   handle(batch);
 *   await src.commit(new Map(batch.map((r) => [r.position.partition, r.position.offset + 1])));
 * }
 * await src.close();
 */
export async function createKafkaSource<T = RawPacket>(config: KafkaSourceConfig): Promise<KafkaSource<T>> {
  const Kafka = await loadRdkafka();
  const { topic } = config;
  const batchSize = config.batchSize ?? 500;
  const liveBatch = config.liveBatchSize ?? 16;
  let want = liveBatch;
  const asPacket = (config.valueFormat ?? 'packet') === 'packet';
  const parts = new Map<number, PartitionState>();
  let assignedOnce = false;
  let paused = false;
  let closed = false;
  let idleTimer: NodeJS.Timeout | undefined;
  /** A fatal client error (librdkafka gives up); surfaced on the next pull. */
  let fatal: unknown;

  const consumer: RdKafka.KafkaConsumer = new Kafka.KafkaConsumer(
    {
      'metadata.broker.list': config.brokers,
      'group.id': config.groupId,
      'enable.auto.commit': false,
      'enable.auto.offset.store': false,
      'enable.partition.eof': true,
      'socket.keepalive.enable': true,
      // librdkafka stops fetching for 1 s once its local queue is full (64 MiB, ~850 Rubin
      // alerts); a consumer that drains it in 100 ms then idles 0.9 s. Retry soon instead.
      'fetch.queue.backoff.ms': 10,
      rebalance_cb: (err: RdKafka.LibrdKafkaError, assignment: RdKafka.TopicPartition[]) => onRebalance(err, assignment),
      ...config.extraConfig,
    } as RdKafka.ConsumerGlobalConfig,
    { 'auto.offset.reset': config.fromBeginning === false ? 'latest' : 'earliest' },
  );
  consumer.on('event.error', (err) => {
    // Transient errors (broker down for a moment) are retried by librdkafka itself.
    if (err.isFatal) fatal = err;
  });
  consumer.on('partition.eof', (e) => {
    const p = parts.get(e.partition);
    if (p) p.eofAt = e.offset;
  });
  consumer.setDefaultConsumeTimeout(config.pollTimeoutMs ?? 200);

  function onRebalance(err: RdKafka.LibrdKafkaError, assignment: RdKafka.TopicPartition[]): void {
    const cooperative = consumer.rebalanceProtocol() === 'COOPERATIVE';
    try {
      if (err.code === ERR_ASSIGN) {
        if (cooperative) consumer.incrementalAssign(assignment);
        else consumer.assign(assignment);
        if (!cooperative) parts.clear();
        for (const tp of assignment) if (tp.topic === topic) parts.set(tp.partition, {});
        assignedOnce = true;
        // Newly assigned partitions must honour an ongoing backpressure pause.
        if (paused && assignment.length > 0) consumer.pause(assignment);
      } else if (err.code === ERR_REVOKE) {
        if (cooperative) consumer.incrementalUnassign(assignment);
        else consumer.unassign();
        if (cooperative) for (const tp of assignment) parts.delete(tp.partition);
        else parts.clear();
      }
    } catch (e) {
      fatal = e;
    }
  }

  await new Promise<void>((res, rej) =>
    consumer.connect({ timeout: 30_000 }, (err) => (err ? rej(kafkaError(err, `cannot connect to Kafka at ${config.brokers}`, { brokers: config.brokers }, 'ERR_KAFKA_BROKER')) : res())),
  );
  consumer.subscribe([topic]);

  function consumeBatch(n: number): Promise<RdKafka.Message[]> {
    return new Promise((res, rej) => consumer.consume(n, (err, msgs) => (err ? rej(kafkaError(err, `consuming ${topic} failed`, { topic })) : res(msgs))));
  }

  function toRecord(m: RdKafka.Message): SourceRecord<T> {
    // A null value (tombstone / empty message) becomes 0 bytes; decoding dead-letters it.
    const bytes = m.value ?? Buffer.alloc(0);
    markMovable(bytes); // librdkafka's copy is ours alone: pool steps may move it instead of cloning it
    const p = parts.get(m.partition);
    if (p) {
      p.floor ??= m.offset;
      p.next = m.offset + 1;
    }
    const value = (asPacket ? ({ kind: 'raw', bytes } satisfies RawPacket) : bytes) as T;
    const rec: SourceRecord<T> = { value, position: { partition: String(m.partition), offset: m.offset }, bytes };
    if (typeof m.timestamp === 'number' && m.timestamp > 0) rec.eventTime = m.timestamp;
    if (m.key !== undefined && m.key !== null) rec.key = typeof m.key === 'string' ? m.key : m.key.toString('utf8');
    return rec;
  }

  function owned(): RdKafka.TopicPartition[] {
    return [...parts.keys()].map((partition) => ({ topic, partition }));
  }

  function setPaused(on: boolean): void {
    if (paused === on || closed) return;
    paused = on;
    const tps = owned();
    if (tps.length === 0) return;
    try {
      if (on) consumer.pause(tps);
      else consumer.resume(tps);
    } catch (e) {
      fatal = e;
    }
  }

  function caughtUp(): boolean {
    if (!assignedOnce) return false;
    // EOF events are emitted before the batch they end is handed out, so
    // compare offsets instead of keeping a flag: caught up = delivered up to the end.
    for (const p of parts.values()) if (p.eofAt === undefined || (p.next ?? p.eofAt) !== p.eofAt) return false;
    return true;
  }

  return {
    consumer,
    assignment: () => [...parts.keys()].sort((a, b) => a - b),
    isPaused: () => paused,

    async *batches(signal: AbortSignal): AsyncIterable<SourceRecord<T>[]> {
      while (!signal.aborted && !closed) {
        clearTimeout(idleTimer);
        if (fatal) throw kafkaError(fatal, `Kafka consumer on ${topic} failed`, { topic });
        setPaused(false);
        const msgs = await consumeBatch(want);
        // A call that got all it asked for means a backlog: ask for more next time. One
        // that got fewer means we are live; ask for a few, since node-rdkafka's consume(n)
        // keeps waiting while messages trickle in, and a live batch of 500 would hold its
        // first records back for as long as the 500th takes to arrive.
        want = msgs.length >= want ? Math.min(batchSize, want * 4) : Math.min(batchSize, liveBatch);
        if (msgs.length === 0) {
          if (config.untilCaughtUp && caughtUp()) return;
          continue;
        }
        const batch = msgs.filter((m) => m.topic === topic).map(toRecord);
        if (batch.length === 0) continue;
        // If the executor stops pulling for a while, stop librdkafka prefetching.
        idleTimer = setTimeout(() => setPaused(true), config.pauseAfterMs ?? 1000);
        idleTimer.unref();
        yield batch;
      }
      clearTimeout(idleTimer);
    },

    async commit(next: Map<string, number>): Promise<void> {
      if (closed) return;
      const offsets: RdKafka.TopicPartitionOffset[] = [];
      for (const [key, offset] of next) {
        const p = parts.get(Number(key));
        // Not ours any more, or below what this assignment started from: stale.
        if (!p || p.floor === undefined || offset < p.floor || (p.committed !== undefined && offset <= p.committed)) continue;
        offsets.push({ topic, partition: Number(key), offset });
      }
      if (offsets.length === 0) return;
      try {
        // Synchronous on purpose: async commit callbacks are only served by a
        // consume() call, which never comes while the executor is backpressured.
        consumer.commitSync(offsets);
      } catch (err) {
        const code = (err as { code?: number }).code;
        if (code !== undefined && (REBALANCE_COMMIT_ERRORS.has(code) || code === ERR_NO_OFFSET)) return;
        throw kafkaError(err, `committing offsets on ${topic} failed`, { topic, offsets });
      }
      for (const o of offsets) {
        const p = parts.get(o.partition);
        if (p) p.committed = o.offset;
      }
    },

    lag(): number | undefined {
      let total = 0;
      let known = false;
      for (const [partition, p] of parts) {
        try {
          const w = consumer.getWatermarkOffsets(topic, partition);
          if (typeof w.highOffset !== 'number' || w.highOffset < 0) continue;
          const from = p.next ?? p.committed;
          if (from === undefined) continue;
          total += Math.max(0, w.highOffset - from);
          known = true;
        } catch {
          // no watermark fetched yet for this partition
        }
      }
      return known ? total : undefined;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      clearTimeout(idleTimer);
      if (!consumer.isConnected()) return;
      await new Promise<void>((res) => consumer.disconnect(() => res()));
    },
  };
}
