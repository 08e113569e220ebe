/**
 * Run metrics: counters per step, a latency histogram with percentiles,
 * throughput and consumer lag, exported as JSON or Prometheus text.
 */
import { readFileSync } from 'node:fs';

/** Log-bucketed histogram: constant memory, percentiles within ~1%. */
export class LatencyHistogram {
  // Buckets grow by 2% from 1 µs; 1,100 of them reach past 100 hours.
  private static readonly BASE = 1.02;
  private static readonly MIN_MS = 0.001;
  private readonly counts = new Float64Array(1100);
  private total = 0;
  private sum = 0;
  private maxSeen = 0;

  record(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const i = ms <= LatencyHistogram.MIN_MS ? 0 : Math.min(this.counts.length - 1, Math.ceil(Math.log(ms / LatencyHistogram.MIN_MS) / Math.log(LatencyHistogram.BASE)));
    this.counts[i]++;
    this.total++;
    this.sum += ms;
    if (ms > this.maxSeen) this.maxSeen = ms;
  }

  get count(): number {
    return this.total;
  }

  /** The q-quantile (0..1) in ms: the upper edge of the bucket holding it. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.maxSeen, LatencyHistogram.MIN_MS * LatencyHistogram.BASE ** i);
    }
    return this.maxSeen;
  }

  get mean(): number {
    return this.total === 0 ? 0 : this.sum / this.total;
  }

  get max(): number {
    return this.maxSeen;
  }

  /** Adds another histogram's counts to this one. */
  merge(other: LatencyHistogram): this {
    for (let i = 0; i < this.counts.length; i++) this.counts[i] += other.counts[i];
    this.total += other.total;
    this.sum += other.sum;
    this.maxSeen = Math.max(this.maxSeen, other.maxSeen);
    return this;
  }
}

/**
 * Latency of the recent past: the current and the previous `slotMs` slot
 * (10 s by default), so a long run's figure shows how it is doing now,
 * not the warm-up of its first seconds.
 */
export class RecentLatency {
  private current = new LatencyHistogram();
  private previous = new LatencyHistogram();
  private slotStart = performance.now();

  constructor(private readonly slotMs = 10_000) {}

  private rotate(now: number): void {
    if (now - this.slotStart < this.slotMs) return;
    // A gap of more than one slot leaves nothing recent to keep.
    this.previous = now - this.slotStart < 2 * this.slotMs ? this.current : new LatencyHistogram();
    this.current = new LatencyHistogram();
    this.slotStart = now - ((now - this.slotStart) % this.slotMs);
  }

  record(ms: number): void {
    this.rotate(performance.now());
    this.current.record(ms);
  }

  /** The last one to two slots as one histogram. */
  window(): LatencyHistogram {
    this.rotate(performance.now());
    return new LatencyHistogram().merge(this.previous).merge(this.current);
  }
}

function summary(h: LatencyHistogram): MetricsSnapshot['recentLatencyMs'] {
  return { p50: round(h.quantile(0.5), 3), p99: round(h.quantile(0.99), 3), mean: round(h.mean, 3), max: round(h.max, 3), count: h.count };
}

/** Counts of one node. */
export interface StepCounts {
  in: number;
  out: number;
  failed: number;
}

/** Adds one run's counts of a node to a running total. */
export function addCounts(total: StepCounts, c: StepCounts): void {
  total.in += c.in;
  total.out += c.out;
  total.failed += c.failed;
}

/**
 * Peak resident memory of this process in MiB: VmHWM on Linux, where
 * getrusage's maxrss also counts the parent's peak when the process was
 * spawned (the kernel keeps it across exec); getrusage elsewhere.
 */
function peakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return round(Number(m[1]) / 1024, 1);
  } catch {
    // not Linux
  }
  return round(process.resourceUsage().maxRSS / 1024, 1);
}

/** Snapshot of a run, as the `--metrics` JSON and the run summary print it. */
export interface MetricsSnapshot {
  graph: string;
  elapsedSeconds: number;
  recordsIn: number;
  recordsOut: number;
  deadLetters: number;
  throughputPerSecond: number;
  latencyMs: { p50: number; p99: number; mean: number; max: number; count: number };
  /** The same over the last 10 to 20 seconds only. */
  recentLatencyMs: { p50: number; p99: number; mean: number; max: number; count: number };
  consumerLag: number | null;
  inFlight: number;
  /** Bytes of the source records in flight. */
  inFlightBytes: number;
  /** Run start to the first source record, when one arrived (connect and group join for Kafka). */
  firstRecordSeconds: number | null;
  /** Peak resident memory of the process so far, MiB. */
  peakRssMb: number;
  steps: Record<string, StepCounts>;
}

