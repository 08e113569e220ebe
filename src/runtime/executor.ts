/**
 * The executor: turns a validated graph spec into RxJS pipelines, runs batch
 * steps in-process or on the worker pool, tracks delivery so that source
 * positions are committed only after every derived output is acknowledged,
 * bounds in-flight work, routes failed records to the dead-letter sink, and
 * shuts down gracefully (drain, commit, close).
 */
import { merge, Observable, Subject, lastValueFrom, share, tap, concatMap, mergeMap, defaultIfEmpty } from 'rxjs';
import { AlertflowError } from '../errors.js';
import { consumersOf, validateGraph, type GraphSpec, type StepSpec } from './graph.js';
import { DeliveryTracker } from './delivery.js';
import { addCounts, RunMetrics, type MetricsSnapshot, type StepCounts } from './metrics.js';
import { WorkerPool } from './pool.js';
import { isKnownType, resolveStepSpec, sinkFactory, sourceFactory } from './registry.js';
import { runChainBatch, batchFnFor, type ChainOutcome } from './step-runner.js';
import { batches, orderedMergeMap } from './rx-helpers.js';
import { compilePath } from './path.js';
import { paced, type Pace } from './paced.js';
import { installSignalHandlers } from './shutdown.js';
import { pumpSource, type Envelope, type Failure } from './pump.js';
import type { Sink, SinkRecord, Source } from './types.js';
import { createJsonlSink } from '../sinks/jsonl.js';
import { freshStatefulFn, isStatefulFn, statefulStep } from './stateful.js';
import type { StatefulBatchFn } from './types.js';
import { markMovable } from './tasks/transfer.js';
import type { HandBack } from './tasks/run-step.js';

export interface RunOptions {
  /** Worker threads for `pool: true` steps; 0 runs every step in-process. Default: cores. */
  threads?: number;
  /** Source records in flight before a source stops reading. Default 4096. */
  maxInFlight?: number;
  /**
   * Bytes of source records (packet sizes) in flight before a source stops
   * reading. Default 64 MiB: about 1,200 Rubin alerts (53 KiB each), a
   * fraction of a second of work, which keeps memory bounded whatever the
   * packet size. More buys no speed (measured: 48, 64 and 128 MiB run the
   * seed-001 consumer equally fast) and costs RSS.
   */
  maxInFlightBytes?: number;
  /** Default records per batch for steps and sinks. Default 256. */
  batchSize?: number;
  /**
   * How long a partial batch waits for more records, in ms. Default 0: it
   * goes at the next turn of the event loop (lowest latency; records that
   * arrive together are still batched together).
   */
  batchWaitMs?: number;
  /** How often committable positions are committed. Default 1000 ms. */
  commitIntervalMs?: number;
  /** Source instances by step id, instead of building them from the spec. */
  sources?: Record<string, Source>;
  /** Sink instances by step id, instead of building them from the spec. */
  sinks?: Record<string, Sink>;
  /** Dead-letter sink; otherwise built from `spec.deadLetter`, else `dead-letters.jsonl` in the working directory. */
  deadLetterSink?: Sink<DeadLetter>;
  /** Called about every `progressIntervalMs` with a metrics snapshot. */
  onProgress?: (m: MetricsSnapshot) => void;
  progressIntervalMs?: number;
  /** Stops the run gracefully when aborted. */
  signal?: AbortSignal;
  /** Install SIGINT/SIGTERM handlers that stop gracefully (a second signal exits at once). */
  handleSignals?: boolean;
  /** Directory against which `module` step paths resolve. */
  baseDir?: string;
  /** Pacing applied to every source (replay at a rate or at the recorded cadence). */
  pace?: Pace;
}

const DEFAULT_MAX_IN_FLIGHT_BYTES = 64 * 1024 * 1024;

/** A failed record, as the dead-letter sink receives it. */
export interface DeadLetter {
  step: string;
  code: string;
  message: string;
  details?: Record<string, unknown>;
  partition: string;
  offset: number;
  /** The record's original bytes (base64 when written as JSON). */
  bytes?: Uint8Array;
  time: string;
}

