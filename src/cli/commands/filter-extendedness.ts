/**
 * `alertflow filter-extendedness FILE...`: runs the seed-001 extendedness
 * filter over Rubin packets (container files or single wire packets) and
 * prints one CSV line per packet:
 * `diaSourceId,pass|fail,median,min,max,ssSource`. With `--out`, the
 * passing packets are also written to an Object Container File in their
 * own schema (their original bytes, not re-encoded, when possible).
 */
import type { Command } from 'commander';
import { AlertflowError, isAlertflowError } from '../../errors.js';
import { graph } from '../../runtime/builder.js';
import { runGraph, type DeadLetter } from '../../runtime/executor.js';
import type { Sink, SinkRecord } from '../../runtime/types.js';
import type { DecodedAlert } from '../../formats/types.js';
import { csvCell } from '../../formats/avro/json.js';
import { getBuiltInSchema } from '../../formats/avro/builtin.js';
import { createAvroFileSource } from '../../sources/avro-file.js';
import { createAvroFileSink } from '../../sinks/avro-file.js';
import { evaluateExtendedness, resolveExtendednessConfig, type ExtendednessConfig } from '../../filters/extendedness.js';

interface Options {
  medianMin?: string;
  medianMax?: string;
  minThreshold?: string;
  maxThreshold?: string;
  requireSssource?: boolean;
  excludeSssource?: boolean;
  out?: string;
  header?: boolean;
  schemaDir?: string;
  registry?: string;
}

/** The CSV columns, in order. @example FILTER_COLUMNS.join(',') */
export const FILTER_COLUMNS = ['diaSourceId', 'result', 'median', 'min', 'max', 'ssSource'] as const;

function usage(message: string): AlertflowError {
  return new AlertflowError('ERR_CLI_USAGE', `filter-extendedness: ${message}`);
}

function number(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw usage(`${flag} needs a finite number, got "${v}"`);
  return n;
}

/**
 * Turns command-line options into a filter config; ERR_CLI_USAGE when
 * they are wrong (exactly one of --require-sssource / --exclude-sssource).
 *
 * @example
 * configFromOptions({ medianMin: '0.5', excludeSssource: true }) // { medianMin: 0.5, requireSsSource: false }
 */
export function configFromOptions(o: Options): ExtendednessConfig {
  if (Boolean(o.requireSssource) === Boolean(o.excludeSssource)) throw usage('give exactly one of --require-sssource or --exclude-sssource');
  const cfg: ExtendednessConfig = { requireSsSource: Boolean(o.requireSssource) };
  const pairs: [keyof Options, keyof ExtendednessConfig, string][] = [['medianMin', 'medianMin', '--median-min'], ['medianMax', 'medianMax', '--median-max'], ['minThreshold', 'minThreshold', '--min-threshold'], ['maxThreshold', 'maxThreshold', '--max-threshold']];
  for (const [opt, key, flag] of pairs) {
    const n = number(flag, o[opt] as string | undefined);
    if (n !== undefined) (cfg as unknown as Record<string, number>)[key] = n;
  }
  try {
    resolveExtendednessConfig(cfg);
  } catch (err) {
    throw usage((err as Error).message.replace(/^filter-extendedness: /, ''));
  }
  return cfg;
}

/** One CSV line of a verdict. */
function line(alert: Record<string, unknown>, v: ReturnType<typeof evaluateExtendedness>): string {
  const s = v.stats;
  return `${csvCell(alert['diaSourceId'])},${v.pass ? 'pass' : 'fail'},${csvCell(s.median)},${csvCell(s.min)},${csvCell(s.max)},${v.ssSource}\n`;
}

interface Reporter {
  bad: number;
  report(where: string, code: string, message: string): void;
}

