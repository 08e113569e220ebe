/**
 * `alertflow replay FILE --brokers B --topic T`: puts a recorded alert stream
 * on a Kafka topic, framed as the survey does (Rubin: Confluent wire format;
 * ZTF and Roman: one-record container files), at the recorded cadence, a
 * fixed rate or full speed.
 */
import type { Command } from 'commander';
import { graph } from '../../runtime/builder.js';
import { parsePace } from '../../runtime/paced.js';
import { runWithReporting } from './run.js';

export interface ReplayOptions {
  brokers: string;
  topic: string;
  rate?: string;
  cadence?: string;
  compression?: string;
  progress?: boolean;
  deadLetters?: string;
}

/**
 * The replay graph: file → frame → Kafka.
 *
 * @example
 * replayGraph(['night.avro'], { brokers: '127.0.0.1:9092', topic: 'alerts' })
 */
export function replayGraph(files: string[], o: { brokers: string; topic: string; compression?: string }) {
  return graph('replay')
    .source('file', 'avro-file', { path: files, batchSize: 64 })
    .step('frame', 'frame')
    .sink('kafka', 'kafka', { brokers: o.brokers, topic: o.topic, compression: o.compression ?? 'none' })
    .build();
}

export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description('Replay recorded alerts from Avro files onto a Kafka topic at the original cadence, a fixed rate, or full speed')
    .argument('<files...>', 'Avro container files or single-packet files')
    .requiredOption('--brokers <list>', 'Kafka bootstrap servers, e.g. 127.0.0.1:9092')
    .requiredOption('--topic <topic>', 'topic to produce to')
    .option('--rate <perSecond>', 'alerts per second')
    .option('--cadence <mode>', '"original" (by alert time), a speed-up such as "60x", or "full" (default)')
    .option('--compression <codec>', 'none, snappy, lz4, zstd or gzip', 'none')
    .option('--dead-letters <file>', 'JSONL file for packets that cannot be framed', 'dead-letters.jsonl')
    .option('--no-progress', 'no progress bar')
    .action(async (files: string[], o: ReplayOptions) => {
      const pace = parsePace(o.rate, o.cadence);
      await runWithReporting(replayGraph(files, o), { pace, threads: 0 }, { progress: o.progress !== false, ...(o.deadLetters ? { deadLetters: o.deadLetters } : {}) });
    });
}