export interface RunResult {
  metrics: MetricsSnapshot;
  /** Where each sink wrote, by sink id. */
  outputs: Record<string, string>;
  deadLetters: string;
  stoppedBy: 'end' | 'stop';
}

export interface RunHandle {
  done: Promise<RunResult>;
  /** Stops reading, drains what is in flight, commits and closes. */
  stop(): void;
  metrics: RunMetrics;
}

/**
 * Runs a graph until its sources end or it is stopped.
 *
 * @example
 * const { done } = runGraph(spec, { threads: 2 });
 * const result = await done;
 * console.log(result.metrics.recordsOut);
 */
export function runGraph(spec: GraphSpec, options: RunOptions = {}): RunHandle {
  const metrics = new RunMetrics(spec.name);
  const stopper = new AbortController();
  const stop = (): void => stopper.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  const done = execute(spec, options, metrics, stopper).finally(() => options.signal?.removeEventListener('abort', stop));
  return { done, stop, metrics };
}

async function execute(spec: GraphSpec, options: RunOptions, metrics: RunMetrics, stopper: AbortController): Promise<RunResult> {
  const order = validateGraph(spec, isKnownType).map((s) => resolveStepSpec(s, options.baseDir));
  const batchSize = options.batchSize ?? 256;
  const waitMs = options.batchWaitMs ?? 0;
  const openedSources: Array<{ close(): Promise<void> }> = [];
  const openedSinks: Array<{ close(): Promise<void> }> = [];
  let failed = false;
  const sources = new Map<string, { source: Source; tracker: DeliveryTracker }>();
  const sinks = new Map<string, Sink>();
  const stateful = new Map<string, StatefulBatchFn>();
  let pool: WorkerPool | undefined;
  let timers: NodeJS.Timeout[] = [];
  const removeSignalHandlers = options.handleSignals ? installSignalHandlers(() => stopper.abort()) : () => {};
  try {
    // Build everything first, so configuration errors stop the run before any record moves.
    for (const step of order) {
      if (step.kind === 'source') {
        let source = options.sources?.[step.id] ?? (await (await sourceFactory(step))(step.config ?? {}));
        const pace = (step.config?.pace as Pace | undefined) ?? options.pace;
        if (pace) source = paced(source, pace);
        openedSources.push(source);
        sources.set(step.id, { source, tracker: new DeliveryTracker((t) => metrics.recordLatency(performance.now() - t.t0)) });
      } else if (step.kind === 'sink') {
        const sink = options.sinks?.[step.id] ?? (await (await sinkFactory(step))(step.config ?? {}));
        openedSinks.push(sink);
        sinks.set(step.id, sink);
      } else {
        if (isStatefulFn(await batchFnFor(step))) stateful.set(step.id, await freshStatefulFn(step));
        else if (step.pool && options.threads !== 0) pool ??= new WorkerPool({ threads: options.threads });
      }
    }
    const deadSink = options.deadLetterSink ?? (await buildDeadLetterSink(spec));
    openedSinks.push(deadSink);

    const subjects = new Map<string, Subject<Envelope>>();
    const streams = new Map<string, Observable<Envelope>>();
    const failures: Array<Observable<Failure>> = [];
    const sinkRuns: Array<Observable<unknown>> = [];

    // A node read by n consumers owes n outputs for each record it emits.
    const fanOut = (id: string, stream: Observable<Envelope>): Observable<Envelope> => {
      const n = consumersOf(spec, id).length;
      return n <= 1 ? stream : stream.pipe(tap((env) => env.token.tracker.addRefs(env.token, n - 1)), share());
    };

    const chains = fuseChains(spec, order);
    for (const step of order) {
      const counts = metrics.step(step.id);
      if (step.kind === 'source') {
        const subject = new Subject<Envelope>();
        subjects.set(step.id, subject);
        streams.set(step.id, fanOut(step.id, subject));
        continue;
      }
      if (step.kind === 'step') {
        const chain = chains.get(step.id)!;
        if (chain[chain.length - 1] !== step) continue; // built with the chain's last step
        const inputs = (chain[0].inputs ?? []).map((id) => streams.get(id)!);
        const input$ = inputs.length === 1 ? inputs[0] : merge(...inputs);
        const fn = stateful.get(step.id);
        const onPool = step.pool ? pool : undefined;
        const move = onPool !== undefined && (chain[0].inputs ?? []).every((id) => soleReader(spec, id)) ? handBackFor(spec, step.id) : false;
        const { ok$, failed$ } = fn ? statefulStep(step, fn, input$, metrics, batchSize, waitMs) : chainStep(chain, input$, metrics, onPool, batchSize, waitMs, move);
        failures.push(failed$);
        streams.set(step.id, fanOut(step.id, ok$));
      } else {
        const inputs = (step.inputs ?? []).map((id) => streams.get(id)!);
        const input$ = (inputs.length === 1 ? inputs[0] : merge(...inputs)).pipe(tap(() => counts.in++));
        sinkRuns.push(sinkStep(step, input$, sinks.get(step.id)!, counts, metrics, batchSize, waitMs));
      }
    }

    const sourceFailures = new Map([...sources.keys()].map((id) => [id, new Subject<Failure>()]));
    const deadRun = merge(...failures, ...sourceFailures.values()).pipe(
      batches<Failure>(batchSize, waitMs),
      concatMap(async (batch) => {
        const time = new Date().toISOString();
        await deadSink.write(batch.map((f) => ({ value: toDeadLetter(f, time), position: f.env.token.position })));
        metrics.deadLetters += batch.length;
        for (const f of batch) f.env.token.tracker.release(f.env.token);
      }),
      defaultIfEmpty(undefined),
    );
    const flowing = lastValueFrom(merge(...sinkRuns, deadRun), { defaultValue: undefined });

    let committing: Promise<void> = Promise.resolve();
    const commit = (): Promise<void> =>
      (committing = committing.then(async () => {
        for (const { source, tracker } of sources.values()) {
          const next = tracker.takeCommittable();
          if (next.size > 0) await source.commit(next);
        }
      }));
    const refreshGauges = (): void => {
      let lag: number | null = null;
      let inFlight = 0;
      let inFlightBytes = 0;
      for (const { source, tracker } of sources.values()) {
        const l = source.lag?.();
        if (l !== undefined) lag = (lag ?? 0) + l;
        inFlight += tracker.inFlight;
        inFlightBytes += tracker.inFlightBytes;
      }
      metrics.consumerLag = lag;
      metrics.inFlight = inFlight;
      metrics.inFlightBytes = inFlightBytes;
    };
    let commitError: unknown;
    timers = [
      setInterval(() => void commit().catch((err) => (commitError ??= err)), options.commitIntervalMs ?? 1000),
      setInterval(() => {
        refreshGauges();
        options.onProgress?.(metrics.snapshot());
      }, options.progressIntervalMs ?? 250),
    ];

    // Pumps start only now that every consumer is subscribed.
    const pumps = [...sources].map(([id, { source, tracker }]) =>
      pumpSource({ id, source, tracker, out: subjects.get(id)!, failures: sourceFailures.get(id)!, metrics, maxInFlight: options.maxInFlight ?? 4096, maxInFlightBytes: options.maxInFlightBytes ?? DEFAULT_MAX_IN_FLIGHT_BYTES, signal: stopper.signal }),
    );
    await Promise.all([flowing, ...pumps]);
    for (const t of timers) clearInterval(t);
    // Sinks close before the final commit: a sink that finalises its output on
    // close (a file renamed into place) must be done before its records count as delivered.
    await closeAll(openedSinks);
    await commit();
    if (commitError) throw commitError;
    metrics.end();
    refreshGauges();
    options.onProgress?.(metrics.snapshot());
    const outputs: Record<string, string> = {};
    for (const [id, sink] of sinks) outputs[id] = sink.describe?.() ?? id;
    return { metrics: metrics.snapshot(), outputs, deadLetters: deadSink.describe?.() ?? 'dead letters', stoppedBy: stopper.signal.aborted ? 'stop' : 'end' };
  } catch (err) {
    stopper.abort();
    failed = true;
    throw err instanceof AlertflowError ? err : new AlertflowError('ERR_STEP_FAILED', `graph "${spec.name}" failed: ${(err as Error)?.message ?? String(err)}`, { graph: spec.name }, { cause: err });
  } finally {
    for (const t of timers) clearInterval(t);
    removeSignalHandlers();
    // After a failure the first error is the one reported; close errors are secondary.
    await closeAll(openedSinks).catch(() => undefined);
    await closeAll(openedSources).catch((err) => (failed ? undefined : Promise.reject(err)));
    await pool?.close();
  }
}