/** The sink that evaluates, prints and (with --out) forwards passing packets. */
function verdictSink(cfg: ExtendednessConfig, out: NodeJS.WritableStream, errors: Reporter, outPath: string | undefined): Sink<DecodedAlert> {
  let file: Sink<DecodedAlert> | undefined;
  let fileSchema: string | undefined;
  const where = (r: SinkRecord<unknown>) => (r.position.offset > 0 ? `${r.position.partition} record ${r.position.offset}` : r.position.partition);
  return {
    async write(batch) {
      let text = '';
      const keep: SinkRecord<DecodedAlert>[] = [];
      for (const rec of batch) {
        try {
          const v = evaluateExtendedness(rec.value, cfg);
          text += line(rec.value.alert, v);
          if (!outPath) continue;
          // The output file takes the schema of the first packet read.
          if (!file) {
            if (!getBuiltInSchema(rec.value.schema)) throw new AlertflowError('ERR_SCHEMA_UNKNOWN', `--out needs a built-in schema; this packet uses ${rec.value.schema}`);
            fileSchema = rec.value.schema;
            file = createAvroFileSink({ path: outPath, schema: fileSchema });
          }
          if (!v.pass) continue;
          if (rec.value.schema !== fileSchema) throw new AlertflowError('ERR_AVRO_ENCODE', `passing packet uses ${rec.value.schema} but ${outPath} holds ${fileSchema}: not written`);
          keep.push(rec);
        } catch (err) {
          errors.report(where(rec), isAlertflowError(err) ? err.code : 'ERR_STEP_FAILED', (err as Error).message);
        }
      }
      if (text && !out.write(text)) await new Promise((r) => out.once('drain', r));
      if (file && keep.length > 0) await file.write(keep);
    },
    describe: () => 'stdout',
    async close() {
      await file?.close();
    },
  };
}

/**
 * Registers the command on the program.
 *
 * @example
 * registerFilterExtendednessCommand(program); // alertflow filter-extendedness --exclude-sssource alerts.avro
 */
export function registerFilterExtendednessCommand(program: Command): void {
  program
    .command('filter-extendedness')
    .description('Run the extendedness filter (seed 001) over Rubin alert packets; print diaSourceId,pass|fail,median,min,max,ssSource per packet')
    .argument('<files...>', 'Avro Object Container Files or files holding one Confluent wire-format packet (Rubin lsst.v9_0–v11_0)')
    .option('--median-min <x>', 'lowest median extendedness that passes', '0')
    .option('--median-max <x>', 'highest median extendedness that passes', '1')
    .option('--min-threshold <x>', 'every extendedness value must be ≥ this', '0')
    .option('--max-threshold <x>', 'every extendedness value must be ≤ this', '1')
    .option('--require-sssource', 'pass only alerts associated with a solar-system object')
    .option('--exclude-sssource', 'pass only alerts without a solar-system association')
    .option('--out <file.avro>', 'also write the passing packets to this container file (schema of the first packet; original bytes)')
    .option('--header', 'print a header line first')
    .option('--schema-dir <dir>', 'extra writer schemas: <dir>/<id>.avsc or <dir>/<major>.<minor>/*.avsc')
    .option('--registry <url>', 'Confluent-compatible schema registry for unknown schema ids')
    .addHelpText(
      'after',
      [
        '',
        'Statistics are over the extendedness of the diaSource and its prvDiaSources (nulls and NaN',
        'ignored; the median of an even count is the mean of the two middle values). A packet passes iff',
        'median-min ≤ median ≤ median-max, min ≥ min-threshold, max ≤ max-threshold, it has at least one',
        'value, and its solar-system status (non-zero diaSource.ssObjectId, or an ssSource / mpc_orbits /',
        'MPCORB record) is what --require-sssource / --exclude-sssource asks for.',
        'Output: one line per packet, diaSourceId exact, empty cells when there are no values.',
        'Exit status: 0 when every packet was read, 1 when any was bad (each reported on stderr with its',
        'code), 2 for usage errors.',
      ].join('\n'),
    )
    .action(async (files: string[], o: Options) => {
      const cfg = configFromOptions(o);
      const errors: Reporter = {
        bad: 0,
        report(where, code, message) {
          this.bad++;
          process.stderr.write(`filter-extendedness: ${where}: ${code}: ${message}\n`);
        },
      };
      const dead: Sink<DeadLetter> = {
        async write(batch) {
          for (const { value: d } of batch) errors.report(d.offset > 0 ? `${d.partition} record ${d.offset}` : d.partition, d.code, d.message);
        },
        async close() {},
      };
      const spec = graph('filter-extendedness')
        .source('files', 'external')
        .step('decode', 'decode', { ...(o.schemaDir ? { schemaDir: o.schemaDir } : {}), ...(o.registry ? { registryUrl: o.registry } : {}), keepRaw: o.out !== undefined })
        .sink('verdicts', 'external')
        .build();
      if (o.header) process.stdout.write(`${FILTER_COLUMNS.join(',')}\n`);
      await runGraph(spec, {
        threads: 0,
        sources: { files: createAvroFileSource({ path: files, batchSize: 64 }) },
        sinks: { verdicts: verdictSink(cfg, process.stdout, errors, o.out) as Sink },
        deadLetterSink: dead,
        batchSize: 64,
      }).done;
      if (errors.bad > 0) {
        process.stderr.write(`filter-extendedness: ${errors.bad} bad packet(s)\n`);
        process.exitCode = 1;
      }
    });
}
