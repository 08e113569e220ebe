/**
 * A runtime source over Avro files: Object Container Files (any codec) and
 * single-packet files holding one Confluent wire-format packet. Records are
 * read only as batches are pulled.
 */
import { open, readFile, rename, writeFile } from 'node:fs/promises';
import { AlertflowError, toErrorData } from '../errors.js';
import type { Source, SourceRecord } from '../runtime/types.js';
import type { Packet } from '../formats/types.js';
import { decodeBody } from '../formats/avro/body.js';
import { ownedCopy } from '../formats/avro/bytes.js';
import { ocfWriterSchema, toDecodedAlert } from '../formats/avro/decode-packet.js';
import { alertEventTime, peekEventTime } from '../formats/avro/event-time.js';
import { isOcf } from '../formats/avro/ocf/header.js';
import { OcfFileReader } from '../formats/avro/ocf/read-file.js';
import { skipperFor } from '../formats/avro/skip.js';
import { splitBlockPartly } from '../formats/avro/ocf/blocks.js';
import type { AlertSchema } from '../formats/avro/alert-schema.js';

/** Config of {@link createAvroFileSource}. */
export interface AvroFileSourceConfig {
  path: string | string[];
  /** Records per batch (default 256). */
  batchSize?: number;
  /** Records to skip at the start of each file (already committed). */
  startAt?: number;
  /** Persist committed offsets to `<path>.offset` and resume from them (default false). */
  checkpoint?: boolean;
  /** Bytes per file read (default 1 MiB). */
  chunkSize?: number;
}

