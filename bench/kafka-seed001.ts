/**
 * The seed-001 consumer on one topic, side by side: alertflow's example
 * graph (Kafka → projected decode → filterExtendedness → seed001-row →
 * daily CSV + 3 FITS cutouts per passing alert) as a child process,
 * in-process and on the pool, against the Python consumer seed 001
 * describes (confluent-kafka + fastavro, same filter, same files). Each
 * pass writes into a fresh folder; the rows of every mode are compared.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricsSnapshot } from '../src/runtime/metrics.js';
import { cutoutVolume, fileSystemFloor, type CutoutVolume } from './kafka-seed001-limits.js';
import { repoRoot } from './lib/paths.js';
import { runPeer } from './lib/python.js';
import { tailOf } from './lib/child-output.js';

/** One timed read of the topic by a consumer that writes the seed-001 output. */
export interface Seed001Pass {
  /** Process start to exit. */
  seconds: number;
  /** First record to the end of the topic (no process start, connect or group join). */
  streamSeconds: number;
  count: number;
  /** Rows written (alerts that passed the filter). */
  kept: number;
  peakRssMb: number | undefined;
  /** diaSourceIds of the rows, to check that every mode wrote the same. */
  ids: string[];
  metrics?: MetricsSnapshot;
  /** Cutout files the pass wrote (for the file-system floor). */
  cutouts?: CutoutVolume;
  extra?: Record<string, unknown>;
}

/** A consumer under test. */
export interface Seed001Mode {
  name: string;
  describe: string;
  pass(groupId: string): Promise<Seed001Pass>;
}

/** What the filter is: seed 001's defaults, no solar-system alerts. */
const FILTER_ARGS = ['--exclude-sssource'];

function rowIds(out: string): string[] {
  const dir = join(out, 'data');
  const ids: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const lines = readFileSync(join(dir, name), 'utf8').split(/\r?\n/);
    for (const line of lines.slice(1)) if (line !== '') ids.push(line.slice(line.indexOf(',') + 1, line.indexOf(',', line.indexOf(',') + 1)));
  }
  return ids.sort();
}

