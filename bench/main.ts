/**
 * The bench runner: `node dist/bench/main.js <name> [options]`.
 *
 * Each bench is a module `bench/<name>.ts` exporting `run(options)`; add one
 * by adding a file and a line to {@link BENCHES}. The report (machine, seeded
 * inputs, every figure, ratios) is printed as JSON on stdout and written to
 * `bench/results/<name>.json` (or `--out`); progress goes to stderr.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { machineInfo } from './lib/machine.js';
import { resultsDir } from './lib/paths.js';
import type { BenchEntry, BenchOptions } from './lib/types.js';

/** The benches, loaded lazily so that `decode` never loads node-rdkafka. */
const BENCHES: Record<string, BenchEntry> = {
  decode: {
    summary: 'Rubin v11 packet decode: in-process, worker pool (1, 2 threads), full executor graph, vs Python fastavro',
    defaultAlerts: 5000,
    load: () => import('./decode.js'),
  },
  kafka: {
    summary: 'Kafka: produce and replay, then consume with kcat vs our KafkaSource vs the full graph (and a Python peer)',
    defaultAlerts: 5000,
    load: () => import('./kafka.js'),
  },
  operators: {
    summary: 'associate (40k vs 1M) vs astropy, forced photometry vs photutils, HEALPix vs healpy/cdshealpix, filterExtendedness alerts/s',
    defaultAlerts: 2000,
    load: () => import('./operators.js'),
  },
  pool: {
    summary: 'the worker pool on a CPU-heavy chain (cutouts: gzip FITS + zscale PNG) at 0, 1, 2 threads vs the ideal and Python astropy + Pillow',
    defaultAlerts: 10000,
    load: () => import('./pool.js'),
  },
  storage: {
    summary: 'DuckDB ingest vs DuckDB Parquet load; HATS export vs the Python peer (ALERTFLOW_BENCH_HATS_ROWS, default 10M); night append vs re-import',
    defaultAlerts: 0,
    load: () => import('./storage.js'),
  },
};

const HELP = `Usage: node dist/bench/main.js <name> [options]   (or: npm run bench -- <name> [options])

Benches:
${Object.entries(BENCHES)
  .map(([name, b]) => `  ${name.padEnd(10)} ${b.summary}`)
  .join('\n')}

Options:
  --alerts N        seeded alerts to generate (default 5000)
  --seed S          simulator seed (default 1)
  --repeat R        timed rounds; each round runs every mode once, figures are medians (default 3)
  --batch-size B    records per batch for step and pool runs (default 256, the executor's default)
  --partitions P    Kafka topic partitions (kafka bench, default 1)
  --out FILE        where to write the JSON report (default bench/results/<name>.json)
  -h, --help        show this help

Inputs are cached in bench/results/cache/ by seed and count, so re-runs skip the simulator.
The kafka bench uses ALERTFLOW_KAFKA_BROKERS when set, else starts (and stops) a local broker.
Peers that are missing (kcat, the Python venv, ../shared schemas) are recorded as skipped, not fatal.
`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer (got ${value})`);
  return n;
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        alerts: { type: 'string' },
        seed: { type: 'string' },
        repeat: { type: 'string' },
        'batch-size': { type: 'string' },
        partitions: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    process.stdout.write(HELP);
    return values.help ? 0 : 2;
  }
  const name = positionals[0]!;
  const entry = BENCHES[name];
  if (!entry || positionals.length > 1) {
    process.stderr.write(`${entry ? `unexpected argument ${positionals[1]}` : `unknown bench "${name}"`}\n\n${HELP}`);
    return 2;
  }
  let options: BenchOptions;
  try {
    options = {
      alerts: positiveInt('alerts', values.alerts, entry.defaultAlerts),
      // A seed of 0 is valid for the simulator.
      seed: values.seed === undefined ? 1 : Number.isInteger(Number(values.seed)) && Number(values.seed) >= 0 ? Number(values.seed) : NaN,
      repeat: positiveInt('repeat', values.repeat, 3),
      batchSize: positiveInt('batch-size', values['batch-size'], 256),
      partitions: positiveInt('partitions', values.partitions, 1),
    };
    if (Number.isNaN(options.seed)) throw new UsageError(`--seed must be a non-negative integer (got ${values.seed})`);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 2;
  }

  const machine = machineInfo();
  const startedAt = new Date().toISOString();
  const bench = await entry.load();
  const report = await bench.run(options);
  const out = values.out ? resolve(values.out) : join(resultsDir(), `${name}.json`);
  // Load at the end too: a figure measured while the load rose is worth doubting.
  const json = JSON.stringify({ bench: name, startedAt, finishedAt: new Date().toISOString(), machine, loadAverageAtEnd: machineInfo().loadAverage, options, ...report }, null, 2);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, json + '\n');
  process.stdout.write(json + '\n');
  process.stderr.write(`[bench] wrote ${out}\n`);
  // A run that stopped early still wrote its report, but must not look like a success to a script.
  return 'error' in report.results ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
