/**
 * Two references for the seed-001 consumer bench besides the peers:
 *
 * - the file-system floor: the same number of cutout files, of the same
 *   total size, written temp-then-rename by one synchronous loop into a
 *   fresh folder of the same file system. Seed 001 makes three files per
 *   passing alert, so on a small VM disk this, not Kafka or decoding, is
 *   the physical limit; it varies several-fold from minute to minute, which
 *   is why it is measured in every round beside the consumers.
 * - latency under load: the consumer running live while the bench's night
 *   is replayed into a fresh topic at half the measured capacity; p99 of
 *   source read → sink acknowledgement from the consumer's own metrics,
 *   over the whole run and over its last 10-20 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../src/kafka/broker-config.js';
import type { MetricsSnapshot } from '../src/runtime/metrics.js';
import { createTopic, deleteTopic } from '../src/testing/kafka.js';
import { repoRoot } from './lib/paths.js';
import { lastJsonLine, tailOf } from './lib/child-output.js';

/** What a consumer pass left in its cutouts folder. */
export interface CutoutVolume {
  files: number;
  bytes: number;
}

/**
 * Counts the files of a folder and their bytes.
 *
 * @example
 * const v = cutoutVolume('out/cutouts'); // { files: 57417, bytes: 695000000 }
 */
export function cutoutVolume(dir: string): CutoutVolume {
  let files = 0;
  let bytes = 0;
  for (const name of readdirSync(dir)) {
    files++;
    bytes += statSync(join(dir, name)).size;
  }
  return { files, bytes };
}

/**
 * Writes `volume.files` files (equal sizes summing to `volume.bytes`) the
 * way the sink does: temp name, then rename. Returns the seconds taken.
 *
 * @example
 * const seconds = fileSystemFloor({ files: 57000, bytes: 690e6 });
 */
export function fileSystemFloor(volume: CutoutVolume): number {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-bench-fsfloor-'));
  const cutouts = join(dir, 'cutouts');
  mkdirSync(cutouts);
  const bytes = Buffer.alloc(Math.max(1, Math.round(volume.bytes / Math.max(1, volume.files))), 0x20);
  try {
    const t0 = performance.now();
    for (let i = 0; i < volume.files; i++) {
      const name = `${1_000_000_000_000 + i}_science_20261207_012345.fits`;
      const temp = join(cutouts, `.${name}.tmp`);
      writeFileSync(temp, bytes);
      renameSync(temp, join(cutouts, name));
    }
    return (performance.now() - t0) / 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Time given to the live consumer to join its group before the replay starts. */
const JOIN_MS = 5000;

/** Figures of {@link latencyUnderLoad}. */
export interface LatencyPass {
  ratePerSecond: number;
  records: number;
  /** Over the whole run, first records (JIT warm-up, group join) included. */
  latencyMs: MetricsSnapshot['latencyMs'];
  /** Over the last 10-20 s of sustained load. */
  recentLatencyMs: MetricsSnapshot['recentLatencyMs'];
  peakRssMb: number;
  /** Records produced per second, as achieved. */
  producedPerSecond: number;
  /** Records acknowledged per second, from the producer's start to the last acknowledgement. */
  consumedPerSecond: number;
}

async function metricsOf(port: number): Promise<MetricsSnapshot | undefined> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/metrics.json`);
    return r.ok ? ((await r.json()) as MetricsSnapshot) : undefined;
  } catch {
    return undefined;
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

/**
 * Starts the seed-001 example live (no --until-caught-up) on a fresh topic,
 * produces the first `records` packets of `framesFile` into it at
 * `ratePerSecond` from a separate process (bench/lib/paced-producer.ts), waits until every record
 * is acknowledged, stops the consumer with SIGTERM and returns its latency.
 *
 * @example
 * const lat = await latencyUnderLoad(brokers, set.file, 20000, 1500, 2, 120_000);
 */
export async function latencyUnderLoad(brokers: string, framesFile: string, records: number, ratePerSecond: number, partitions: number, timeoutMs: number, threads = 0): Promise<LatencyPass> {
  const topic = `bench-latency-${process.pid}-${Date.now()}`;
  await createTopic(brokers, topic, partitions);
  const out = mkdtempSync(join(tmpdir(), 'alertflow-bench-latency-'));
  const metricsFile = join(out, 'metrics.json');
  const port = await freePort();
  const args = [
    join(repoRoot(), 'bin', 'alertflow.js'), 'run', 'examples/antares-extendedness-consumer',
    '--threads', String(threads), '--no-progress', '--metrics', metricsFile, '--metrics-port', String(port),
    '--brokers', brokers, '--topic', topic, '--group', `${topic}-g`,
    '--out', join(out, 'consumer'), '--date-from', 'observation', '--exclude-sssource',
  ];
  const child = spawn(process.execPath, args, { cwd: repoRoot(), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const deadline = Date.now() + timeoutMs;
  try {
    // Produce once the consumer is up and has had time to join its group (a fresh group on an
    // empty topic has no lag to report), so that the measured part does not start as a backlog.
    while ((await metricsOf(port)) === undefined) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`consumer did not start: ${tailOf(stderr)}`);
      await sleep(200);
    }
    await sleep(JOIN_MS);
    // The load comes from its own process, so that it keeps its rate whatever this one is doing.
    const loadStart = performance.now();
    const producer = spawn(process.execPath, [fileURLToPath(new URL('./lib/paced-producer.js', import.meta.url)), '--brokers', brokers, '--topic', topic, '--frames', framesFile, '--rate', String(ratePerSecond), '--count', String(records)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let producerOut = '';
    producer.stdout!.on('data', (d: Buffer) => (producerOut += d.toString()));
    producer.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const producerCode = await exited(producer);
    if (producerCode !== 0) throw new Error(`paced producer exited with ${producerCode}: ${tailOf(stderr)}`);
    const producedPerSecond = lastJsonLine<{ perSecond: number }>(producerOut, 'paced producer').perSecond;
    for (;;) {
      const m = await metricsOf(port);
      if (m && m.recordsIn >= records && m.inFlight === 0) break;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`consumer read ${m?.recordsIn ?? '?'} of ${records}: ${tailOf(stderr)}`);
      await sleep(200);
    }
    const consumedPerSecond = records / ((performance.now() - loadStart) / 1000);
    child.kill('SIGTERM');
    const code = await exited(child);
    if (code !== 0) throw new Error(`consumer exited with ${code}: ${tailOf(stderr)}`);
    const { metrics } = JSON.parse(readFileSync(metricsFile, 'utf8')) as { metrics: MetricsSnapshot };
    return { ratePerSecond, records: metrics.recordsIn, latencyMs: metrics.latencyMs, recentLatencyMs: metrics.recentLatencyMs, peakRssMb: metrics.peakRssMb, producedPerSecond: Math.round(producedPerSecond), consumedPerSecond: Math.round(consumedPerSecond) };
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
    rmSync(out, { recursive: true, force: true });
    await deleteTopic(brokers, topic).catch(() => undefined);
  }
}
