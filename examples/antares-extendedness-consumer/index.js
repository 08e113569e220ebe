/**
 * Seed 001 as an alertflow graph: Rubin alerts from an Avro file or a Kafka
 * topic → decode → the extendedness filter → daily CSV files and FITS
 * cutouts. Run it with
 *
 *   alertflow run examples/antares-extendedness-consumer --input night.avro --out lsst_alerts --exclude-sssource
 *   alertflow run examples/antares-extendedness-consumer --brokers host:9092 --topic T --out lsst_alerts --exclude-sssource --until-caught-up
 *
 * Plain ESM JavaScript, so that it runs without a build step of its own; it
 * imports alertflow by its package name (a self-reference inside the
 * repository, node_modules/alertflow elsewhere). See README.md.
 *
 * @example
 * import consumer from './index.js';
 * const spec = consumer(['--input', 'night.avro', '--out', 'out', '--exclude-sssource']);
 */
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { AlertflowError } from 'alertflow';
import { graph, isKnownType } from 'alertflow/runtime';
import { EXTENDEDNESS_FIELDS } from 'alertflow/filters';
import { SEED001_FIELDS } from 'alertflow/sinks';

/**
 * What the filter and the sink read; decode builds these and skips the rest
 * of each packet (most of a Rubin alert is history columns nobody here reads).
 */
const CONSUMER_FIELDS = [...EXTENDEDNESS_FIELDS, ...SEED001_FIELDS];

/** The usage text printed by --help. */
export const USAGE = `Usage: alertflow run examples/antares-extendedness-consumer [run options] (--input FILE.avro... | --brokers B --topic T) --out DIR (--require-sssource | --exclude-sssource) [options]

Reads Rubin alerts (lsst.v9_0 to v11_0), keeps those that pass the seed-001 extendedness
filter, and writes DIR/data/lsst_alerts_YYYYMMDD.csv (one row per passing alert, keyed by
diaSourceId: reruns add no duplicates) and DIR/cutouts/<diaSourceId>_<science|template|difference>_<YYYYMMDD_HHMMSS>.fits.

Input (one of):
  --input <file>           Avro container file or single wire-format packet (repeatable); ends at end of file
  --brokers <list>         Kafka bootstrap servers (host:port,...)
  --topic <topic>          Kafka topic of Confluent wire-format packets
  --group <id>             consumer group (default lsst-alert-consumer)
  --until-caught-up        read what is new, commit and exit (cron); without it the consumer runs until SIGINT/SIGTERM
  --from-latest            a new group starts at the end of the topic (default: the beginning)
  --kafka-option <k=v>     extra librdkafka setting, e.g. security.protocol=SASL_SSL (repeatable)
  --schema-dir <dir>       extra writer schemas (<dir>/<id>.avsc or <dir>/<major>.<minor>/*.avsc)
  --registry <url>         Confluent-compatible schema registry for unknown schema ids

Filter (alert passes iff median-min <= median <= median-max, min >= min-threshold, max <= max-threshold):
  --median-min <x>         default 0
  --median-max <x>         default 1
  --min-threshold <x>      default 0
  --max-threshold <x>      default 1
  --require-sssource       pass only alerts associated with a solar-system object
  --exclude-sssource       pass only alerts without a solar-system association

Output:
  --out <dir>              output folder (required)
  --date-from <when>       "processing" (default: UTC time of writing, as seed 001) or "observation"
                           (midpointMjdTai - 37 s: deterministic names for replays) for file days and cutout names
  --absolute-paths         cutout paths in the CSV are absolute (default: relative to --out, e.g. cutouts/1_science_...)
  --fsync                  fsync rows and cutouts before committing (survives power loss)
  -h, --help               print this help

Dead letters (undecodable packets) go to DIR/dead-letters.jsonl unless alertflow run --dead-letters says otherwise.`;