/**
 * @example
 * const m = new RunMetrics('demo'); m.step('decode').in++; console.log(m.toPrometheus());
 */
export class RunMetrics {
  readonly latency = new LatencyHistogram();
  readonly recentLatency = new RecentLatency();
  private readonly steps = new Map<string, StepCounts>();
  private readonly startedAt = performance.now();
  private endedAt: number | undefined;
  recordsIn = 0;
  recordsOut = 0;
  deadLetters = 0;
  consumerLag: number | null = null;
  inFlight = 0;
  inFlightBytes = 0;
  private firstRecordAt: number | undefined;

  constructor(readonly graph: string) {}

  step(id: string): StepCounts {
    let c = this.steps.get(id);
    if (!c) {
      c = { in: 0, out: 0, failed: 0 };
      this.steps.set(id, c);
    }
    return c;
  }

  /** Records one source-read → sink-acknowledgement latency. */
  recordLatency(ms: number): void {
    this.latency.record(ms);
    this.recentLatency.record(ms);
  }

  /** Counts one record read from a source. */
  recordIn(): void {
    this.recordsIn++;
    this.firstRecordAt ??= performance.now();
  }

  /** Freezes the clock used for throughput. */
  end(): void {
    this.endedAt ??= performance.now();
  }

  snapshot(): MetricsSnapshot {
    const elapsed = ((this.endedAt ?? performance.now()) - this.startedAt) / 1000;
    return {
      graph: this.graph,
      elapsedSeconds: round(elapsed, 3),
      recordsIn: this.recordsIn,
      recordsOut: this.recordsOut,
      deadLetters: this.deadLetters,
      throughputPerSecond: round(elapsed > 0 ? this.recordsIn / elapsed : 0, 1),
      latencyMs: summary(this.latency),
      recentLatencyMs: summary(this.recentLatency.window()),
      consumerLag: this.consumerLag,
      inFlight: this.inFlight,
      inFlightBytes: this.inFlightBytes,
      firstRecordSeconds: this.firstRecordAt === undefined ? null : round((this.firstRecordAt - this.startedAt) / 1000, 3),
      peakRssMb: peakRssMb(),
      steps: Object.fromEntries([...this.steps].map(([id, c]) => [id, { ...c }])),
    };
  }

  /** Prometheus text exposition format (version 0.0.4). */
  toPrometheus(): string {
    const s = this.snapshot();
    const g = `graph="${s.graph.replace(/["\\\n]/g, '_')}"`;
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: Array<[string, number]>): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}{${labels}} ${value}`);
    };
    metric('alertflow_records_in_total', 'counter', 'Records read from sources.', [[g, s.recordsIn]]);
    metric('alertflow_records_out_total', 'counter', 'Records acknowledged by sinks.', [[g, s.recordsOut]]);
    metric('alertflow_dead_letters_total', 'counter', 'Records sent to the dead-letter output.', [[g, s.deadLetters]]);
    metric('alertflow_in_flight', 'gauge', 'Source records not yet fully acknowledged.', [[g, s.inFlight]]);
    metric('alertflow_consumer_lag', 'gauge', 'Records waiting in the input (Kafka lag), -1 when unknown.', [[g, s.consumerLag ?? -1]]);
    metric('alertflow_latency_ms', 'summary', 'Latency from source read to sink acknowledgement.', [
      [`${g},quantile="0.5"`, s.latencyMs.p50],
      [`${g},quantile="0.99"`, s.latencyMs.p99],
    ]);
    lines.push(`alertflow_latency_ms_count{${g}} ${s.latencyMs.count}`);
    metric('alertflow_recent_latency_ms', 'gauge', 'Latency from source read to sink acknowledgement over the last 10-20 s.', [
      [`${g},quantile="0.5"`, s.recentLatencyMs.p50],
      [`${g},quantile="0.99"`, s.recentLatencyMs.p99],
    ]);
    const stepSamples = (field: keyof StepCounts): Array<[string, number]> => Object.entries(s.steps).map(([id, c]) => [`${g},step="${id}"`, c[field]]);
    metric('alertflow_step_in_total', 'counter', 'Records entering each node.', stepSamples('in'));
    metric('alertflow_step_out_total', 'counter', 'Records leaving each node.', stepSamples('out'));
    metric('alertflow_step_failed_total', 'counter', 'Records that failed in each node.', stepSamples('failed'));
    return lines.join('\n') + '\n';
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
