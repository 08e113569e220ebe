/**
 * `kafka` bench: on a real broker, produce the seeded packets (and replay the
 * same night from its container file through the runtime), then read the
 * topic side by side with kcat (the physical-limit reference), our
 * KafkaSource alone, the full graph (kafka → decode → filter → sink) and a
 * Python confluent-kafka peer.
 */
import { availableParallelism } from 'node:os';
import { replayGraph } from '../src/cli/commands/replay.js';
import { createKafkaSource } from '../src/kafka/consumer-source.js';
import { produceBuffers } from '../src/kafka/producer-sink.js';
import { runGraph } from '../src/runtime/executor.js';
import type { MetricsSnapshot } from '../src/runtime/metrics.js';
import { createTopic, deleteTopic, ensureBroker, type TestBroker } from '../src/testing/kafka.js';
import { BENCH_SCHEMA, loadNightFile, loadPackets } from './lib/inputs.js';
import { findKcat, kcatConsume } from './lib/kcat.js';
import { log } from './lib/log.js';
import { officialSchemaDir } from './lib/paths.js';
import { pythonMissing, runPeer } from './lib/python.js';
import { countingSink } from './lib/sinks.js';
import { FILTER, graphPassInChild, SNR_MIN } from './lib/graph-pass.js';
import { flagsOfAlertflowRun } from './lib/run-as-command.js';
import { alertflowMode, compareSeed001, pythonSeed001Mode } from './kafka-seed001.js';
import { latencyUnderLoad } from './kafka-seed001-limits.js';
import { ratio, round, since, throughput } from './lib/stats.js';
import type { BenchOptions, BenchReport } from './lib/types.js';

/** One timed read of the whole topic. */
interface ConsumePass {
  /** Client creation (or process start) to the end of the topic. */
  seconds: number;
  /** First record to the end: the steady-state part, without connect and group join. */
  streamSeconds: number;
  count: number;
  bytes: number;
  /** Records that passed the filter (graph modes). */
  kept?: number;
  metrics?: MetricsSnapshot;
  extra?: Record<string, unknown>;
}

interface ConsumeMode {
  name: string;
  describe: string;
  pass(groupId: string): Promise<ConsumePass>;
}

/** Longest a consume pass may take before it is stopped and recorded as failed (generous: the machine may be loaded). */
function passTimeoutMs(alerts: number): number {
  return 60_000 + alerts * 20;
}

/**
 * Joins a throwaway group and reads one batch, untimed: the first group on a
 * fresh broker creates `__consumer_offsets`, which costs seconds that would
 * otherwise land on whichever mode happens to run first.
 */
async function warmUpGroups(brokers: string, topic: string, groupId: string): Promise<void> {
  const source = await createKafkaSource({ brokers, topic, groupId, untilCaughtUp: true });
  const ac = new AbortController();
  try {
    for await (const _batch of source.batches(ac.signal)) break;
  } finally {
    ac.abort();
    await source.close();
  }
}

function kcatMode(brokers: string, topic: string, version: string, timeoutMs: number): ConsumeMode {
  return {
    name: 'kcat',
    describe: `kcat -C -o beginning -e -f '%S\\n' (no group, no decode): the raw-consume reference; ${version}`,
    pass: async () => {
      const r = await kcatConsume(brokers, topic, timeoutMs);
      return { ...r, extra: { peakRssMb: r.peakRssMb ?? null } };
    },
  };
}

/** (b) Our source alone: records counted, nothing decoded or committed. */
function sourceMode(brokers: string, topic: string, timeoutMs: number): ConsumeMode {
  return {
    name: 'source',
    describe: 'createKafkaSource({ untilCaughtUp: true }) in a fresh group, records counted (raw consume through our source)',
    async pass(groupId) {
      const t0 = performance.now();
      const source = await createKafkaSource({ brokers, topic, groupId, untilCaughtUp: true });
      let first: number | undefined;
      let count = 0;
      let bytes = 0;
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), timeoutMs);
      try {
        for await (const batch of source.batches(ac.signal)) {
          first ??= performance.now();
          count += batch.length;
          for (const r of batch) bytes += r.bytes?.length ?? 0;
        }
      } finally {
        clearTimeout(timer);
        ac.abort();
        await source.close();
      }
      // The end is the last record, not the consumer's disconnect.
      const end = performance.now();
      return { seconds: (end - t0) / 1000, streamSeconds: (end - (first ?? t0)) / 1000, count, bytes };
    },
  };
}

