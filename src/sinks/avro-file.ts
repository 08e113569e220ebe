/**
 * A runtime sink that writes DecodedAlerts into one Object Container File.
 * Output goes to `<path>.partial`, renamed to `<path>` on close, so a crash
 * never leaves a half-written file under the final name.
 */
import { rename } from 'node:fs/promises';
import { AlertflowError } from '../errors.js';
import type { Sink, SinkRecord } from '../runtime/types.js';
import type { DecodedAlert } from '../formats/types.js';
import type { AlertSchema } from '../formats/avro/alert-schema.js';
import { encodeBody } from '../formats/avro/body.js';
import { requireBuiltInSchema } from '../formats/avro/builtin.js';
import type { OcfCodecName } from '../formats/avro/ocf/codecs.js';
import { OcfFileWriter } from '../formats/avro/ocf/write.js';
import { parseWire } from '../formats/avro/wire.js';

/** Config of {@link createAvroFileSink}. */
export interface AvroFileSinkConfig {
  path: string;
  /** Built-in schema name (default: the schema of the first record). */
  schema?: string;
  codec?: OcfCodecName;
  /** Uncompressed bytes per block (default 1 MiB); each write() also ends a block. */
  blockSize?: number;
}

/** Body bytes to write: the packet's own bytes when they use the file's schema. */
function bodyOf(a: DecodedAlert, schema: AlertSchema): Uint8Array {
  const raw = a.raw;
  if (raw?.writerSchema === schema.name) return raw.bytes;
  if (raw && raw.writerSchema === undefined && schema.id !== undefined && raw.bytes[0] === 0) {
    try {
      const { id, body } = parseWire(raw.bytes);
      if (id === schema.id) return body;
    } catch {
      // not a usable wire packet: fall through and encode
    }
  }
  return encodeBody(schema.type, a.alert);
}

/**
 * Creates the sink. `write` resolves once the batch's bytes are written to
 * the OS; `close` finishes and renames the file.
 *
 * @example
 * const sink = createAvroFileSink({ path: 'out.avro', codec: 'deflate' });
 * await sink.write([{ value: alert, position: { partition: 'a', offset: 0 } }]);
 * await sink.close();
 */
export function createAvroFileSink(config: AvroFileSinkConfig): Sink<DecodedAlert> {
  if (typeof config.path !== 'string' || config.path === '') throw new AlertflowError('ERR_STEP_CONFIG', 'avro-file sink: path must be a non-empty string');
  const partial = `${config.path}.partial`;
  let schema: AlertSchema | undefined = config.schema ? requireBuiltInSchema(config.schema) : undefined;
  let writer: Promise<OcfFileWriter> | undefined;
  let queue: Promise<void> = Promise.resolve();
  let closed = false;

  const getWriter = (s: AlertSchema): Promise<OcfFileWriter> =>
    (writer ??= OcfFileWriter.create(partial, s.json, { ...(config.codec ? { codec: config.codec } : {}), ...(config.blockSize ? { blockSize: config.blockSize } : {}) }));

  async function writeBatch(batch: SinkRecord<DecodedAlert>[]): Promise<void> {
    if (batch.length === 0) return;
    schema ??= requireBuiltInSchema(batch[0]!.value.schema);
    const w = await getWriter(schema);
    for (const rec of batch) {
      if (rec.value?.kind !== 'alert') throw new AlertflowError('ERR_AVRO_ENCODE', 'avro-file sink accepts decoded alerts only', { position: rec.position });
      await w.append(bodyOf(rec.value, schema));
    }
    await w.flush();
  }

  return {
    write(batch) {
      if (closed) return Promise.reject(new AlertflowError('ERR_SHUTDOWN', 'avro-file sink is closed'));
      // Serialise writes so blocks never interleave.
      const p = queue.then(() => writeBatch(batch));
      queue = p.catch(() => undefined);
      return p;
    },
    describe: () => config.path,
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      if (!writer && schema) getWriter(schema);
      if (!writer) return;
      await (await writer).close();
      await rename(partial, config.path);
    },
  };
}