/** Closes each once, all of them even when some fail; rejects with the first failure. */
async function closeAll(items: Array<{ close(): Promise<void> }>): Promise<void> {
  const pending = items.splice(0, items.length);
  const results = await Promise.allSettled(pending.reverse().map((o) => o.close()));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}

/**
 * Groups batch steps into chains that run as one unit: a pool step whose only
 * input is the last pool step of a chain, which nothing else reads, joins that
 * chain. A chain runs in one worker task, so only its final outputs are copied
 * back to the main thread. With threads: 0 the same chains run in-process
 * (so both modes run the same units; see runChainBatch on record-by-record
 * chains). Steps without `pool` each form a chain of one.
 */
function fuseChains(spec: GraphSpec, order: StepSpec[]): Map<string, StepSpec[]> {
  const chains = new Map<string, StepSpec[]>();
  for (const step of order) {
    if (step.kind !== 'step') continue;
    const inputs = step.inputs ?? [];
    const prev = inputs.length === 1 ? chains.get(inputs[0]) : undefined;
    const joins = step.pool === true && prev !== undefined && prev[0].pool === true && prev[prev.length - 1].id === inputs[0] && consumersOf(spec, inputs[0]).length === 1;
    const chain = joins ? prev! : [];
    chain.push(step);
    chains.set(step.id, chain);
  }
  return chains;
}