function runChild(cmd: string, args: string[], timeoutMs: number): Promise<{ seconds: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: repoRoot(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${cmd} exited with ${code}: ${tailOf(stderr, 4)}`));
      resolve({ seconds: (performance.now() - t0) / 1000, stderr });
    });
  });
}

/**
 * alertflow's seed-001 example as `alertflow run … --until-caught-up`, a child process.
 *
 * @example
 * const mode = alertflowMode('seed001-threads0', brokers, topic, 0, 120_000);
 */
export function alertflowMode(name: string, brokers: string, topic: string, threads: number, timeoutMs: number): Seed001Mode {
  return {
    name,
    describe: `alertflow run examples/antares-extendedness-consumer --threads ${threads} --until-caught-up --exclude-sssource (kafka → decode of the read fields only → filter-extendedness → seed001-row${threads > 0 ? `, fused on ${threads} workers` : ', in-process'} → daily CSV + 3 FITS cutouts), fresh group, child process`,
    async pass(groupId) {
      const out = mkdtempSync(join(tmpdir(), `alertflow-bench-${name}-`));
      const metricsFile = join(out, 'metrics.json');
      try {
        const args = [
          join(repoRoot(), 'bin', 'alertflow.js'), 'run', 'examples/antares-extendedness-consumer',
          '--threads', String(threads), '--no-progress', '--metrics', metricsFile,
          '--brokers', brokers, '--topic', topic, '--group', groupId, '--until-caught-up',
          '--out', join(out, 'consumer'), '--date-from', 'observation', ...FILTER_ARGS,
        ];
        const { seconds } = await runChild(process.execPath, args, timeoutMs);
        const { metrics } = JSON.parse(readFileSync(metricsFile, 'utf8')) as { metrics: MetricsSnapshot };
        const stream = metrics.elapsedSeconds - (metrics.firstRecordSeconds ?? 0);
        return { seconds, streamSeconds: stream, count: metrics.recordsIn, kept: metrics.recordsOut, peakRssMb: metrics.peakRssMb, ids: rowIds(join(out, 'consumer')), metrics, cutouts: cutoutVolume(join(out, 'consumer', 'cutouts')) };
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The Python consumer of seed 001 (test/oracles/bench_seed001_consumer.py).
 *
 * @example
 * const mode = pythonMode(brokers, topic, 20000, schemaDir);
 */
export function pythonSeed001Mode(brokers: string, topic: string, expected: number, schemaDir: string): Seed001Mode {
  return {
    name: 'seed001-python',
    describe: 'Python: confluent-kafka consume(500) + fastavro.schemaless_reader + the same filter + csv.writer rows + 3 cutout files, commit per batch, fresh group',
    async pass(groupId) {
      const out = mkdtempSync(join(tmpdir(), 'alertflow-bench-python-'));
      try {
        const t0 = performance.now();
        const r = await runPeer<{ count: number; kept: number; seconds: number; streamSeconds: number; maxRssKb: number; confluentKafka: string; librdkafka: string; fastavro: string; python: string }>(
          'bench_seed001_consumer.py',
          [brokers, topic, groupId, String(expected), schemaDir, out],
        );
        const seconds = (performance.now() - t0) / 1000;
        return {
          seconds,
          streamSeconds: r.streamSeconds,
          count: r.count,
          kept: r.kept,
          peakRssMb: Math.round(r.maxRssKb / 102.4) / 10,
          ids: rowIds(out),
          extra: { confluentKafka: r.confluentKafka, librdkafka: r.librdkafka, fastavro: r.fastavro, python: r.python },
        };
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
  };
}

/** Figures of the seed-001 comparison, for the kafka bench's report. */
export interface Seed001Report {
  results: Record<string, unknown>;
  ratios: Record<string, number | null>;
  notes: string[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Runs every mode `repeat` times, interleaved, and compares the rows they wrote.
 * `kcatRate` is the raw-consume reference measured on the same topic.
 *
 * @example
 * const report = await compareSeed001(modes, 20000, 3, { alertsPerSecond: 15000, streamAlertsPerSecond: 16000 }, log);
 */
export async function compareSeed001(
  modes: Seed001Mode[],
  expected: number,
  repeat: number,
  stamp: string,
  kcat: { alertsPerSecond?: number; streamAlertsPerSecond?: number } | undefined,
  log: (msg: string) => void,
): Promise<Seed001Report> {
  const results: Record<string, unknown> = {};
  const ratios: Record<string, number | null> = {};
  const notes: string[] = [];
  const passes = new Map<string, Seed001Pass[]>(modes.map((m) => [m.name, []]));
  const failed = new Map<string, string>();
  const floor: number[] = [];
  let volume: CutoutVolume | undefined;
  for (let lap = 1; lap <= repeat; lap++) {
    for (const mode of modes) {
      if (failed.has(mode.name)) continue;
      try {
        const p = await mode.pass(`bench-${mode.name}-${stamp}-${lap}`);
        if (p.count !== expected) throw new Error(`read ${p.count} of ${expected} records`);
        passes.get(mode.name)!.push(p);
        volume = p.cutouts ?? volume;
        log(`kafka seed001 round ${lap}/${repeat}: ${mode.name} ${p.seconds.toFixed(2)} s, ${p.kept} rows, peak RSS ${p.peakRssMb ?? '?'} MiB`);
      } catch (err) {
        failed.set(mode.name, (err as Error).message);
        log(`kafka seed001: ${mode.name} failed: ${(err as Error).message}`);
      }
    }
    if (volume) {
      floor.push(fileSystemFloor(volume));
      log(`kafka seed001 round ${lap}/${repeat}: file-system floor ${floor[floor.length - 1]!.toFixed(2)} s for ${volume.files} files`);
    }
  }
  if (volume && floor.length > 0) {
    const seconds = median(floor);
    results['seed001-fs-floor'] = {
      describe: 'the cutout files alone: as many files of the same total size as a consumer pass wrote, temp name then rename, one synchronous loop, fresh folder in the same tmpdir (the physical limit of a consumer that makes 3 files per passing alert); once per round',
      runs: floor.map((x) => Math.round(x * 1000) / 1000),
      files: volume.files,
      bytes: volume.bytes,
      seconds,
      alertsPerSecond: Math.round(expected / seconds),
    };
  }
  let reference: { name: string; ids: string[] } | undefined;
  for (const mode of modes) {
    const ps = passes.get(mode.name)!;
    if (ps.length === 0) {
      results[mode.name] = { describe: mode.describe, error: failed.get(mode.name) ?? 'no passes' };
      continue;
    }
    const seconds = median(ps.map((p) => p.seconds));
    const stream = median(ps.map((p) => p.streamSeconds));
    const last = ps[ps.length - 1]!;
    results[mode.name] = {
      describe: mode.describe,
      runs: ps.map((p) => Math.round(p.seconds * 1000) / 1000),
      seconds,
      alertsPerSecond: Math.round(expected / seconds),
      streamSeconds: stream,
      streamAlertsPerSecond: Math.round(expected / stream),
      rows: last.kept,
      peakRssMb: Math.max(...ps.map((p) => p.peakRssMb ?? 0)) || null,
      ...(last.metrics ? { latencyMs: last.metrics.latencyMs } : {}),
      ...last.extra,
      ...(failed.has(mode.name) ? { error: failed.get(mode.name) } : {}),
    };
    if (!reference) reference = { name: mode.name, ids: last.ids };
    else if (last.ids.join(',') !== reference.ids.join(',')) notes.push(`${mode.name} wrote ${last.ids.length} rows, ${reference.name} ${reference.ids.length}: the row sets differ.`);
  }
  const rate = (name: string, key: 'alertsPerSecond' | 'streamAlertsPerSecond'): number | undefined => (results[name] as Record<string, number> | undefined)?.[key];
  const ratio = (a: number | undefined, b: number | undefined): number | null => (a && b ? Math.round((a / b) * 100) / 100 : null);
  for (const mode of modes) {
    if (mode.name === 'seed001-python') continue;
    for (const key of ['alertsPerSecond', 'streamAlertsPerSecond'] as const) {
      const suffix = key === 'streamAlertsPerSecond' ? ' (streaming)' : '';
      ratios[`${mode.name}/seed001-python${suffix}`] = ratio(rate(mode.name, key), rate('seed001-python', key));
      ratios[`${mode.name}/kcat${suffix}`] = ratio(rate(mode.name, key), kcat?.[key]);
    }
    ratios[`${mode.name}/seed001-fs-floor`] = ratio(rate(mode.name, 'alertsPerSecond'), rate('seed001-fs-floor', 'alertsPerSecond'));
  }
  ratios['seed001-python/seed001-fs-floor'] = ratio(rate('seed001-python', 'alertsPerSecond'), rate('seed001-fs-floor', 'alertsPerSecond'));
  ratios['seed001-threads2/seed001-threads0'] = ratio(rate('seed001-threads2', 'alertsPerSecond'), rate('seed001-threads0', 'alertsPerSecond'));
  if (reference && notes.length === 0) notes.push(`Every seed-001 mode wrote the same ${reference.ids.length} rows (diaSourceIds compared).`);
  return { results, ratios, notes };
}
