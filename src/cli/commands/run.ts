/** `alertflow run GRAPH`: runs a graph spec or module with progress, summary and metrics. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { runGraph, type RunOptions, type RunResult } from '../../runtime/executor.js';
import { toMermaid } from '../../runtime/mermaid.js';
import { validateGraph, type GraphSpec } from '../../runtime/graph.js';
import { isKnownType } from '../../runtime/registry.js';
import { parsePace as parsePaceOption, type Pace } from '../../runtime/paced.js';
import { loadGraph } from '../load-graph.js';
import { Progress } from '../progress.js';
import { serveMetrics } from '../metrics-server.js';
import { formatRunSummary } from '../summary.js';
import { createJsonlSink } from '../../sinks/jsonl.js';
import type { Sink } from '../../runtime/types.js';
import type { DeadLetter } from '../../runtime/executor.js';
import { AlertflowError } from '../../errors.js';

export interface RunCliOptions {
  threads?: string;
  metrics?: string;
  prometheus?: string;
  deadLetters?: string;
  rate?: string;
  cadence?: string;
  progress?: boolean;
  mermaid?: boolean;
  validate?: boolean;
  total?: string;
  metricsPort?: string;
  maxInFlight?: string;
  maxInFlightMb?: string;
}

/**
 * Runs a spec the way the CLI does: progress, graceful signals, a printed
 * summary, and optional metrics files.
 *
 * @example
 * const result = await runWithReporting(spec, {}, { threads: '2' });
 */
export async function runWithReporting(spec: GraphSpec, base: RunOptions, o: RunCliOptions): Promise<RunResult> {
  const progress = new Progress({ label: spec.name, unit: 'records', quiet: o.progress === false, ...(o.total ? { total: Number(o.total) } : {}) });
  const pace = parsePace(o);
  const options: RunOptions = {
    ...base,
    handleSignals: true,
    ...(o.threads !== undefined ? { threads: Number(o.threads) } : {}),
    ...(o.maxInFlight !== undefined ? { maxInFlight: positive('--max-in-flight', o.maxInFlight) } : {}),
    ...(o.maxInFlightMb !== undefined ? { maxInFlightBytes: positive('--max-in-flight-mb', o.maxInFlightMb) * 1024 * 1024 } : {}),
    ...(pace ? { pace } : {}),
    ...(o.deadLetters ? { deadLetterSink: createJsonlSink({ path: o.deadLetters, bytes: 'base64' }) as Sink<DeadLetter> } : {}),
    onProgress: (m) => {
      progress.update(m.recordsIn, `out ${m.recordsOut} | dead ${m.deadLetters}${m.consumerLag !== null ? ` | lag ${m.consumerLag}` : ''}`);
      base.onProgress?.(m);
    },
  };
  const handle = runGraph(spec, options);
  const server = o.metricsPort ? await serveMetrics(handle.metrics, Number(o.metricsPort)) : undefined;
  let result: RunResult;
  try {
    result = await handle.done;
  } finally {
    progress.stop();
    server?.close();
  }
  process.stderr.write(formatRunSummary(result));
  if (o.metrics) writeFileSync(o.metrics, JSON.stringify(result, null, 2) + '\n');
  if (o.prometheus) writeFileSync(o.prometheus, handle.metrics.toPrometheus());
  return result;
}

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !(n > 0) || !Number.isFinite(n)) throw new AlertflowError('ERR_CLI_USAGE', `${flag} needs a positive number, got "${v}"`);
  return n;
}

function parsePace(o: RunCliOptions): Pace | undefined {
  return o.rate === undefined && o.cadence === undefined ? undefined : parsePaceOption(o.rate, o.cadence);
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('Run a graph: a JSON spec, a JS module exporting a spec (or a function of the remaining arguments), or a folder holding one')
    .argument('[graph]', 'graph.json, graph.js or a folder (examples/<name>)')
    // --help is ours to route: with a graph module it goes to the module, which prints its own usage.
    .helpOption(false)
    .option('-h, --help', "show this help; after a graph module, the module's own help")
    .option('--threads <n>', 'worker threads for pool steps (0 = all in-process)')
    .option('--max-in-flight <n>', 'source records in flight before sources stop reading (default 4096)')
    .option('--max-in-flight-mb <mib>', 'MiB of source packets in flight before sources stop reading (default 64)')
    .option('--rate <perSecond>', 'replay sources at this many records per second')
    .option('--cadence <mode>', '"original" replays at the recorded cadence, "10x" ten times faster, "full" as fast as possible')
    .option('--dead-letters <file>', 'JSONL file for records that fail (default: the graph\'s own, else ./dead-letters.jsonl)')
    .option('--metrics <file>', 'write the final metrics as JSON')
    .option('--prometheus <file>', 'write the final metrics in Prometheus text format')
    .option('--metrics-port <port>', 'serve live metrics on 127.0.0.1:<port> (/metrics Prometheus text, /metrics.json)')
    .option('--total <n>', 'expected number of records, for the progress bar')
    .option('--mermaid', 'print the graph as a Mermaid flowchart and exit')
    .option('--validate', 'validate the graph and exit')
    .option('--no-progress', 'no progress bar')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .addHelpText('after', '\nArguments after the graph that alertflow does not know are passed to a graph module\'s default export.\nExample: alertflow run examples/antares-extendedness-consumer --input night.avro --out out/\n\nWith a worker on every core (the default --threads) the run restarts itself under node --single-threaded-gc:\nV8\'s GC helper threads would only take CPU from the workers. ALERTFLOW_PARALLEL_GC=1 keeps the default.')
    .action(async (target: string | undefined, o: RunCliOptions & { help?: boolean }, cmd: Command) => {
      if (target === undefined || (o.help && target.endsWith('.json'))) return cmd.help();
      const passThrough = cmd.args.slice(1);
      if (o.help) passThrough.push('--help');
      const loaded = await loadGraph(target, passThrough);
      if (o.mermaid) return void process.stdout.write(toMermaid(loaded.spec));
      if (o.validate) {
        validateGraph(loaded.spec, isKnownType);
        return void process.stdout.write(`graph ${loaded.spec.name}: valid (${loaded.spec.steps.length} nodes)\n`);
      }
      await runWithReporting(loaded.spec, { ...loaded.options, baseDir: loaded.baseDir }, o);
    });
}