/**
 * True when the records reaching a step through `id` are read by that step
 * alone: `id` and every node upstream of it have a single reader, so no
 * other branch holds the same record objects (a step may pass its input on
 * as it is). Such records' packet buffers may be moved to a worker.
 */
function soleReader(spec: GraphSpec, id: string): boolean {
  if (consumersOf(spec, id).length !== 1) return false;
  const node = spec.steps.find((s) => s.id === id);
  return (node?.inputs ?? []).every((up) => soleReader(spec, up));
}

/**
 * Which moved packets a worker must return: when only sinks follow the
 * chain, nothing after it can fail a record, so only packets that outputs
 * or the chain's own dead letters refer to come back ("needed"); the rest
 * are freed in the worker, and the main thread, which took them from Kafka,
 * is spared their memory a second time. Otherwise all of them ("all").
 */
function handBackFor(spec: GraphSpec, lastId: string): HandBack {
  return consumersOf(spec, lastId).every((id) => spec.steps.find((s) => s.id === id)?.kind === 'sink') ? 'needed' : 'all';
}

/** The packet bytes of a record value as the pool hands it back (the value, or its `bytes`). */
function bytesOf(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  const inner = (value as { bytes?: unknown } | null)?.bytes;
  return inner instanceof Uint8Array ? inner : undefined;
}

