/**
 * `alertflow archive`: packs alerts from Avro files or a Kafka topic into one
 * delivery tarball per period (seed 000: Avro alerts rolled up into periodic
 * tarballs for MAST, because Kafka expires them), optionally with the
 * period's Parquet products from a DuckDB candidate store.
 * `alertflow verify-archive`: checks tarballs against their manifests.
 */
import type { Command } from 'commander';
import { AlertflowError } from '../../errors.js';
import { graph } from '../../runtime/builder.js';
import type { GraphSpec } from '../../runtime/graph.js';
import { runGraph, type RunResult } from '../../runtime/executor.js';
import { isKnownType } from '../../runtime/registry.js';
import type { Sink } from '../../runtime/types.js';
import type { OcfCodecName } from '../../formats/avro/ocf/codecs.js';
import type { ArchiverConfig, ArchiverStats, ClosedPeriod } from '../../archive/archiver.js';
import { parsePeriod } from '../../archive/period.js';
import { verifyArchive } from '../../archive/verify.js';
import { createTarArchiveSink } from '../../sinks/tar-archive.js';
import { runWithReporting } from './run.js';

/** Where the alerts come from: files, or a topic. */
export type ArchiveInput = { files: string[] } | { brokers: string; topic: string; groupId?: string; untilCaughtUp?: boolean };

/**
 * The archive graph: source → decode → tar-archive. The sink is `external`
 * (its instance passed to runGraph) until `tar-archive` is registered.
 *
 * @example
 * archiveGraph({ files: ['night.avro'] }, { dir: 'deliveries', period: 'night' })
 */
export function archiveGraph(input: ArchiveInput, archive: ArchiverConfig): GraphSpec {
  const g = graph('archive');
  if ('files' in input) g.source('in', 'avro-file', { path: input.files, batchSize: 256 });
  else g.source('in', 'kafka', { brokers: input.brokers, topic: input.topic, groupId: input.groupId ?? 'alertflow-archive', untilCaughtUp: input.untilCaughtUp === true });
  g.step('decode', 'decode', {}, { pool: true });
  const type = isKnownType('sink', 'tar-archive') ? 'tar-archive' : 'external';
  g.sink('archive', type, { ...archive });
  return g.build();
}

/** Options of {@link runArchive}. */
export interface RunArchiveOptions {
  input: ArchiveInput;
  archive: ArchiverConfig;
  /** DuckDB candidate store: write the period's Parquet products into each delivery folder. */
  db?: string;
  dbPrefix?: string;
  /** CLI-style reporting (run summary on stderr, progress bar unless `progress` is false); off for library use. */
  report?: boolean;
  progress?: boolean;
  deadLetters?: string;
  /** Worker threads for decoding (default 0: in-process). Output is identical either way. */
  threads?: number;
}

/** What {@link runArchive} did. */
export interface RunArchiveResult {
  run: RunResult;
  closed: ClosedPeriod[];
  stats: ArchiverStats;
  /** Parquet files written, by period key. */
  parquet: Record<string, string[]>;
}

/**
 * Runs the archive graph to the end of its input and closes every period.
 *
 * @example
 * const r = await runArchive({ input: { files: ['night.avro'] }, archive: { dir: 'out', period: '1h' } });
 * r.closed.map((c) => `${c.path}: ${c.count}`);
 */
export async function runArchive(o: RunArchiveOptions): Promise<RunArchiveResult> {
  const sink = await createTarArchiveSink(o.archive);
  const spec = archiveGraph(o.input, o.archive);
  const sinks = { archive: sink as Sink };
  let run: RunResult;
  if (o.report) {
    run = await runWithReporting(spec, { sinks, threads: o.threads ?? 0 }, { progress: o.progress !== false, ...(o.deadLetters ? { deadLetters: o.deadLetters } : {}) });
  } else {
    const { createJsonlSink } = await import('../../sinks/jsonl.js');
    const deadLetterSink = createJsonlSink({ path: o.deadLetters ?? `${o.archive.dir}/dead-letters.jsonl`, bytes: 'base64' }) as Sink<never>;
    run = await runGraph(spec, { sinks, threads: o.threads ?? 0, deadLetterSink }).done;
  }
  const closed = sink.archiver.closed;
  const parquet: Record<string, string[]> = {};
  if (o.db) {
    const { openDuckdb } = await import('../../stores/duckdb/connection.js');
    const { exportPeriodParquet } = await import('../../archive/parquet-delivery.js');
    const db = await openDuckdb(o.db);
    try {
      for (const c of closed) {
        const r = await exportPeriodParquet(db, c.period, `${o.archive.dir}/${c.period.key}`, o.dbPrefix ? { prefix: o.dbPrefix } : {});
        parquet[c.period.key] = Object.values(r).map((x) => x.path);
      }
    } finally {
      await db.close();
    }
  }
  return { run, closed, stats: sink.archiver.stats, parquet };
}

interface ArchiveCliOptions {
  input?: string[];
  brokers?: string;
  topic?: string;
  group?: string;
  untilCaughtUp?: boolean;
  out: string;
  period: string;
  graceMinutes?: string;
  alertsPerFile?: string;
  codec?: string;
  db?: string;
  dbPrefix?: string;
  deadLetters?: string;
  fsync?: boolean;
  progress?: boolean;
  threads?: string;
}

function usage(message: string): AlertflowError {
  return new AlertflowError('ERR_CLI_USAGE', message);
}

