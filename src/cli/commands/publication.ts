/**
 * `alertflow publication …`: the Prompt Publication Service (seed 003):
 * ingest (Kafka topic or message directory), run (task loop, optionally with
 * intake and the web page in the same process), serve, status, simulate.
 */
import type { Command } from 'commander';
import { AlertflowError } from '../../errors.js';
import type { IntakeSource } from '../../publication/intake.js';
import { loadPolicy } from '../../publication/policy.js';
import { localRepositories } from '../../publication/repository.js';
import { PublicationService, type PassSummary } from '../../publication/service.js';
import { simulatePromptOutput } from '../../publication/sim.js';
import { STATUS_VALUES, type StatusCounts } from '../../publication/status.js';
import { servePublication } from '../../publication/web.js';

interface Common {
  root: string;
  policy?: string;
  now?: string;
  json?: boolean;
}
interface IntakeOpts {
  messages?: string;
  brokers?: string;
  topic?: string;
  group?: string;
}

const log = (m: string): void => void process.stderr.write(`${m}\n`);
function clock(o: Common): (() => number) | undefined {
  if (o.now === undefined) return undefined;
  const t = Date.parse(o.now);
  if (!Number.isFinite(t)) throw new AlertflowError('ERR_CLI_USAGE', `--now must be an ISO time (got ${o.now})`);
  return () => t;
}
const open = (o: Common): Promise<PublicationService> => PublicationService.open({ root: o.root, policy: o.policy ? loadPolicy(o.policy) : undefined, now: clock(o), log });
const intOf = (v: string, flag: string, min = 0): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new AlertflowError('ERR_CLI_USAGE', `${flag} must be an integer >= ${min} (got ${v})`);
  return n;
};
const out = (o: { json?: boolean }, value: unknown, text: string): void => void process.stdout.write(o.json ? `${JSON.stringify(value, null, 1)}\n` : `${text}\n`);

function intakeSource(o: IntakeOpts, follow: boolean): IntakeSource | undefined {
  if (o.messages && o.brokers) throw new AlertflowError('ERR_CLI_USAGE', 'give --messages DIR or --brokers/--topic, not both');
  if (o.messages) return { kind: 'files', dir: o.messages, follow };
  if (o.brokers || o.topic) {
    if (!o.brokers || !o.topic) throw new AlertflowError('ERR_CLI_USAGE', 'Kafka intake needs both --brokers and --topic');
    return { kind: 'kafka', brokers: o.brokers, topic: o.topic, groupId: o.group ?? 'prompt-publication', untilCaughtUp: !follow };
  }
  return undefined;
}

const summaryText = (s: PassSummary): string =>
  Object.entries(s)
    .map(([k, v]) => `${k} ${v.done}${v.failed ? ` (${v.failed} failed)` : ''}${v.paused ? ' [paused]' : ''}`)
    .join(', ');

/** The status as a small text table. */
export function statusText(s: StatusCounts): string {
  const w = 12;
  const lines = [`${s.datasets} datasets at ${s.now}`, `${'repository'.padEnd(w)}${STATUS_VALUES.map((v) => (v === 'none' ? 'not yet' : v).padStart(9)).join('')}`];
  for (const [repo, counts] of Object.entries(s.byRepository)) lines.push(`${repo.padEnd(w)}${STATUS_VALUES.map((v) => String(counts[v] ?? 0).padStart(9)).join('')}`);
  lines.push('tasks: ' + s.tasks.map((t) => `${t.name} ready ${t.ready}${t.failed ? ` failed ${t.failed}` : ''}${t.paused ? ' [paused]' : ''}`).join('; '));
  lines.push('collections: ' + (Object.entries(s.collections).map(([c, n]) => `${c} ${n}`).join(', ') || 'none'));
  return lines.join('\n');
}

const commonOptions = (c: Command): Command =>
  c
    .requiredOption('--root <dir>', 'service state directory: state.duckdb, repos/{embargo,prompt_prep,repo_main,public}, intake-offsets.json')
    .option('--now <iso>', 'evaluate policies at this fixed time instead of the system clock (replays, demos)')
    .option('--policy <file>', 'policy JSON (embargoHours, expireFrom, default, types); default: 72 h embargo, difference_image 30 d, preliminary_visit_image 90 d, others 30 d');
const intakeOptions = (c: Command): Command =>
  c
    .option('--messages <dir>', 'a directory of prompt-output JSON messages (one per file, read in name order)')
    .option('--brokers <list>', 'Kafka bootstrap servers host:port[,…]')
    .option('--topic <name>', 'Kafka topic (e.g. prompt-output)')
    .option('--group <id>', 'Kafka consumer group', 'prompt-publication');