/** A chain of batch steps: batches, runs (in-process or on the pool, in order), and splits outputs from failures. */
function chainStep(chain: StepSpec[], input$: Observable<Envelope>, metrics: RunMetrics, pool: WorkerPool | undefined, batchSize: number, waitMs: number, move: HandBack | false = false) {
  const run = (values: unknown[]): Promise<ChainOutcome> => (pool ? pool.runChain(chain, values, move) : runChainBatch(chain, values));
  const processed$ = input$.pipe(
    batches<Envelope>(chain[0].batchSize ?? batchSize, waitMs),
    orderedMergeMap(async (batch) => {
      const outcome = await run(batch.map((e) => e.value));
      // Moved buffers are back: point the envelopes (dead letters need the bytes) at them again.
      if (outcome.inputs) {
        const inputs = outcome.inputs;
        batch.forEach((env, i) => {
          if (inputs[i] === undefined) return; // stayed in the worker: replaced by its outputs, read by no one
          env.value = inputs[i];
          const back = bytesOf(inputs[i]);
          if (back) markMovable(back); // still the runtime's own: a later pool step may move it again
          if (env.bytes && env.bytes.buffer.byteLength === 0) env.bytes = back ?? env.bytes;
        });
      }
      for (const [id, c] of Object.entries(outcome.counts)) addCounts(metrics.step(id), c);
      return { batch, results: outcome.results };
    }, pool ? pool.threads * 2 : 1),
    // Account before the split, so neither branch can acknowledge before the refs exist.
    tap(({ batch, results }) =>
      batch.forEach((env, i) => {
        // Every output and every failure owes an acknowledgement; none at all means filtered out.
        const owed = results[i].out.length + results[i].failed.length;
        if (owed === 0) env.token.tracker.release(env.token);
        else env.token.tracker.addRefs(env.token, owed - 1);
      }),
    ),
    share(),
  );
  const ok$ = processed$.pipe(
    concatMap(({ batch, results }) => batch.flatMap((env, i) => results[i].out.map((value): Envelope => ({ value, token: env.token, ...(env.bytes ? { bytes: env.bytes } : {}) })))),
  );
  const failed$ = processed$.pipe(concatMap(({ batch, results }) => batch.flatMap((env, i) => results[i].failed.map((f): Failure => ({ env, error: f.error, step: f.step })))));
  return { ok$, failed$ };
}

/** A sink: batches, writes, and acknowledges each record once the write resolved. */
function sinkStep(step: StepSpec, input$: Observable<Envelope>, sink: Sink, counts: StepCounts, metrics: RunMetrics, batchSize: number, waitMs: number): Observable<unknown> {
  const keyOf = step.key ? compilePath(step.key) : undefined;
  return input$.pipe(
    batches<Envelope>(step.batchSize ?? batchSize, waitMs),
    // With writesInFlight > 1 the next batch is handed over before this one is durable (see Sink.writesInFlight).
    mergeMap(async (batch) => {
      const records: SinkRecord[] = batch.map((e) => ({ value: e.value, position: e.token.position, ...(keyOf ? { key: keyString(keyOf(e.value)) } : {}) }));
      await sink.write(records);
      counts.out += batch.length;
      metrics.recordsOut += batch.length;
      for (const e of batch) e.token.tracker.release(e.token);
    }, Math.max(1, sink.writesInFlight ?? 1)),
    defaultIfEmpty(undefined),
  );
}

function keyString(key: unknown): string | undefined {
  return key === undefined || key === null ? undefined : String(key);
}

function toDeadLetter(f: Failure, time: string): DeadLetter {
  const { env, error, step } = f;
  return {
    step,
    code: error.code,
    message: error.message,
    ...(error.details && Object.keys(error.details).length > 0 ? { details: error.details } : {}),
    partition: env.token.position.partition,
    offset: env.token.position.offset,
    ...(env.bytes ? { bytes: env.bytes } : {}),
    time,
  };
}

async function buildDeadLetterSink(spec: GraphSpec): Promise<Sink<DeadLetter>> {
  if (!spec.deadLetter) return createJsonlSink({ path: 'dead-letters.jsonl', bytes: 'base64' }) as Sink<DeadLetter>;
  const step: StepSpec = { id: 'dead-letters', kind: 'sink', type: spec.deadLetter.type, config: spec.deadLetter.config ?? {} };
  return (await (await sinkFactory(step))(step.config ?? {})) as Sink<DeadLetter>;
}