/** (c) The full graph through the executor, with the runtime's own metrics, in a child process started as the CLI would start it. */
function graphMode(name: string, brokers: string, topic: string, threads: number, timeoutMs: number): ConsumeMode {
  const flags = flagsOfAlertflowRun(threads);
  return {
    name,
    describe: `runGraph: kafka source (untilCaughtUp, fresh group) → [decode → filter snr >= ${SNR_MIN} → select] (${threads === 0 ? 'threads: 0, so in-process' : `fused on the pool, ${threads} threads`}) → counting sink; own process, node ${flags.join(' ') || '(no flags)'} as alertflow run would start it`,
    async pass(groupId) {
      const r = await graphPassInChild(brokers, topic, groupId, threads, timeoutMs);
      return { seconds: r.seconds, streamSeconds: r.streamSeconds, count: r.count, bytes: 0, kept: r.kept, metrics: r.metrics, extra: { execArgv: r.execArgv } };
    },
  };
}

/** The Python peer: confluent-kafka consume, raw or with fastavro decode and the same filter. */
function pythonMode(name: string, brokers: string, topic: string, expected: number, schemaDir: string | undefined): ConsumeMode {
  return {
    name,
    describe: schemaDir
      ? `Python confluent-kafka consume + fastavro.schemaless_reader + snr >= ${SNR_MIN} filter, fresh group`
      : 'Python confluent-kafka consume, records counted, fresh group',
    async pass(groupId) {
      const args = [brokers, topic, groupId, String(expected), ...(schemaDir ? [schemaDir, String(SNR_MIN)] : [])];
      const r = await runPeer<{ count: number; bytes: number; kept: number; seconds: number; streamSeconds: number; confluentKafka: string; librdkafka: string; python: string }>(
        'bench_kafka_consume.py',
        args,
      );
      return {
        seconds: r.seconds,
        streamSeconds: r.streamSeconds,
        count: r.count,
        bytes: r.bytes,
        ...(schemaDir ? { kept: r.kept } : {}),
        extra: { confluentKafka: r.confluentKafka, librdkafka: r.librdkafka, python: r.python },
      };
    },
  };
}

/** Figures of a consume mode: throughput over the whole read and over the streaming part. */
function consumeFigures(describe: string, passes: ConsumePass[], alerts: number, bytes: number): Record<string, unknown> {
  const total = throughput(
    passes.map((p) => p.seconds),
    alerts,
    bytes,
  );
  const stream = throughput(
    passes.map((p) => p.streamSeconds),
    alerts,
    bytes,
  );
  const last = passes[passes.length - 1]!;
  const m = last.metrics;
  return {
    describe,
    ...total,
    streamRuns: stream.runs,
    streamSeconds: stream.seconds,
    streamAlertsPerSecond: stream.alertsPerSecond,
    streamMbPerSecond: stream.mbPerSecond,
    ...(last.kept !== undefined ? { kept: last.kept } : {}),
    ...(m ? { latencyMs: m.latencyMs, executorThroughputPerSecond: m.throughputPerSecond, executorSeconds: m.elapsedSeconds, steps: m.steps } : {}),
    ...last.extra,
  };
}

/**
 * Runs the kafka bench.
 *
 * @example
 * const report = await run({ alerts: 5000, seed: 1, repeat: 3, batchSize: 256, partitions: 1 });
 */
