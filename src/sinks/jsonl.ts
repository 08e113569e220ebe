/**
 * JSON Lines sink. Bigints print exactly, byte fields as a summary (or
 * base64). With an idempotency key (the sink step's `key`) a record whose key
 * is already in the file is skipped, so a replay after a crash adds no
 * duplicates; a line torn by a crash is cut off when the file is reopened.
 */
import { mkdirSync, existsSync, openSync, readSync, fstatSync, ftruncateSync, closeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { stringifyExact, type BytesMode } from '../formats/avro/json.js';
import { AlertflowError } from '../errors.js';
import type { Sink, SinkRecord } from '../runtime/types.js';

export interface JsonlSinkConfig {
  path: string;
  /** How byte fields are written: `summary` (default) or `base64`. */
  bytes?: BytesMode;
  /** fsync after every batch (slower; survives power loss, not only process death). */
  fsync?: boolean;
  /** Top-level fields left out of each line (e.g. `raw`, a packet carried for another sink). */
  omit?: string[];
}

/**
 * @example
 * const sink = createJsonlSink({ path: 'out/summary.jsonl' });
 * await sink.write([{ value: { id: 1n }, position: { partition: 'p', offset: 0 } }]);
 * await sink.close();
 */
export function createJsonlSink(config: Record<string, unknown> | JsonlSinkConfig): Sink {
  const c = config as JsonlSinkConfig;
  if (typeof c.path !== 'string' || c.path === '') throw new AlertflowError('ERR_STEP_CONFIG', 'jsonl sink needs "path"');
  const path = resolve(c.path);
  const bytes: BytesMode = c.bytes ?? 'summary';
  const omit = new Set(c.omit ?? []);
  let handle: FileHandle | undefined;
  let seen: Set<string> | undefined;
  let opening: Promise<void> | undefined;

  const openFile = async (withKeys: boolean): Promise<void> => {
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) {
      cutTornLine(path);
      if (withKeys) seen = await readKeys(path);
    }
    handle = await open(path, 'a');
  };

  return {
    async write(batch: SinkRecord[]): Promise<void> {
      const withKeys = batch.some((r) => r.key !== undefined);
      await (opening ??= openFile(withKeys));
      if (withKeys) seen ??= new Set();
      let text = '';
      for (const record of batch) {
        if (record.key !== undefined) {
          if (seen!.has(record.key)) continue;
          seen!.add(record.key);
        }
        text += stringifyExact(lineValue(record, omit), { bytes }) + '\n';
      }
      if (text === '') return;
      await handle!.write(text);
      if (c.fsync) await handle!.sync();
    },
    describe: () => path,
    async close(): Promise<void> {
      if (opening) await opening.catch(() => {});
      await handle?.close();
      handle = undefined;
    },
  };
}

/** What one line holds: the record (a decoded alert without its raw bytes) and its key. */
function lineValue(record: SinkRecord, omit: ReadonlySet<string>): unknown {
  let value = record.value as any;
  if (value && typeof value === 'object' && value.kind === 'alert') value = { survey: value.survey, schema: value.schema, alert: value.alert };
  if (omit.size > 0 && value && typeof value === 'object' && !Array.isArray(value)) value = Object.fromEntries(Object.entries(value).filter(([k]) => !omit.has(k)));
  if (record.key === undefined) return value;
  return value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array) ? { key: record.key, ...value } : { key: record.key, value };
}

/** A crash mid-write can leave a last line without its newline: drop it. */
function cutTornLine(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return;
    const chunk = Buffer.alloc(Math.min(size, 1 << 20));
    let end = size;
    for (;;) {
      const start = Math.max(0, end - chunk.length);
      const n = readSync(fd, chunk, 0, end - start, start);
      if (end === size && chunk[n - 1] === 0x0a) return;
      const nl = chunk.subarray(0, n).lastIndexOf(0x0a);
      if (nl >= 0) return ftruncateSync(fd, start + nl + 1);
      if (start === 0) return ftruncateSync(fd, 0);
      end = start;
    }
  } finally {
    closeSync(fd);
  }
}

async function readKeys(path: string): Promise<Set<string>> {
  const keys = new Set<string>();
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    // Keys are strings, so JSON.parse keeps them exact even for 64-bit ids.
    const m = /^\{"key":("(?:[^"\\]|\\.)*")/.exec(line);
    if (m) keys.add(JSON.parse(m[1]) as string);
  }
  return keys;
}