const OPTIONS = {
  input: { type: 'string', multiple: true },
  brokers: { type: 'string' },
  topic: { type: 'string' },
  group: { type: 'string', default: 'lsst-alert-consumer' },
  'until-caught-up': { type: 'boolean' },
  'from-latest': { type: 'boolean' },
  'kafka-option': { type: 'string', multiple: true },
  'schema-dir': { type: 'string' },
  registry: { type: 'string' },
  'median-min': { type: 'string' },
  'median-max': { type: 'string' },
  'min-threshold': { type: 'string' },
  'max-threshold': { type: 'string' },
  'require-sssource': { type: 'boolean' },
  'exclude-sssource': { type: 'boolean' },
  out: { type: 'string' },
  'date-from': { type: 'string', default: 'processing' },
  'absolute-paths': { type: 'boolean' },
  fsync: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const usage = (message) => new AlertflowError('ERR_CLI_USAGE', `antares-extendedness-consumer: ${message} (see --help)`);

function number(flag, v) {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw usage(`${flag} needs a finite number, got "${v}"`);
  return n;
}

/**
 * Parses the example's arguments into a plain options object; ERR_CLI_USAGE when they are wrong.
 *
 * @example
 * parseConsumerArgs(['--input', 'a.avro', '--out', 'o', '--exclude-sssource']).filter // { requireSsSource: false }
 */
export function parseConsumerArgs(argv) {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw usage(err.message);
  }
  if (values.help) return { help: true };
  const kafka = values.brokers !== undefined || values.topic !== undefined;
  if ((values.input !== undefined) === kafka) throw usage('give either --input FILE or --brokers and --topic');
  if (kafka && (!values.brokers || !values.topic)) throw usage('Kafka input needs both --brokers and --topic');
  if (!kafka && (values['until-caught-up'] || values['from-latest'] || values['kafka-option'])) throw usage('--until-caught-up, --from-latest and --kafka-option are for Kafka input');
  if (!values.out) throw usage('--out DIR is required');
  if (Boolean(values['require-sssource']) === Boolean(values['exclude-sssource'])) throw usage('give exactly one of --require-sssource or --exclude-sssource');
  if (values['date-from'] !== 'processing' && values['date-from'] !== 'observation') throw usage(`--date-from is "processing" or "observation", got "${values['date-from']}"`);
  const filter = { requireSsSource: Boolean(values['require-sssource']) };
  for (const [flag, key] of [['median-min', 'medianMin'], ['median-max', 'medianMax'], ['min-threshold', 'minThreshold'], ['max-threshold', 'maxThreshold']]) {
    const n = number(`--${flag}`, values[flag]);
    if (n !== undefined) filter[key] = n;
  }
  const extraConfig = {};
  for (const kv of values['kafka-option'] ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw usage(`--kafka-option needs KEY=VALUE, got "${kv}"`);
    extraConfig[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return {
    help: false,
    input: values.input?.map((p) => resolve(p)),
    kafka: kafka ? { brokers: values.brokers, topic: values.topic, groupId: values.group, untilCaughtUp: Boolean(values['until-caught-up']), fromBeginning: !values['from-latest'], ...(Object.keys(extraConfig).length ? { extraConfig } : {}) } : undefined,
    decode: { ...(values['schema-dir'] ? { schemaDir: resolve(values['schema-dir']) } : {}), ...(values.registry ? { registryUrl: values.registry } : {}) },
    filter,
    sink: { out: resolve(values.out), dateFrom: values['date-from'], paths: values['absolute-paths'] ? 'absolute' : 'relative', fsync: Boolean(values.fsync) },
  };
}

/**
 * A compiled alertflow module that has no subpath export, as an absolute
 * file URL. Found through the package's own package.json, so it works inside
 * the repository and from node_modules alike; needed only while the types
 * below are not registered in the runtime.
 */
function moduleUrl(relative) {
  return new URL(relative, import.meta.resolve('alertflow/package.json')).href;
}

/** The filter step: the registered type when there is one, else the module exporting its factory. */
function filterStep(filter) {
  if (isKnownType('step', 'filter-extendedness')) return ['filter-extendedness', filter];
  return ['module', { ...filter, module: import.meta.resolve('alertflow/filters'), export: 'createFilterExtendednessStep' }];
}

function sinkStep(sink) {
  if (isKnownType('sink', 'seed001-csv')) return ['seed001-csv', sink];
  return ['module', { ...sink, module: moduleUrl('./dist/src/sinks/seed001-csv.js'), export: 'createSeed001CsvSink' }];
}

/**
 * The graph for the given arguments. `--help` prints the usage and exits 0.
 *
 * @example
 * const spec = consumerGraph(parseConsumerArgs(['--input', 'night.avro', '--out', 'out', '--exclude-sssource']));
 */
export function consumerGraph(o) {
  const [filterType, filterConfig] = filterStep(o.filter);
  const [sinkType, sinkConfig] = sinkStep(o.sink);
  const g = graph('antares-extendedness-consumer');
  if (o.kafka) g.source('alerts', 'kafka', o.kafka);
  else g.source('alerts', 'avro-file', { path: o.input });
  return g
    // Decode, filter and row-making fuse into one worker task: only rows and stamps of passing alerts cross back.
    .step('decode', 'decode', { ...o.decode, fields: CONSUMER_FIELDS, keepRaw: false }, { pool: true })
    .step('extendedness', filterType, filterConfig, { pool: true })
    .step('row', 'seed001-row', {}, { pool: true })
    .sink('csv', sinkType, sinkConfig, { key: 'diaSourceId' })
    .deadLetters('jsonl', { path: join(o.sink.out, 'dead-letters.jsonl'), bytes: 'base64' })
    .build();
}

/** What `alertflow run` calls with the arguments after the folder name. */
export default function antaresExtendednessConsumer(argv) {
  const o = parseConsumerArgs(argv);
  if (o.help) {
    // Synchronous, so that nothing is lost when the process exits right after.
    writeSync(1, `${USAGE}\n`);
    process.exit(0);
  }
  return consumerGraph(o);
}
