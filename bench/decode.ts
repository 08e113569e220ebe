/**
 * `decode` bench: Rubin lsst.v11_0 wire packets (~80 KB) decoded in-process,
 * on the worker pool, through the whole runtime executor, and by fastavro —
 * all on the same seeded packets, in one run, reported as ratios.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createDecodeStep } from '../src/formats/avro/decode-step.js';
import type { RawPacket } from '../src/formats/types.js';
import type { StepSpec } from '../src/runtime/graph.js';
import { graph } from '../src/runtime/builder.js';
import { runGraph } from '../src/runtime/executor.js';
import type { MetricsSnapshot } from '../src/runtime/metrics.js';
import { WorkerPool } from '../src/runtime/pool.js';
import type { RecordResult } from '../src/runtime/types.js';
import { memorySource } from '../src/testing/memory.js';
import { chunk, mapBounded } from './lib/bounded.js';
import { BENCH_SCHEMA, BENCH_SCHEMA_ID, loadPackets } from './lib/inputs.js';
import { log } from './lib/log.js';
import { officialSchemaDir } from './lib/paths.js';
import { pythonMissing, runPeer } from './lib/python.js';
import { flagsOfAlertflowRun, runAsAlertflowRun } from './lib/run-as-command.js';
import { countingSink, STEADY_FROM, steadyRate, steadyTimingSink } from './lib/sinks.js';
import { median, ratio, round, since, throughput, type Throughput } from './lib/stats.js';
import type { BenchOptions, BenchReport } from './lib/types.js';

/** One timed pass of a mode. */
interface Pass {
  seconds: number;
  ok: number;
  failed: number;
  metrics?: MetricsSnapshot;
  /** Facts a peer reports about itself (versions). */
  extra?: Record<string, unknown>;
}

/** A way of decoding the whole packet set once. */
interface Mode {
  name: string;
  describe: string;
  pass(): Promise<Pass>;
}

const DECODE_STEP: StepSpec = { id: 'decode', kind: 'step', type: 'decode', config: {} };
/** Same step without the raw bytes on each output: shows what cloning them back from a worker costs. */
const DECODE_NO_RAW: StepSpec = { id: 'decode', kind: 'step', type: 'decode', config: { keepRaw: false } };
const POOL_THREADS = [1, 2];

function tally(results: RecordResult[]): { ok: number; failed: number } {
  let ok = 0;
  let failed = 0;
  for (const r of results) {
    if (r.ok) ok += r.out.length;
    else failed++;
  }
  return { ok, failed };
}

/** (a) The decode batch step called directly, batch after batch. */
function inProcessMode(batches: RawPacket[][]): Mode {
  const decode = createDecodeStep({});
  return {
    name: 'in-process',
    describe: 'createDecodeStep({}) called on each batch in turn on the main thread',
    async pass() {
      const t0 = performance.now();
      let ok = 0;
      let failed = 0;
      for (const b of batches) {
        const t = tally(await decode(b));
        ok += t.ok;
        failed += t.failed;
      }
      return { seconds: since(t0), ok, failed };
    },
  };
}

/** (b) The worker pool with threads×2 batches in flight, so no worker waits for the main thread. */
function poolMode(name: string, pool: WorkerPool, step: StepSpec, batches: RawPacket[][]): Mode {
  return {
    name,
    describe: `WorkerPool({ threads: ${pool.threads} }).run(decode ${JSON.stringify(step.config)}), ${pool.threads * 2} batches in flight`,
    async pass() {
      const t0 = performance.now();
      const counts = await mapBounded(batches, pool.threads * 2, async (b) => tally(await pool.run(step, b)));
      const seconds = since(t0);
      return { seconds, ok: counts.reduce((s, c) => s + c.ok, 0), failed: counts.reduce((s, c) => s + c.failed, 0) };
    },
  };
}

