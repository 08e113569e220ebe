/**
 * One timed pass of the kafka bench's graph (Kafka → [decode → filter →
 * select] → counting sink), run in its own process with the V8 flags that
 * `alertflow run --threads N` would choose (src/cli/gc-choice.ts), so the
 * pool and in-process figures are what a user of the command gets.
 *
 * As a script: node dist/bench/lib/graph-pass.js BROKERS TOPIC GROUP THREADS TIMEOUT_MS
 * prints one JSON line (GraphPassResult).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createKafkaSource } from '../../src/kafka/consumer-source.js';
import { graph } from '../../src/runtime/builder.js';
import { runGraph } from '../../src/runtime/executor.js';
import type { MetricsSnapshot } from '../../src/runtime/metrics.js';
import type { Source } from '../../src/runtime/types.js';
import { countingSink } from './sinks.js';
import { runAsAlertflowRun } from './run-as-command.js';

/** The filter of the graph pass (and of the Python peer): about half the simulated alerts pass (detections start at snr 5). */
export const SNR_MIN = 25;
export const FILTER = { field: 'alert.diaSource.snr', op: '>=', value: SNR_MIN };

export interface GraphPassResult {
  seconds: number;
  streamSeconds: number;
  count: number;
  kept: number;
  metrics: MetricsSnapshot;
  /** Node flags the pass ran with. */
  execArgv: string[];
}

function noteFirstBatch<T>(source: Source<T>, onFirst: () => void): Source<T> {
  return {
    batches: async function* (signal: AbortSignal) {
      let seen = false;
      for await (const batch of source.batches(signal)) {
        if (!seen) {
          seen = true;
          onFirst();
        }
        yield batch;
      }
    },
    commit: (next) => source.commit(next),
    lag: () => source.lag?.(),
    close: () => source.close(),
  };
}

/** The pass itself, in this process. */
export async function graphPass(brokers: string, topic: string, groupId: string, threads: number, timeoutMs: number): Promise<GraphPassResult> {
  const spec = graph('bench-kafka')
    .source('kafka', 'external')
    // decode -> filter -> select fuse into one worker task: only small rows of passing alerts cross back.
    .step('decode', 'decode', { keepRaw: false }, { pool: true })
    .step('bright', 'filter', { where: FILTER }, { pool: true })
    .step('row', 'select', { fields: { diaSourceId: 'alert.diaSourceId', snr: 'alert.diaSource.snr' } }, { pool: true })
    .sink('count', 'external')
    .build();
  const t0 = performance.now();
  let first: number | undefined;
  const source = noteFirstBatch(await createKafkaSource({ brokers, topic, groupId, untilCaughtUp: true }), () => (first = performance.now()));
  const sink = countingSink();
  const dead = countingSink<never>('dead letters');
  // Stopped on timeout, a run ends early and the short count marks the pass as failed.
  const result = await runGraph(spec, { threads, sources: { kafka: source }, sinks: { count: sink }, deadLetterSink: dead, signal: AbortSignal.timeout(timeoutMs) }).done;
  const end = performance.now();
  if (dead.count > 0) throw new Error(`${dead.count} records went to the dead letters`);
  return { seconds: (end - t0) / 1000, streamSeconds: (end - (first ?? t0)) / 1000, count: result.metrics.recordsIn, kept: sink.count, metrics: result.metrics, execArgv: process.execArgv };
}

/** Runs the pass in a child process started as `alertflow run --threads N` would start. */
export function graphPassInChild(brokers: string, topic: string, groupId: string, threads: number, timeoutMs: number): Promise<GraphPassResult> {
  return runAsAlertflowRun<GraphPassResult>(fileURLToPath(import.meta.url), threads, [brokers, topic, groupId, String(threads), String(timeoutMs)], `graph pass (threads ${threads})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [brokers, topic, groupId, threads, timeoutMs] = process.argv.slice(2);
  const r = await graphPass(brokers!, topic!, groupId!, Number(threads), Number(timeoutMs));
  process.stdout.write(JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)) + '\n');
  process.exit(0);
}
