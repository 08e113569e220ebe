/**
 * Files and ports for the local single-node Kafka broker (KRaft): where the
 * jars live, what `server.properties` says, which loopback ports are free.
 * Pure helpers with no process management; see `broker.ts` for that.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

/** Default client port of the local broker; another free port is used when it is taken. */
export const DEFAULT_BROKER_PORT = 19092;

/**
 * Root directory of the alertflow package (the folder holding its package.json),
 * found by walking up from this module, so it works from `src/` and `dist/src/`.
 *
 * @example
 * const script = join(packageRoot(), 'scripts', 'fetch-kafka.sh');
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'alertflow') return dir;
      } catch {
        // unreadable package.json: keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/**
 * Kafka home: `$ALERTFLOW_KAFKA_HOME`, else `<package>/.cache/kafka`. Holds `libs/`
 * (jars fetched by scripts/fetch-kafka.sh) and the default `state.json`.
 *
 * @example
 * kafkaHome() // '/work/main/.cache/kafka'
 */
export function kafkaHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.ALERTFLOW_KAFKA_HOME || join(packageRoot(), '.cache', 'kafka'));
}

/** Settings that go into a generated `server.properties`. */
export interface ServerConfigInput {
  port: number;
  controllerPort: number;
  /** Directory for the Kafka log segments and KRaft metadata (`log.dirs`). */
  logDir: string;
  /** Default partition count of auto-created topics. */
  partitions: number;
}

/**
 * Renders `server.properties` for a combined broker+controller on 127.0.0.1
 * with replication factor 1 everywhere (a single node cannot do more).
 *
 * @example
 * writeFileSync(path, serverProperties({ port: 19092, controllerPort: 19093, logDir: '/tmp/k', partitions: 1 }));
 */
export function serverProperties(c: ServerConfigInput): string {
  const lines: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${c.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${c.port},CONTROLLER://127.0.0.1:${c.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${c.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': c.logDir,
    'num.partitions': c.partitions,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': true,
    'delete.topic.enable': true,
    // Alert packets with cutouts can exceed the 1 MB default.
    'message.max.bytes': 10 * 1024 * 1024,
    'replica.fetch.max.bytes': 10 * 1024 * 1024,
  };
  return Object.entries(lines).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

/**
 * log4j 1.x config (Kafka 3.9 logs through reload4j) sending everything to
 * stdout, which the broker process redirects to its log file.
 *
 * @example
 * writeFileSync(join(dir, 'log4j.properties'), log4jProperties());
 */
export function log4jProperties(): string {
  return [
    'log4j.rootLogger=INFO, stdout',
    'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
    // The state-change and request loggers are very chatty at INFO.
    'log4j.logger.state.change.logger=WARN',
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.org.apache.kafka.controller=WARN',
    '',
  ].join('\n');
}

/**
 * A random KRaft cluster id: 16 random bytes, base64url without padding, as
 * Kafka's `Uuid` prints them. Ids starting with '-' or '_' are avoided so that
 * command-line parsers never mistake them for options.
 *
 * @example
 * randomClusterId() // 'q1Sh-9_ISia_zwGINzRvyQ'
 */
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}

/**
 * True when nothing listens on 127.0.0.1:`port` (we can bind it).
 *
 * @example
 * if (await isPortFree(19092)) …
 */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => res(true)));
  });
}

/**
 * A port the OS reports free on 127.0.0.1 (bind to port 0, read it, release it).
 *
 * @example
 * const port = await freePort();
 */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

/**
 * Picks the client and controller ports: `wanted` if given (it must be free),
 * else 19092/19093 when free, else ports from the OS.
 *
 * @example
 * const { port, controllerPort } = await choosePorts();
 */
export async function choosePorts(wanted?: number): Promise<{ port: number; controllerPort: number } | { busy: number }> {
  let port: number;
  if (wanted !== undefined) {
    if (!(await isPortFree(wanted))) return { busy: wanted };
    port = wanted;
  } else {
    port = (await isPortFree(DEFAULT_BROKER_PORT)) ? DEFAULT_BROKER_PORT : await freePort();
  }
  let controllerPort = port + 1;
  if (controllerPort > 65535 || !(await isPortFree(controllerPort))) {
    do controllerPort = await freePort();
    while (controllerPort === port);
  }
  return { port, controllerPort };
}