async function readCheckpoint(path: string): Promise<number | undefined> {
  try {
    const n = Number((await readFile(`${path}.offset`, 'utf8')).trim());
    return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

async function sniff(path: string): Promise<Buffer> {
  try {
    const fh = await open(path, 'r');
    try {
      const head = Buffer.alloc(4);
      const { bytesRead } = await fh.read(head, 0, 4, 0);
      return head.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new AlertflowError('ERR_IO', `cannot read ${path}: ${(err as Error).message}`, { path }, { cause: err });
  }
}

/** Most bytes a dead letter for a whole unreadable file carries (the rest is cut off). */
const MAX_FILE_DEAD_LETTER_BYTES = 16 << 20;

async function* ocfRecords(path: string, start: number, chunkSize: number | undefined, readers: Set<OcfFileReader>): AsyncGenerator<SourceRecord<Packet>> {
  let reader: OcfFileReader;
  let writer: ReturnType<typeof ocfWriterSchema>;
  try {
    reader = await OcfFileReader.open(path, chunkSize === undefined ? {} : { chunkSize });
  } catch (err) {
    if (!isDataError(err) || start > 0) throw err;
    yield await wholeFileFailed(path, err);
    return;
  }
  readers.add(reader);
  try {
    try {
      writer = ocfWriterSchema(reader.header);
    } catch (err) {
      if (!isDataError(err) || start > 0) throw err;
      yield await wholeFileFailed(path, err);
      return;
    }
    const { schema, builtIn } = writer;
    const skip = skipperFor(schema.type);
    for await (const item of reader.blocksOrDamage()) {
      if ('kind' in item) {
        if (item.index >= start) yield failedRecord(path, item.index, located(path, item.index, item.error), item.bytes);
        continue;
      }
      const { bodies, error, rest } = splitBlockPartly(item, skip);
      for (let i = 0; i < bodies.length; i++) {
        const index = item.firstIndex + i;
        if (index >= start) yield recordOf(path, index, ownedCopy(bodies[i]!), schema, builtIn);
      }
      const index = item.firstIndex + bodies.length;
      if (error && index >= start) yield failedRecord(path, index, located(path, index, error), ownedCopy(rest!));
    }
  } finally {
    readers.delete(reader);
    await reader.close();
  }
}

/** One record: raw (decoded later, maybe in a worker) for built-in schemas, else decoded here. */
function recordOf(path: string, index: number, bytes: Uint8Array, schema: AlertSchema, builtIn: boolean): SourceRecord<Packet> {
  const position = { partition: path, offset: index };
  if (builtIn) {
    const eventTime = peekEventTime(schema.survey, schema.type, bytes);
    return { value: { kind: 'raw', bytes, writerSchema: schema.name }, position, bytes, ...(eventTime === undefined ? {} : { eventTime }) };
  }
  let alert: Record<string, unknown>;
  try {
    alert = decodeBody(schema.type, bytes);
  } catch (err) {
    if (!isDataError(err)) throw err;
    return failedRecord(path, index, located(path, index, err), bytes);
  }
  const eventTime = alertEventTime(schema.survey, alert);
  return { value: toDecodedAlert(schema, alert), position, bytes, ...(eventTime === undefined ? {} : { eventTime }) };
}

function located(path: string, index: number, err: AlertflowError): AlertflowError {
  return new AlertflowError(err.code, `${path} record ${index}: ${err.message}`, { ...err.details, path, record: index }, { cause: err });
}

/** A file whose header or writer schema is unreadable: one dead letter with (the start of) its bytes. */
async function wholeFileFailed(path: string, err: AlertflowError): Promise<SourceRecord<Packet>> {
  let bytes: Uint8Array = new Uint8Array(0);
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(Math.min((await fh.stat()).size, MAX_FILE_DEAD_LETTER_BYTES));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      bytes = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch {
    // unreadable as well: the dead letter goes out without bytes
  }
  return failedRecord(path, 0, err, bytes);
}

const DATA_ERRORS = new Set([
  'ERR_OCF_HEADER',
  'ERR_OCF_SYNC',
  'ERR_OCF_CODEC',
  'ERR_AVRO_TRUNCATED',
  'ERR_AVRO_DECODE',
  'ERR_AVRO_TRAILING_BYTES',
  'ERR_FORMAT_UNKNOWN',
  'ERR_SCHEMA_INVALID',
  'ERR_SCHEMA_UNKNOWN',
]);

function isDataError(err: unknown): err is AlertflowError {
  return err instanceof AlertflowError && DATA_ERRORS.has(err.code);
}

function failedRecord(path: string, offset: number, err: AlertflowError, bytes: Uint8Array = new Uint8Array(0)): SourceRecord<Packet> {
  return { value: { kind: 'raw', bytes }, position: { partition: path, offset }, bytes, error: toErrorData(err) };
}

/**
 * Creates the source. Positions are `{ partition: path, offset: recordIndex }`.
 * OCF records whose writer schema is a built-in schema come out as RawPackets
 * (`writerSchema` set, decoded later, maybe in a worker); others are decoded
 * here with the embedded writer schema. A single-packet file yields one
 * wire-format RawPacket.
 *
 * @example
 * const src = createAvroFileSource({ path: ['a.avro', 'b.avro'], batchSize: 500 });
 * for await (const batch of src.batches(AbortSignal.timeout(60_000))) …
 */
export function createAvroFileSource(config: AvroFileSourceConfig): Source<Packet> {
  const paths = Array.isArray(config.path) ? config.path : [config.path];
  if (paths.length === 0 || paths.some((p) => typeof p !== 'string' || p === '')) {
    throw new AlertflowError('ERR_STEP_CONFIG', 'avro-file source: path must be a non-empty string or array of strings');
  }
  const batchSize = config.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new AlertflowError('ERR_STEP_CONFIG', 'avro-file source: batchSize must be a positive integer');
  const readers = new Set<OcfFileReader>();

  async function* records(path: string, start: number): AsyncGenerator<SourceRecord<Packet>> {
    const head = await sniff(path);
    if (isOcf(head)) {
      yield* ocfRecords(path, start, config.chunkSize, readers);
      return;
    }
    // Anything else is taken as one wire-format packet; the decode step dead-letters
    // it with a precise code (empty, wrong magic byte, unknown schema id, …).
    if (start > 0) return;
    const bytes = new Uint8Array(await readFile(path));
    yield { value: { kind: 'raw', bytes }, position: { partition: path, offset: 0 }, bytes };
  }

  return {
    async *batches(signal) {
      for (const path of paths) {
        const start = (config.checkpoint ? await readCheckpoint(path) : undefined) ?? config.startAt ?? 0;
        let batch: SourceRecord<Packet>[] = [];
        let nextOffset = start;
        try {
          for await (const rec of records(path, start)) {
            if (signal.aborted) return;
            batch.push(rec);
            nextOffset = rec.position.offset + 1;
            if (batch.length >= batchSize) {
              yield batch;
              batch = [];
            }
          }
        } catch (err) {
          // Damage inside a file is reported record by record above; what still lands
          // here is data that cannot be framed at all: a dead letter, and on to the next file.
          if (!isDataError(err)) throw err;
          batch.push(failedRecord(path, nextOffset, err));
        }
        if (batch.length > 0 && !signal.aborted) yield batch;
      }
    },
    async commit(next) {
      if (!config.checkpoint) return;
      for (const [path, offset] of next) {
        if (!paths.includes(path)) continue;
        const tmp = `${path}.offset.tmp`;
        await writeFile(tmp, `${offset}\n`);
        await rename(tmp, `${path}.offset`);
      }
    },
    async close() {
      await Promise.all([...readers].map((r) => r.close().catch(() => undefined)));
      readers.clear();
    },
  };
}