/** Registers `publication` and its subcommands. */
export function registerPublicationCommand(program: Command): void {
  const pub = program
    .command('publication')
    .description('Prompt Publication Service (seed 003): embargo -> prompt_prep -> repo_main -> public, expiry by policy, Available/Expired collections')
    .addHelpText('after', '\nState lives in ROOT/state.duckdb (one writer process at a time: run intake, tasks and the web page together with `run`). Every command can be re-run after a crash.');

  intakeOptions(commonOptions(pub.command('ingest')))
    .description('Insert the datasets of prompt-output messages into the state database (at least once; redelivered messages change nothing)')
    .option('--follow', 'keep reading (poll the directory / stay in the consumer group) until interrupted')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', ['', 'Examples:', '  alertflow publication ingest --root ./pps --messages ./messages', '  alertflow publication ingest --root ./pps --brokers 127.0.0.1:19092 --topic prompt-output'].join('\n'))
    .action(async (o: Common & IntakeOpts & { follow?: boolean }) => {
      const source = intakeSource(o, o.follow === true);
      if (!source) throw new AlertflowError('ERR_CLI_USAGE', 'give --messages DIR or --brokers and --topic');
      const pps = await open(o);
      try {
        const r = await pps.ingest(source, { handleSignals: true });
        out(o, { received: r.received, inserted: r.inserted, deadLetters: r.deadLetters }, `received ${r.received} datasets, inserted ${r.inserted} new, ${r.deadLetters} rejected messages${r.deadLetters ? ` (see ${o.root}/dead-letters.jsonl)` : ''}`);
      } finally {
        await pps.close();
      }
    });

  intakeOptions(commonOptions(pub.command('run')))
    .description('Run the task loop (unembargo, copy-to-main, delete-embargo, publish, expire, delete-main, delete-prep); optionally with intake and the web page')
    .option('--until-idle', 'stop when a pass does nothing (and the intake source has ended)')
    .option('--interval <s>', 'seconds between passes', '10')
    .option('--port <port>', 'also serve the web page on 127.0.0.1:PORT (0 = any free port)')
    .option('--json', 'print each pass as JSON')
    .addHelpText('after', ['', 'Example:', '  alertflow publication run --root ./pps --messages ./messages --port 8788', '  alertflow publication run --root ./pps --until-idle'].join('\n'))
    .action(async (o: Common & IntakeOpts & { untilIdle?: boolean; interval: string; port?: string }) => {
      const interval = intOf(o.interval, '--interval', 0);
      const source = intakeSource(o, !o.untilIdle);
      const pps = await open(o);
      const web = o.port !== undefined ? await servePublication(pps, { port: intOf(o.port, '--port') }) : undefined;
      if (web) log(`web page: ${web.url}`);
      const stopper = new AbortController();
      const onSignal = (): void => stopper.abort();
      process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
      try {
        const intake = source ? pps.ingest(source, { signal: stopper.signal }) : undefined;
        if (intake && o.untilIdle) {
          const r = await intake;
          log(`intake: received ${r.received}, inserted ${r.inserted}, rejected ${r.deadLetters}`);
        }
        for (;;) {
          const s = o.untilIdle ? await pps.runUntilIdle() : await pps.runOnce();
          out(o, s, `pass: ${summaryText(s)}`);
          if (o.untilIdle || stopper.signal.aborted) break;
          for (let t = 0; !stopper.signal.aborted && t < interval * 10; t++) await new Promise((r) => setTimeout(r, 100));
          if (stopper.signal.aborted) break;
        }
        stopper.abort();
        await intake;
        if (!o.json) out(o, null, statusText(await pps.status()));
      } finally {
        process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
        await web?.close();
        await pps.close();
      }
    });

  commonOptions(pub.command('serve'))
    .description('Serve the web page (status counts, per-dataset history, admin commands as POST forms) on 127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', '8788')
    .option('--host <addr>', 'address to bind (there is no login: keep it on loopback)', '127.0.0.1')
    .action(async (o: Common & { port: string; host: string }) => {
      const pps = await open(o);
      const web = await servePublication(pps, { port: intOf(o.port, '--port'), host: o.host });
      process.stdout.write(`web page: ${web.url} (JSON at ${web.url}status.json); Ctrl-C to stop\n`);
      await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
      await web.close();
      await pps.close();
    });

  commonOptions(pub.command('status'))
    .description('Print datasets per repository and status, tasks (ready / failed / paused) and collection sizes')
    .option('--json', 'print as JSON (the same as the web page\'s /status.json)')
    .action(async (o: Common) => {
      const pps = await open(o);
      try {
        const s = await pps.status();
        out(o, s, statusText(s));
      } finally {
        await pps.close();
      }
    });

  pub
    .command('simulate')
    .description('Write N seeded datasets into ROOT/repos/embargo and the prompt-output messages announcing them (one JSON file per message)')
    .requiredOption('--root <dir>', 'service state directory (the embargo repository is ROOT/repos/embargo)')
    .requiredOption('--messages <dir>', 'directory to write the message files into')
    .option('--datasets <n>', 'number of datasets', '1000')
    .option('--per-message <n>', 'datasets per message', '10')
    .option('--start <iso>', 'first exposure time (default: 40 days ago, so a run today publishes some and expires others)')
    .option('--days <n>', 'exposures spread over this many days', '10')
    .option('--seed <text>', 'seed', 'pps-sim')
    .action(async (o: { root: string; messages: string; datasets: string; perMessage: string; start?: string; days: string; seed: string }) => {
      o.start ??= new Date(Math.floor(Date.now() / 86_400_000 - 40) * 86_400_000).toISOString();
      if (!Number.isFinite(Date.parse(o.start))) throw new AlertflowError('ERR_CLI_USAGE', `--start must be an ISO time (got ${o.start})`);
      const msgs = await simulatePromptOutput({ embargo: localRepositories(`${o.root}/repos`).embargo, messagesDir: o.messages, datasets: intOf(o.datasets, '--datasets', 1), perMessage: intOf(o.perMessage, '--per-message', 1), start: o.start, days: intOf(o.days, '--days', 0), seed: o.seed });
      process.stdout.write(`wrote ${o.datasets} datasets to ${o.root}/repos/embargo and ${msgs.length} messages to ${o.messages}\n`);
    });
}