function toConfig(o: ArchiveCliOptions): { input: ArchiveInput; archive: ArchiverConfig } {
  const hasFiles = (o.input?.length ?? 0) > 0;
  const hasKafka = o.brokers !== undefined || o.topic !== undefined;
  if (hasFiles === hasKafka) throw usage('give either --input FILE... or --brokers and --topic');
  if (hasKafka && (!o.brokers || !o.topic)) throw usage('--brokers and --topic go together');
  parsePeriod(o.period);
  const archive: ArchiverConfig = { dir: o.out, period: o.period };
  if (o.graceMinutes !== undefined) {
    const m = Number(o.graceMinutes);
    if (!(m >= 0)) throw usage(`--grace-minutes must be a number >= 0 (got ${o.graceMinutes})`);
    archive.graceMs = m * 60_000;
  }
  if (o.alertsPerFile !== undefined) {
    const n = Number(o.alertsPerFile);
    if (!Number.isInteger(n) || n < 1) throw usage(`--alerts-per-file must be a positive integer (got ${o.alertsPerFile})`);
    archive.alertsPerFile = n;
  }
  if (o.codec) archive.codec = o.codec as OcfCodecName;
  if (o.fsync === false) archive.fsync = false;
  const input: ArchiveInput = hasFiles
    ? { files: o.input! }
    : { brokers: o.brokers!, topic: o.topic!, ...(o.group ? { groupId: o.group } : {}), untilCaughtUp: o.untilCaughtUp === true };
  return { input, archive };
}

/** Registers `archive` and `verify-archive`. */
export function registerArchiveCommand(program: Command): void {
  program
    .command('archive')
    .description('Pack alerts into one delivery tarball per period (Avro container files + manifest.json with sha256 of every member)')
    .option('--input <files...>', 'Avro container files or single-packet files')
    .option('--brokers <list>', 'Kafka bootstrap servers (with --topic)')
    .option('--topic <topic>', 'Kafka topic to archive')
    .option('--group <id>', 'consumer group (default alertflow-archive)')
    .option('--until-caught-up', 'stop once the topic has been read to its end (cron-style runs)')
    .requiredOption('--out <dir>', 'output directory: one delivery folder per period')
    .requiredOption('--period <p>', '"night" (Rubin dayObs: 12:00 UTC to 12:00 UTC, named by the evening\'s date) or "<N>h" (UTC bins of N hours)')
    .option('--grace-minutes <m>', 'close a period once alerts this far past its end arrive (default 60 for night, else min(60, N·15))')
    .option('--alerts-per-file <n>', 'alerts per Avro container file inside a tarball', '1000')
    .option('--codec <codec>', 'container-file codec: null or deflate', 'null')
    .option('--db <file.duckdb>', 'candidate store: also write diaSource/diaObject/matches/lightcurves Parquet into each delivery folder')
    .option('--db-prefix <prefix>', 'table-name prefix of the candidate store')
    .option('--dead-letters <file>', 'JSONL file for packets that cannot be decoded', 'dead-letters.jsonl')
    .option('--threads <n>', 'worker threads for decoding (0 = in-process)', '0')
    .option('--no-progress', 'no progress bar')
    .option('--no-fsync', 'do not fsync spooled batches before acknowledging them (faster, loses the crash guarantee)')
    .addHelpText('after', [
      '',
      'Each tarball is written to <name>.partial and renamed when complete; a crash never leaves a half tarball',
      'under its final name. Rerunning over the same input is idempotent: a period whose tarball exists is merged',
      'with the new alerts (de-duplicated by diaSourceId) and left untouched when nothing changed.',
      '',
      'Examples:',
      '  alertflow archive --input night.avro --out deliveries --period night',
      '  alertflow archive --brokers 127.0.0.1:19092 --topic alerts --until-caught-up --out deliveries --period 6h --db l1.duckdb',
    ].join('\n'))
    .action(async (o: ArchiveCliOptions) => {
      const { input, archive } = toConfig(o);
      const threads = Number(o.threads ?? 0);
      if (!Number.isInteger(threads) || threads < 0) throw usage(`--threads must be a non-negative integer (got ${o.threads})`);
      const r = await runArchive({ input, archive, report: true, progress: o.progress !== false, threads, ...(o.db ? { db: o.db } : {}), ...(o.dbPrefix ? { dbPrefix: o.dbPrefix } : {}), ...(o.deadLetters ? { deadLetters: o.deadLetters } : {}) });
      for (const c of r.closed) process.stdout.write(`${c.path}\t${c.count} alerts\t${c.unchanged ? 'unchanged' : 'written'}\n`);
      for (const [key, files] of Object.entries(r.parquet)) process.stdout.write(`${key}: ${files.length} Parquet files\n`);
      const s = r.stats;
      process.stdout.write(`archive: ${s.alertsIn} alerts in, ${s.duplicates} duplicates, ${s.tarballsWritten} tarballs written, ${s.tarballsUnchanged} unchanged\n`);
    });

  program
    .command('verify-archive')
    .description('Check delivery tarballs against their manifest.json (member sha256, sizes, counts)')
    .argument('<tarballs...>', 'tarballs written by alertflow archive')
    .option('--deep', 'also read every container file and check its record count')
    .action(async (paths: string[], o: { deep?: boolean }) => {
      let bad = 0;
      for (const p of paths) {
        const r = await verifyArchive(p, { deep: o.deep === true });
        process.stdout.write(r.ok ? `${p}: ok (${r.manifest?.count ?? 0} alerts, ${r.manifest?.members.length ?? 0} members)\n` : `${p}: FAILED\n${r.problems.map((x) => `  ${x}`).join('\n')}\n`);
        if (!r.ok) bad++;
      }
      if (bad > 0) process.exitCode = 1;
    });
}
