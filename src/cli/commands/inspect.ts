/**
 * `alertflow inspect FILE...`: one JSON object per packet on stdout, with
 * `survey`, `schema` and the decoded fields (bytes summarised). Bad packets
 * are reported on stderr with their code; the rest are still printed, and
 * the exit status is non-zero at the end if any packet was bad.
 */
import type { Command } from 'commander';
import { graph } from '../../runtime/builder.js';
import { runGraph, type DeadLetter } from '../../runtime/executor.js';
import type { Sink, SinkRecord } from '../../runtime/types.js';
import type { DecodedAlert } from '../../formats/types.js';
import { createAvroFileSource } from '../../sources/avro-file.js';
import { stringifyExact, type BytesMode } from '../../formats/avro/json.js';

interface InspectOptions {
  bytes: BytesMode;
  schemaDir?: string;
  registry?: string;
}

/** A sink writing each alert as one JSON line to a stream. */
function alertLines(out: NodeJS.WritableStream, bytes: BytesMode): Sink<DecodedAlert> {
  return {
    async write(batch: SinkRecord<DecodedAlert>[]) {
      let text = '';
      for (const { value } of batch) text += stringifyExact({ survey: value.survey, schema: value.schema, ...value.alert }, { bytes }) + '\n';
      if (!out.write(text)) await new Promise((r) => out.once('drain', r));
    },
    describe: () => 'stdout',
    async close() {},
  };
}

/** A dead-letter sink that reports each bad packet on stderr. */
function reportBadPackets(err: NodeJS.WritableStream): Sink<DeadLetter> {
  return {
    async write(batch) {
      for (const { value: d } of batch) {
        const where = d.offset > 0 ? `${d.partition} record ${d.offset}` : d.partition;
        err.write(`inspect: ${where}: ${d.code}: ${d.message}\n`);
      }
    },
    describe: () => 'stderr',
    async close() {},
  };
}

export function registerInspectCommand(program: Command): void {
  program
    .command('inspect')
    .description('Print every alert packet in Avro container files or single wire-format packets as JSON lines (survey, schema, fields)')
    .argument('<files...>', 'Avro Object Container Files (any number of records) or files holding one Confluent wire-format packet')
    .option('--bytes <mode>', 'byte fields (cutouts) as "summary" {"bytes": n, "format": …} or "base64"', 'summary')
    .option('--schema-dir <dir>', 'extra writer schemas: <dir>/<id>.avsc or <dir>/<major>.<minor>/*.avsc')
    .option('--registry <url>', 'Confluent-compatible schema registry for unknown schema ids')
    .addHelpText('after', '\nThe schema is found by itself: container files carry theirs; wire packets name a schema id\n(Rubin: major*100+minor) resolved from --schema-dir, the built-in schemas, then --registry.\nExit status: 0 when every packet decoded, 1 when any was bad (each reported on stderr).')
    .action(async (files: string[], o: InspectOptions) => {
      const spec = graph('inspect')
        .source('files', 'external')
        .step('decode', 'decode', { ...(o.schemaDir ? { schemaDir: o.schemaDir } : {}), ...(o.registry ? { registryUrl: o.registry } : {}), keepRaw: false })
        .sink('stdout', 'external')
        .build();
      const result = await runGraph(spec, {
        threads: 0,
        sources: { files: createAvroFileSource({ path: files, batchSize: 16 }) },
        sinks: { stdout: alertLines(process.stdout, o.bytes) as Sink },
        deadLetterSink: reportBadPackets(process.stderr),
        batchSize: 16,
      }).done;
      if (result.metrics.deadLetters > 0) {
        process.stderr.write(`inspect: ${result.metrics.deadLetters} bad packet(s), ${result.metrics.recordsOut} printed\n`);
        process.exitCode = 1;
      }
    });
}
