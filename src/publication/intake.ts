/**
 * Intake of prompt-output messages as an alertflow graph:
 *
 *   source (`kafka` topic, or `prompt-output-files` directory)
 *     -> step `prompt-output-parse` (one record per dataset; a bad message is a dead letter)
 *     -> sink `publication-state` (INSERT … ON CONFLICT DO NOTHING, one transaction per batch)
 *
 * The runtime commits a message's offset only after the sink has acked
 * every dataset derived from it, and the sink acks after COMMIT, so a
 * message is committed only once its rows are in the state database
 * (at-least-once). A redelivered message inserts nothing: rows are keyed by
 * dataset id.
 */
import { join } from 'node:path';
import { AlertflowError, toErrorData } from '../errors.js';
import { graph } from '../runtime/builder.js';
import type { GraphSpec } from '../runtime/graph.js';
import type { BatchFn, RecordResult, Sink, SinkRecord } from '../runtime/types.js';
import { parsePromptOutput } from './messages.js';
import { PublicationDb, type NewDataset } from './state-db.js';

/** Where intake reads messages from. */
export type IntakeSource =
  | { kind: 'kafka'; brokers: string; topic: string; groupId: string; untilCaughtUp?: boolean; extraConfig?: Record<string, string | number | boolean> }
  | { kind: 'files'; dir: string; checkpoint?: string; follow?: boolean; pollMs?: number };

/**
 * The intake graph spec (plain JSON), for a state database at `dbPath`.
 *
 * @example
 * const spec = intakeGraph({ kind: 'files', dir: 'messages' }, 'pps/state.duckdb', 'pps/dead-letters.jsonl');
 * await runGraph(spec, { threads: 0 }).done;
 */
export function intakeGraph(source: IntakeSource, dbPath: string, deadLetters = join('.', 'publication-dead-letters.jsonl')): GraphSpec {
  const b = graph('prompt-publication-intake');
  if (source.kind === 'kafka') {
    const { kind: _k, ...cfg } = source;
    b.source('prompt-output', 'kafka', { ...cfg, valueFormat: 'packet' });
  } else {
    const { kind: _k, ...cfg } = source;
    b.source('prompt-output', 'prompt-output-files', cfg);
  }
  return b
    .step('parse', 'prompt-output-parse', {})
    .sink('state-db', 'publication-state', { path: dbPath }, { key: 'dataset_id' })
    .deadLetters('jsonl', { path: deadLetters, bytes: 'base64' })
    .build();
}

const bytesOf = (v: unknown): Uint8Array | string | unknown => {
  if (v instanceof Uint8Array || typeof v === 'string') return v;
  if (v && typeof v === 'object' && (v as { kind?: string }).kind === 'raw') return (v as { bytes: Uint8Array }).bytes;
  return v;
};

/**
 * The `prompt-output-parse` batch step: a message (Kafka RawPacket, Buffer,
 * string or parsed JSON) in, one dataset row out per listed dataset.
 *
 * @example
 * const parse = createPromptOutputParseStep({});
 * parse([{ kind: 'raw', bytes }]) // [{ ok: true, out: [{ dataset_id, … }, …] }]
 */
export function createPromptOutputParseStep(_config: Record<string, unknown> = {}): BatchFn<unknown, NewDataset> {
  return (batch) =>
    batch.map((value): RecordResult<NewDataset> => {
      try {
        return { ok: true, out: parsePromptOutput(bytesOf(value)) };
      } catch (err) {
        return { ok: false, error: toErrorData(err) };
      }
    });
}

/** Config of the `publication-state` sink. */
export interface PublicationStateSinkConfig {
  /** The state database file. */
  path: string;
}

/** The `publication-state` sink, with counts of what it received and inserted. */
export interface PublicationStateSink extends Sink<NewDataset> {
  totals(): { received: number; inserted: number };
}

/**
 * Creates the sink. Given `db` (an open database, e.g. the service's), it
 * writes through it and does not close it; otherwise it opens `config.path`.
 *
 * @example
 * const sink = await createPublicationStateSink({ path: 'pps/state.duckdb' });
 */
export async function createPublicationStateSink(
  config: Record<string, unknown> | PublicationStateSinkConfig,
  db?: PublicationDb,
  now: () => number = Date.now,
  /** Called after each committed batch (before the runtime acks it). */
  onWrite: () => void = () => {},
): Promise<PublicationStateSink> {
  const c = config as PublicationStateSinkConfig;
  let own = false;
  if (!db) {
    if (typeof c.path !== 'string' || c.path === '') throw new AlertflowError('ERR_STEP_CONFIG', 'publication-state sink needs "path" (the state .duckdb file)');
    db = await PublicationDb.open(c.path);
    own = true;
  }
  const target = db;
  const totals = { received: 0, inserted: 0 };
  return {
    totals: () => ({ ...totals }),
    async write(batch: SinkRecord<NewDataset>[]): Promise<void> {
      if (batch.length === 0) return;
      const inserted = await target.insertDatasets(
        batch.map((r) => r.value),
        now(),
      );
      totals.received += batch.length;
      totals.inserted += inserted.length;
      onWrite();
    },
    describe: () => `${target.handle.path} (datasets)`,
    close: async () => {
      if (own) await target.close();
    },
  };
}