/** (c) The executor: memory source → decode (pool: true) → counting sink. Each pass builds its own pool, as a run does. */
function graphMode(threads: number, packets: RawPacket[], batchSize: number): Mode {
  const spec = graph('bench-decode').source('packets', 'external').step('decode', 'decode', {}, { pool: true }).sink('count', 'external').build();
  return {
    name: `graph-${threads}`,
    describe:
      threads === 0
        ? 'runGraph: memory source → decode (threads: 0, in-process) → counting sink'
        : `runGraph: memory source → decode (pool: true, threads: ${threads}) → counting sink; includes starting the pool`,
    async pass() {
      const sink = countingSink();
      const dead = countingSink<never>('dead letters');
      const t0 = performance.now();
      const result = await runGraph(spec, {
        threads,
        batchSize,
        sources: { packets: memorySource(packets, { batchSize }) },
        sinks: { count: sink },
        deadLetterSink: dead,
      }).done;
      return { seconds: since(t0), ok: sink.count, failed: dead.count, metrics: result.metrics };
    },
  };
}

/** decode → filter → select, all `pool: true`, so they fuse into one chain. */
function fusedSpec() {
  return graph('bench-decode-fused')
    .source('packets', 'external')
    .step('decode', 'decode', { keepRaw: false }, { pool: true })
    .step('significant', 'filter', { where: { field: 'alert.diaSource.snr', op: '>=', value: 5 } }, { pool: true })
    .step('row', 'select', { fields: { diaSourceId: 'alert.diaSourceId', snr: 'alert.diaSource.snr', band: 'alert.diaSource.band', nPrv: 'alert.prvDiaSources.length' } }, { pool: true })
    .sink('count', 'external')
    .build();
}

/** One fused pass over `packets` in this process. */
async function fusedPass(threads: number, packets: RawPacket[], batchSize: number): Promise<Pass> {
  const sink = steadyTimingSink(packets.length, STEADY_FROM);
  const dead = countingSink<never>('dead letters');
  const t0 = performance.now();
  const result = await runGraph(fusedSpec(), { threads, batchSize, sources: { packets: memorySource(packets, { batchSize }) }, sinks: { count: sink }, deadLetterSink: dead }).done;
  const end = performance.now();
  return { seconds: since(t0), ok: sink.count, failed: dead.count, metrics: result.metrics, extra: { steadyAlertsPerSecond: round(steadyRate(sink, end), 1) } };
}

/**
 * (e) The executor with a fused chain: decode → filter → select all on the
 * pool run as one worker task, so only summary rows cross back (the decoded
 * alerts stay in the worker) — the shape a pipeline should have. Each pass
 * runs in a fresh process started as `alertflow run --threads N` would be
 * (gc-choice's flags), so in-process and pool passes both start cold: no
 * mode inherits the JIT warmth of the modes before it.
 */
function fusedGraphMode(threads: number, o: BenchOptions): Mode {
  const flags = flagsOfAlertflowRun(threads);
  return {
    name: `fused-${threads}`,
    describe: `runGraph: memory source → [decode → filter snr ≥ 5 → select] fused (pool: true, threads: ${threads}; 0 = in-process) → counting sink; a fresh process per pass (node ${flags.join(' ') || 'without flags'}), timed from runGraph to its end`,
    async pass() {
      const args = ['--child', String(threads), String(o.alerts), String(o.seed), String(o.batchSize)];
      return runAsAlertflowRun<Pass>(fileURLToPath(import.meta.url), threads, args, `fused-${threads} child`);
    },
  };
}

/** Child side of {@link fusedGraphMode}: loads the cached packets, runs one pass, prints it as JSON. */
async function fusedChild(args: string[]): Promise<void> {
  const [threads, alerts, seed, batchSize] = args.map(Number) as [number, number, number, number];
  const set = await loadPackets(alerts, seed);
  const p = await fusedPass(threads, set.packets.map((bytes): RawPacket => ({ kind: 'raw', bytes })), batchSize);
  process.stdout.write(`${JSON.stringify(p)}\n`);
}

/** (d) fastavro.schemaless_reader over the same packets, timed inside Python. */
function fastavroMode(schemaDir: string, framesFile: string): Mode {
  return {
    name: 'fastavro',
    describe: 'Python fastavro.schemaless_reader on the same packets (decode loop timed inside the script)',
    async pass() {
      const r = await runPeer<{ alerts: number; seconds: number; fastavro: string; compiled: boolean; python: string }>('bench_fastavro_decode.py', [schemaDir, framesFile, '5']);
      return { seconds: r.seconds, ok: r.alerts, failed: 0, extra: { fastavro: r.fastavro, compiled: r.compiled, python: r.python } };
    },
  };
}

