/**
 * Runs a real single-node Apache Kafka broker (KRaft, combined broker and
 * controller, loopback only) for tests and benchmarks: fetches the jars from
 * Maven Central when missing, formats storage, starts `java … kafka.Kafka`
 * detached, waits until it answers metadata requests, and records what it
 * started in a state file so that `stop`/`status` work from another process.
 */
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AlertflowError } from '../errors.js';
import { choosePorts, kafkaHome, log4jProperties, packageRoot, randomClusterId, serverProperties } from './broker-config.js';
import { fetchMetadata } from './rdkafka.js';

/** Options of {@link startBroker}. */
export interface BrokerOptions {
  /** Client port; default 19092 when free, else any free port. An explicit port must be free. */
  port?: number;
  /** Default partition count of auto-created topics (default 1). */
  partitions?: number;
  /** Broker directory (config, log file, data under `kraft/`); kept on stop. Default: a fresh temp dir, removed on stop. */
  dataDir?: string;
  /** Kafka home with `libs/` (default `$ALERTFLOW_KAFKA_HOME` or `<package>/.cache/kafka`). */
  home?: string;
  /** Where pid, ports and dirs are recorded (default `<home>/state.json`). */
  stateFile?: string;
  /** How long to wait for the broker to answer (default 90 s). */
  timeoutMs?: number;
  /** JVM max heap in MB (default 512). */
  heapMb?: number;
}

/** What a running broker looks like; this is the JSON in the state file. */
export interface BrokerState {
  pid: number;
  /** `host:port` for `metadata.broker.list`. */
  brokers: string;
  port: number;
  controllerPort: number;
  dataDir: string;
  /** True when the data dir is a temp dir that {@link stopBroker} deletes. */
  ownsDataDir: boolean;
  logFile: string;
  configFile: string;
  stateFile: string;
  clusterId: string;
  kafkaVersion: string;
  startedAt: string;
}

/** Result of {@link brokerStatus}. */
export interface BrokerStatus {
  /** A state file exists and its process is alive. */
  running: boolean;
  /** The broker answered a metadata request. */
  reachable: boolean;
  state?: BrokerState;
}

const MAIN_CLASS = 'kafka.Kafka';
const STORAGE_TOOL = 'kafka.tools.StorageTool';

/**
 * Starts a broker and resolves its state once it answers metadata requests.
 * When the state file names a live broker already, resolves that one instead
 * (so `alertflow kafka up` is idempotent).
 *
 * @example
 * const b = await startBroker({ partitions: 3 });
 * console.log(b.brokers); // '127.0.0.1:19092'
 * await stopBroker();
 */
export async function startBroker(opts: BrokerOptions = {}): Promise<BrokerState> {
  const home = resolve(opts.home ?? kafkaHome());
  const stateFile = resolve(opts.stateFile ?? join(home, 'state.json'));
  const existing = readState(stateFile);
  if (existing && isAlive(existing)) return existing;
  if (existing) rmSync(stateFile, { force: true });

  const libs = await ensureLibs(home);
  const ports = await choosePorts(opts.port);
  if ('busy' in ports) throw new AlertflowError('ERR_KAFKA_BROKER', `port ${ports.busy} is already in use on 127.0.0.1`, { port: ports.busy });

  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = resolve(opts.dataDir ?? mkdtempSync(join(tmpdir(), 'alertflow-kafka-')));
  const logDir = join(dataDir, 'kraft');
  mkdirSync(logDir, { recursive: true });
  const configFile = join(dataDir, 'server.properties');
  const log4jFile = join(dataDir, 'log4j.properties');
  const logFile = join(dataDir, 'broker.log');
  writeFileSync(configFile, serverProperties({ port: ports.port, controllerPort: ports.controllerPort, logDir, partitions: opts.partitions ?? 1 }));
  writeFileSync(log4jFile, log4jProperties());

  const java = javaBin();
  const cp = join(libs, '*');
  const jvm = [`-Xmx${opts.heapMb ?? 512}m`, '-Xms128m', '-Djava.awt.headless=true', `-Dlog4j.configuration=file:${log4jFile}`, '-cp', cp];
  // A data dir kept from an earlier run is already formatted: reuse its cluster id.
  let clusterId = readClusterId(logDir);
  if (!clusterId) {
    clusterId = randomClusterId();
    await run(java, [...jvm, STORAGE_TOOL, 'format', '--ignore-formatted', `--cluster-id=${clusterId}`, `--config=${configFile}`], logFile);
  }

  const out = openSync(logFile, 'a');
  const child = spawn(java, [...jvm, MAIN_CLASS, configFile], { detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new AlertflowError('ERR_KAFKA_BROKER', `could not start ${java}; see ${logFile}`, { logFile });
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code ?? -1));
  child.unref();

  const state: BrokerState = {
    pid, brokers: `127.0.0.1:${ports.port}`, port: ports.port, controllerPort: ports.controllerPort, dataDir, ownsDataDir,
    logFile, configFile, stateFile, clusterId, kafkaVersion: kafkaVersion(libs), startedAt: new Date().toISOString(),
  };
  mkdirSync(resolve(stateFile, '..'), { recursive: true });
  writeFileSync(stateFile, JSON.stringify(state, null, 2) + '\n');

  const timeoutMs = opts.timeoutMs ?? 90_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      rmSync(stateFile, { force: true });
      throw new AlertflowError('ERR_KAFKA_BROKER', `Kafka broker exited with code ${exited} while starting; see ${logFile}`, { logFile, tail: tail(logFile) });
    }
    try {
      const md = await fetchMetadata(state.brokers, 3000);
      if (md.brokers.length > 0) return state;
    } catch (err) {
      lastError = err;
    }
    await sleep(500);
  }
  await stopBroker({ stateFile, keepDataDir: true });
  throw new AlertflowError('ERR_KAFKA_BROKER', `Kafka broker did not become ready within ${timeoutMs} ms; see ${logFile}`, { logFile, tail: tail(logFile) }, { cause: lastError });
}

