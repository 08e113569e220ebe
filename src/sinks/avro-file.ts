/**
 * A runtime sink that writes DecodedAlerts into one Object Container File.
 * Output goes to `<path>.partial`, renamed to `<path>` on close, so a crash
 * never leaves a half-written file under the final name.
 */
import { rename } from 'node:fs/promises';
import { AlertflowError } from '../errors.js';
import type { Sink, SinkRecord } from '../runtime/types.js';
import type { DecodedAlert, RawPacket } from '../formats/types.js';
import type { AlertSchema } from '../formats/avro/alert-schema.js';
import { encodeBody } from '../formats/avro/body.js';
import { builtInById, requireBuiltInSchema } from '../formats/avro/builtin.js';
import type { OcfCodecName } from '../formats/avro/ocf/codecs.js';
import { OcfFileWriter } from '../formats/avro/ocf/write.js';
import { bodyInSchema, parseWire } from '../formats/avro/wire.js';

/** Config of {@link createAvroFileSink}. */
export interface AvroFileSinkConfig {
  path: string;
  /** Built-in schema name (default: the schema of the first record). */
  schema?: string;
  codec?: OcfCodecName;
  /** Uncompressed bytes per block (default 1 MiB); each write() also ends a block. */
  blockSize?: number;
}

/**
 * The packet a record carries: a decoded alert, raw packet bytes, or any
 * record with a `raw` packet field (a summary row carrying its packet from a
 * worker, so that the decoded alert never has to cross back).
 */
function packetOf(value: unknown): DecodedAlert | RawPacket | undefined {
  const v = value as { kind?: unknown; raw?: { kind?: unknown } } | null;
  if (v?.kind === 'alert') return v as DecodedAlert;
  if (v?.kind === 'raw') return v as RawPacket;
  if (v?.raw?.kind === 'raw') return v.raw as RawPacket;
  return undefined;
}

/** Schema of a packet: its own name, or the built-in schema its wire id names. */
function schemaNameOf(p: DecodedAlert | RawPacket): string {
  if (p.kind === 'alert') return p.schema;
  if (p.writerSchema) return p.writerSchema;
  const { id } = parseWire(p.bytes);
  const known = builtInById(id);
  if (!known) throw new AlertflowError('ERR_SCHEMA_UNKNOWN', `no built-in schema with wire id ${id}`, { id });
  return known.name;
}

/** Body bytes to write: the packet's own bytes when they use the file's schema. */
function bodyOf(p: DecodedAlert | RawPacket, schema: AlertSchema): Uint8Array {
  if (p.kind === 'raw') {
    const body = bodyInSchema(p, schema);
    if (!body) throw new AlertflowError('ERR_AVRO_ENCODE', `raw packet of ${p.writerSchema ?? 'another wire schema'} cannot go into a ${schema.name} file without decoding`, { schema: schema.name });
    return body;
  }
  return bodyInSchema(p.raw, schema) ?? encodeBody(schema.type, p.alert);
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
export function createAvroFileSink(config: AvroFileSinkConfig): Sink {
  if (typeof config.path !== 'string' || config.path === '') throw new AlertflowError('ERR_STEP_CONFIG', 'avro-file sink: path must be a non-empty string');
  const partial = `${config.path}.partial`;
  let schema: AlertSchema | undefined = config.schema ? requireBuiltInSchema(config.schema) : undefined;
  let writer: Promise<OcfFileWriter> | undefined;
  let queue: Promise<void> = Promise.resolve();
  let closed = false;

  const getWriter = (s: AlertSchema): Promise<OcfFileWriter> =>
    (writer ??= OcfFileWriter.create(partial, s.json, { ...(config.codec ? { codec: config.codec } : {}), ...(config.blockSize ? { blockSize: config.blockSize } : {}) }));

  async function writeBatch(batch: SinkRecord[]): Promise<void> {
    if (batch.length === 0) return;
    const packets = batch.map((rec) => {
      const p = packetOf(rec.value);
      if (!p) throw new AlertflowError('ERR_AVRO_ENCODE', 'avro-file sink takes decoded alerts, raw packets, or records with a `raw` packet', { position: rec.position });
      return p;
    });
    schema ??= requireBuiltInSchema(schemaNameOf(packets[0]!));
    const w = await getWriter(schema);
    for (const p of packets) await w.append(bodyOf(p, schema));
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