/** Warms each code path once (JIT, worker start-up, schema compilation) before anything is timed. */
async function warmUp(batches: RawPacket[][], pools: WorkerPool[]): Promise<void> {
  const decode = createDecodeStep({});
  const few = batches.slice(0, 4);
  for (const b of few) await decode(b);
  for (const pool of pools) {
    await mapBounded(batches.slice(0, pool.threads * 2), pool.threads * 2, (b) => pool.run(DECODE_STEP, b));
    await mapBounded(batches.slice(0, pool.threads * 2), pool.threads * 2, (b) => pool.run(DECODE_NO_RAW, b));
  }
}

/**
 * Where worker time goes: per alert, decoding vs structured-cloning the
 * packets in and the decoded alerts out (what a pool task adds on top of the
 * decode). Measured on the main thread over a few batches, median of 3.
 */
async function cloneCosts(batches: RawPacket[][]): Promise<Record<string, number>> {
  const decode = createDecodeStep({});
  const sample = batches.slice(0, 4);
  const alerts = sample.reduce((s, b) => s + b.length, 0);
  const decodeMs: number[] = [];
  const inMs: number[] = [];
  const outMs: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    let d = 0;
    let i = 0;
    let u = 0;
    for (const b of sample) {
      let t = performance.now();
      const out = await decode(b);
      d += performance.now() - t;
      t = performance.now();
      structuredClone(b);
      i += performance.now() - t;
      t = performance.now();
      structuredClone(out);
      u += performance.now() - t;
    }
    decodeMs.push(d / alerts);
    inMs.push(i / alerts);
    outMs.push(u / alerts);
  }
  return {
    alerts,
    decodeMsPerAlert: round(median(decodeMs), 4),
    cloneInMsPerAlert: round(median(inMs), 4),
    cloneOutMsPerAlert: round(median(outMs), 4),
    cloneOutOverDecode: round(median(outMs) / median(decodeMs), 3),
  };
}

/**
 * Runs the decode bench.
 *
 * @example
 * const report = await run({ alerts: 5000, seed: 1, repeat: 3, batchSize: 256, partitions: 1 });
 */