export async function run(o: BenchOptions): Promise<BenchReport> {
  const notes: string[] = [];
  const results: Record<string, unknown> = {};
  const ratios: Record<string, number | null> = {};
  log(`kafka: loading ${o.alerts} packets and the night file (seed ${o.seed})`);
  const set = await loadPackets(o.alerts, o.seed);
  const night = await loadNightFile(o.alerts, o.seed);
  const N = o.alerts;
  const threads = availableParallelism();
  const kcat = findKcat();
  const schemaDir = officialSchemaDir();
  const pySkip = pythonMissing();

  let broker: TestBroker | undefined;
  const topics: string[] = [];
  const stamp = `${process.pid}-${Date.now()}`;
  try {
    log('kafka: getting a broker');
    broker = await ensureBroker({ partitions: o.partitions });
    const { brokers } = broker;
    notes.push(broker.started ? 'A private local broker was started for this run and stopped at the end.' : `External broker from ALERTFLOW_KAFKA_BROKERS (${brokers}).`);

    // Produce: the seeded packets, straight through the producer.
    const topic = `bench-alerts-${stamp}`;
    await createTopic(brokers, topic, o.partitions);
    topics.push(topic);
    log(`kafka: producing ${N} packets to ${topic}`);
    let t0 = performance.now();
    await produceBuffers(brokers, topic, set.packets);
    results.produce = { describe: 'produceBuffers (idempotent producer, acks=all, linger 5 ms, no compression), one pass', ...throughput([since(t0)], N, set.totalBytes) };

    // Replay: the same night from its container file through the runtime (file → frame → kafka sink).
    const replayTopic = `bench-replay-${stamp}`;
    try {
      await createTopic(brokers, replayTopic, o.partitions);
      topics.push(replayTopic);
      log(`kafka: replaying ${night.path} to ${replayTopic}`);
      const dead = countingSink<never>('dead letters');
      t0 = performance.now();
      const r = await runGraph(replayGraph([night.path], { brokers, topic: replayTopic }), { threads: 0, deadLetterSink: dead }).done;
      const seconds = since(t0);
      if (r.metrics.recordsOut !== N || dead.count > 0) throw new Error(`replay delivered ${r.metrics.recordsOut} of ${N} (${dead.count} dead letters)`);
      results.replay = { describe: 'runGraph(replayGraph): avro-file source → frame → kafka sink, threads 0, full speed, one pass', ...throughput([seconds], N, set.totalBytes), latencyMs: r.metrics.latencyMs };
    } catch (err) {
      results.replay = { error: (err as Error).message };
    }

    // Consume, round-robin, each pass in a fresh group so it reads everything.
    const modes: ConsumeMode[] = [];
    const timeoutMs = passTimeoutMs(N);
    if ('version' in kcat) modes.push(kcatMode(brokers, topic, kcat.version, timeoutMs));
    else results.kcat = { skipped: kcat.missing };
    modes.push(sourceMode(brokers, topic, timeoutMs), graphMode('graph', brokers, topic, threads, timeoutMs), graphMode('graph-inprocess', brokers, topic, 0, timeoutMs));
    if (pySkip) {
      results['python-raw'] = results['python-graph'] = { skipped: pySkip };
    } else {
      modes.push(pythonMode('python-raw', brokers, topic, N, undefined));
      if (schemaDir) modes.push(pythonMode('python-graph', brokers, topic, N, schemaDir));
      else results['python-graph'] = { skipped: 'official schemas not found at ../shared/data/lsst-alert-packet/11.0' };
    }
    log('kafka: warming up the consumer-group machinery');
    await warmUpGroups(brokers, topic, `bench-warmup-${stamp}`);
    const passes = new Map<string, ConsumePass[]>(modes.map((m) => [m.name, []]));
    const failed = new Map<string, string>();
    for (let lap = 1; lap <= o.repeat; lap++) {
      for (const mode of modes) {
        if (failed.has(mode.name)) continue;
        try {
          const p = await mode.pass(`bench-${mode.name}-${stamp}-${lap}`);
          if (p.count !== N) throw new Error(`read ${p.count} of ${N} records`);
          passes.get(mode.name)!.push(p);
          log(`kafka round ${lap}/${o.repeat}: ${mode.name} ${p.seconds.toFixed(3)} s total, ${p.streamSeconds.toFixed(3)} s streaming`);
        } catch (err) {
          failed.set(mode.name, (err as Error).message);
          log(`kafka: ${mode.name} failed: ${(err as Error).message}`);
        }
      }
    }
    for (const mode of modes) {
      const ps = passes.get(mode.name)!;
      const error = failed.get(mode.name);
      results[mode.name] = ps.length === 0 ? { describe: mode.describe, error: error ?? 'no passes' } : { ...consumeFigures(mode.describe, ps, N, set.totalBytes), ...(error ? { error } : {}) };
    }

    const rate = (name: string, key = 'alertsPerSecond'): number | undefined => (results[name] as Record<string, number> | undefined)?.[key];
    const both = (a: string, b: string): void => {
      ratios[`${a}/${b}`] = ratio(rate(a), rate(b));
      ratios[`${a}/${b} (streaming)`] = ratio(rate(a, 'streamAlertsPerSecond'), rate(b, 'streamAlertsPerSecond'));
    };
    ratios['replay/produce'] = ratio(rate('replay'), rate('produce'));
    both('source', 'kcat');
    both('graph', 'kcat');
    both('graph', 'source');
    both('graph-inprocess', 'graph');
    both('graph-inprocess', 'python-graph');
    both('source', 'python-raw');
    both('graph', 'python-graph');
    both('python-raw', 'kcat');
    // The seed-001 consumer, end to end, against the Python consumer and kcat on the same topic.
    const seed001Modes = [alertflowMode('seed001-threads0', brokers, topic, 0, timeoutMs), alertflowMode('seed001-threads2', brokers, topic, 2, timeoutMs)];
    if (!pySkip && schemaDir) seed001Modes.push(pythonSeed001Mode(brokers, topic, N, schemaDir));
    else results['seed001-python'] = { skipped: pySkip ?? 'official schemas not found at ../shared/data/lsst-alert-packet/11.0' };
    const seed001 = await compareSeed001(seed001Modes, N, o.repeat, stamp, results.kcat as { alertsPerSecond?: number; streamAlertsPerSecond?: number } | undefined, log);
    Object.assign(results, seed001.results);
    Object.assign(ratios, seed001.ratios);
    notes.push(...seed001.notes);
    // Latency below capacity. A live consumer shares the 2 cores with the producer and the broker,
    // so its capacity is first measured that way: the producer unpaced, the consumer live beside it.
    // The latency pass then feeds it at half of that shared capacity (and the report keeps the
    // standalone catch-up rate for comparison).
    const standalone = (results['seed001-threads0'] as { streamAlertsPerSecond?: number } | undefined)?.streamAlertsPerSecond;
    const describeLive = (what: string) =>
      `alertflow run examples/antares-extendedness-consumer --threads 0, live (no --until-caught-up), while a separate process (bench/lib/paced-producer.ts) produces the seeded packets into a fresh topic ${what}; latencyMs is source read → sink acknowledgement (rows and cutouts written) from the consumer's metrics`;
    try {
      log('kafka seed001: capacity beside an unpaced producer');
      const shared = await latencyUnderLoad(brokers, set.file, N, 1_000_000, o.partitions, timeoutMs);
      results['seed001-capacity-shared'] = { describe: describeLive('as fast as it can (unpaced); consumedPerSecond is the capacity while producer, broker and consumer share the machine'), ...shared };
      const rate = Math.max(1, Math.round(shared.consumedPerSecond / 2));
      log(`kafka seed001: latency at ${rate} alerts/s (half of ${shared.consumedPerSecond}, the shared capacity; standalone ${standalone ?? '?'})`);
      results['seed001-latency-50pct'] = { describe: describeLive('at half of seed001-capacity-shared'), standaloneCapacity: standalone, ...(await latencyUnderLoad(brokers, set.file, N, rate, o.partitions, timeoutMs)) };
    } catch (err) {
      results['seed001-latency-50pct'] = { error: (err as Error).message };
    }
    const kept = (results.graph as { kept?: number } | undefined)?.kept;
    const pyKept = (results['python-graph'] as { kept?: number } | undefined)?.kept;
    if (kept !== undefined && pyKept !== undefined && kept !== pyKept) notes.push(`The graph kept ${kept} alerts but the Python peer kept ${pyKept}: the filters disagree.`);
  } catch (err) {
    // A broker that will not start or a failed produce ends the run, but the report still says what was measured.
    results.error = (err as Error).message;
    notes.push(`The run stopped early: ${(err as Error).message}`);
    log(`kafka: stopped early: ${(err as Error).message}`);
  } finally {
    if (broker) {
      for (const t of topics) await deleteTopic(broker.brokers, t).catch(() => undefined);
      log('kafka: stopping the broker');
      await broker.stop().catch((err: unknown) => log(`kafka: stopping the broker failed: ${(err as Error).message}`));
    }
  }

  notes.push(
    'Consume figures are medians over the rounds; rounds interleave the modes. "seconds" runs from client creation (or process start) to the end of the topic; "stream*" from the first record to the end (no connect, metadata or group join).',
    'kcat reads without a consumer group; our source, the graph and the Python peer join a fresh group each pass (the broker has group.initial.rebalance.delay.ms 0 when started by the bench).',
    'graph decodes on the worker pool (threads = cores); graph-inprocess is the same graph with threads: 0. latencyMs is source read → sink acknowledgement from the executor metrics of the last pass: a catch-up read lets up to maxInFlight (4096) records queue behind the decode, so it measures queueing, not per-alert cost.',
    'Broker, consumers and decoders share the same cores, so consume figures are lower than on a separate broker host.',
  );
  return {
    inputs: {
      alerts: N,
      seed: o.seed,
      schema: BENCH_SCHEMA,
      totalBytes: set.totalBytes,
      meanPacketBytes: Math.round(set.totalBytes / N),
      partitions: o.partitions,
      graphThreads: threads,
      filter: FILTER,
      rounds: o.repeat,
      cacheFile: set.file,
      nightFile: night.path,
      nightFileBytes: night.bytes,
      cacheHit: set.cacheHit && night.cacheHit,
      generateSeconds: round((set.generateSeconds ?? 0) + (night.generateSeconds ?? 0), 1),
    },
    results,
    ratios,
    notes,
  };
}