/**
 * Stops the broker named in the state file (SIGTERM, then SIGKILL after
 * `timeoutMs`), removes its temp data dir and the state file. Resolves false
 * when no broker was recorded.
 *
 * @example
 * await stopBroker(); // the default broker of `alertflow kafka up`
 */
export async function stopBroker(opts: { home?: string; stateFile?: string; timeoutMs?: number; keepDataDir?: boolean } = {}): Promise<boolean> {
  const stateFile = resolve(opts.stateFile ?? join(resolve(opts.home ?? kafkaHome()), 'state.json'));
  const state = readState(stateFile);
  if (!state) return false;
  if (isAlive(state)) {
    signal(state.pid, 'SIGTERM');
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    while (isAlive(state) && Date.now() < deadline) await sleep(200);
    if (isAlive(state)) {
      signal(state.pid, 'SIGKILL');
      while (isAlive(state)) await sleep(100);
    }
  }
  if (state.ownsDataDir && !opts.keepDataDir) rmSync(state.dataDir, { recursive: true, force: true });
  rmSync(stateFile, { force: true });
  return true;
}

/**
 * Reports whether the recorded broker process is alive and answering.
 *
 * @example
 * const s = await brokerStatus();
 * if (s.running) console.log(s.state?.brokers);
 */
export async function brokerStatus(opts: { home?: string; stateFile?: string } = {}): Promise<BrokerStatus> {
  const stateFile = resolve(opts.stateFile ?? join(resolve(opts.home ?? kafkaHome()), 'state.json'));
  const state = readState(stateFile);
  if (!state) return { running: false, reachable: false };
  const running = isAlive(state);
  let reachable = false;
  if (running) {
    try {
      reachable = (await fetchMetadata(state.brokers, 3000)).brokers.length > 0;
    } catch {
      reachable = false;
    }
  }
  return { running, reachable, state };
}

/** Runs scripts/fetch-kafka.sh when `<home>/libs` is not complete; returns the libs dir. */
async function ensureLibs(home: string): Promise<string> {
  const libs = join(home, 'libs');
  if (existsSync(join(libs, '.complete'))) return libs;
  const script = join(packageRoot(), 'scripts', 'fetch-kafka.sh');
  await new Promise<void>((res, rej) =>
    execFile('bash', [script], { env: { ...process.env, ALERTFLOW_KAFKA_HOME: home }, maxBuffer: 16 << 20 }, (err, _out, stderr) =>
      err ? rej(new AlertflowError('ERR_KAFKA_BROKER', `fetching Kafka jars failed (${script}): ${stderr.trim().slice(-500)}`, { script }, { cause: err })) : res(),
    ),
  );
  return libs;
}

function javaBin(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function run(cmd: string, args: string[], logFile: string): Promise<void> {
  return new Promise((res, rej) =>
    execFile(cmd, args, { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      writeFileSync(logFile, stdout + stderr, { flag: 'a' });
      if (err) rej(new AlertflowError('ERR_KAFKA_BROKER', `formatting Kafka storage failed; see ${logFile}`, { logFile, tail: tail(logFile) }, { cause: err }));
      else res();
    }),
  );
}

function readClusterId(logDir: string): string | undefined {
  const meta = join(logDir, 'meta.properties');
  if (!existsSync(meta)) return undefined;
  return /^cluster\.id=(.+)$/m.exec(readFileSync(meta, 'utf8'))?.[1]?.trim();
}

function kafkaVersion(libs: string): string {
  const jar = readdirSync(libs).find((f) => /^kafka_2\.13-.+\.jar$/.test(f));
  return jar ? jar.replace(/^kafka_2\.13-/, '').replace(/\.jar$/, '') : 'unknown';
}

function readState(stateFile: string): BrokerState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile, 'utf8')) as BrokerState;
  } catch {
    return undefined;
  }
}

/** Alive and still our broker: a recycled pid running something else does not count. */
function isAlive(state: BrokerState): boolean {
  try {
    process.kill(state.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${state.pid}/cmdline`, 'utf8');
    // A zombie (exited, not yet reaped) has an empty cmdline.
    return cmdline.includes(MAIN_CLASS) && cmdline.includes(state.configFile);
  } catch {
    return process.platform !== 'linux';
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms));
}