export async function run(o: BenchOptions): Promise<BenchReport> {
  const notes: string[] = [];
  log(`decode: loading ${o.alerts} packets (seed ${o.seed})`);
  const set = await loadPackets(o.alerts, o.seed);
  const packets: RawPacket[] = set.packets.map((bytes) => ({ kind: 'raw', bytes }));
  const batches = chunk(packets, o.batchSize);
  const pools = POOL_THREADS.map((threads) => new WorkerPool({ threads }));
  const modes: Mode[] = [inProcessMode(batches)];
  for (const pool of pools) modes.push(poolMode(`pool-${pool.threads}`, pool, DECODE_STEP, batches));
  modes.push(poolMode('pool-2-noraw', pools[pools.length - 1]!, DECODE_NO_RAW, batches));
  for (const threads of [0, ...POOL_THREADS]) modes.push(graphMode(threads, packets, o.batchSize));
  for (const threads of [0, ...POOL_THREADS]) modes.push(fusedGraphMode(threads, o));

  const results: Record<string, unknown> = {};
  const schemaDir = officialSchemaDir();
  const peerSkip = pythonMissing() ?? (schemaDir ? undefined : 'official schemas not found at ../shared/data/lsst-alert-packet/11.0 (absent in fresh clones)');
  if (peerSkip) {
    results.fastavro = { skipped: peerSkip };
    notes.push(`fastavro peer skipped: ${peerSkip}`);
  } else {
    modes.push(fastavroMode(schemaDir!, set.file));
  }

  const runs = new Map<string, Pass[]>(modes.map((m) => [m.name, []]));
  const failedModes = new Map<string, string>();
  try {
    log('decode: warming up');
    await warmUp(batches, pools);
    results.diagnostics = { describe: 'per alert on the main thread: decode vs structuredClone of packets in and decoded alerts out (what each pool task adds)', ...(await cloneCosts(batches)) };
    // Round-robin: every round runs each mode once, so slow drift in machine load hits all modes alike.
    for (let lap = 1; lap <= o.repeat; lap++) {
      for (const mode of modes) {
        if (failedModes.has(mode.name)) continue;
        try {
          const p = await mode.pass();
          if (p.ok !== o.alerts || p.failed > 0) throw new Error(`decoded ${p.ok} of ${o.alerts} packets (${p.failed} failed)`);
          runs.get(mode.name)!.push(p);
          log(`decode round ${lap}/${o.repeat}: ${mode.name} ${p.seconds.toFixed(3)} s (${Math.round(o.alerts / p.seconds)} alerts/s)`);
        } catch (err) {
          failedModes.set(mode.name, (err as Error).message);
          log(`decode: ${mode.name} failed: ${(err as Error).message}`);
        }
      }
    }
  } finally {
    await Promise.allSettled(pools.map((p) => p.close()));
  }

  const rate = (name: string): number | undefined => (results[name] as Throughput | undefined)?.alertsPerSecond;
  for (const mode of modes) {
    const passes = runs.get(mode.name)!;
    const error = failedModes.get(mode.name);
    if (passes.length === 0) {
      results[mode.name] = { describe: mode.describe, error: error ?? 'no passes' };
      continue;
    }
    const last = passes[passes.length - 1]!;
    results[mode.name] = {
      describe: mode.describe,
      ...throughput(
        passes.map((p) => p.seconds),
        o.alerts,
        set.totalBytes,
      ),
      ...(error ? { error } : {}),
      ...(last.metrics ? { latencyMs: last.metrics.latencyMs, executorSeconds: last.metrics.elapsedSeconds } : {}),
      ...last.extra,
      // Fused passes: the median steady rate over the rounds, not the last one's.
      ...(last.extra?.steadyAlertsPerSecond !== undefined ? { steadyAlertsPerSecond: round(median(passes.map((p) => Number(p.extra?.steadyAlertsPerSecond))), 1) } : {}),
    };
  }

  const ratios: Record<string, number | null> = {};
  for (const mode of modes) if (mode.name !== 'fastavro') ratios[`${mode.name}/fastavro`] = ratio(rate(mode.name), rate('fastavro'));
  for (const t of POOL_THREADS) ratios[`pool-${t}/in-process`] = ratio(rate(`pool-${t}`), rate('in-process'));
  ratios['pool-2-noraw/pool-2'] = ratio(rate('pool-2-noraw'), rate('pool-2'));
  ratios['graph-0/in-process'] = ratio(rate('graph-0'), rate('in-process'));
  for (const t of POOL_THREADS) ratios[`graph-${t}/pool-${t}`] = ratio(rate(`graph-${t}`), rate(`pool-${t}`));
  for (const t of POOL_THREADS) ratios[`fused-${t}/fused-0`] = ratio(rate(`fused-${t}`), rate('fused-0'));
  const steady = (name: string): number | undefined => (results[name] as { steadyAlertsPerSecond?: number } | undefined)?.steadyAlertsPerSecond;
  for (const t of POOL_THREADS) ratios[`fused-${t}/fused-0 (steady)`] = ratio(steady(`fused-${t}`), steady('fused-0'));

  notes.push(
    'Each figure is the median of the rounds; rounds interleave the modes so load drift affects all of them alike.',
    'MB/s counts whole wire packets (10^6 bytes); fastavro reads the same packets minus the 5-byte header.',
    'pool-N/in-process is the pool speed-up; graph-N/pool-N is the share of raw pool throughput the executor keeps (runtime overhead; graph passes include starting their own pool).',
    'Worker modes pay a structured clone of every packet in and every decoded alert out (deserialised on the main thread); diagnostics gives that cost per alert next to the decode itself, and pool-2-noraw drops the raw bytes from the outputs to show their share.',
  );
  return {
    inputs: {
      alerts: o.alerts,
      seed: o.seed,
      schema: BENCH_SCHEMA,
      schemaId: BENCH_SCHEMA_ID,
      format: 'Confluent wire format (magic byte, schema id 1100, schemaless body)',
      totalBytes: set.totalBytes,
      meanPacketBytes: Math.round(set.totalBytes / set.packets.length),
      batchSize: o.batchSize,
      batches: batches.length,
      rounds: o.repeat,
      cacheFile: set.file,
      cacheHit: set.cacheHit,
      generateSeconds: set.generateSeconds === null ? null : round(set.generateSeconds, 1),
    },
    results,
    ratios,
    notes,
  };
}

if (process.argv[2] === '--child' && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await fusedChild(process.argv.slice(3));
