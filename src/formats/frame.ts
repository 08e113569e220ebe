/**
 * Frames packets the way each survey puts them on Kafka: Rubin as Confluent
 * wire format (magic byte, schema id, body); ZTF and Roman, which have no
 * registry id, as a one-record Object Container File carrying its schema.
 */
import { AlertflowError, toErrorData } from '../errors.js';
import type { BatchFn, RecordResult } from '../runtime/types.js';
import type { Packet } from './types.js';
import { requireBuiltInSchema } from './avro/builtin.js';
import { encodeBody } from './avro/body.js';
import { encodeWire } from './avro/wire.js';
import { encodeOcf } from './avro/ocf/write.js';
import { getBuiltInSchema } from './avro/builtin.js';

/**
 * The Kafka message bytes of a packet.
 *
 * @example
 * producer.produce(topic, null, Buffer.from(frameForKafka(packet)));
 */
export function frameForKafka(packet: Packet): Uint8Array {
  if (packet.kind === 'raw') {
    if (!packet.writerSchema) return packet.bytes; // already wire format
    return frameBody(packet.writerSchema, packet.bytes);
  }
  if (packet.raw) return frameForKafka(packet.raw);
  const name = packet.survey === 'ztf' ? 'ztf 4.02' : packet.schema;
  const schema = getBuiltInSchema(name);
  if (!schema) throw new AlertflowError('ERR_SCHEMA_UNKNOWN', `no built-in schema "${packet.schema}" to encode this alert with`, { schema: packet.schema });
  return frameBody(schema.name, encodeBody(schema.type, packet.alert));
}

function frameBody(schemaName: string, body: Uint8Array): Uint8Array {
  const schema = requireBuiltInSchema(schemaName);
  return schema.id !== undefined ? encodeWire(schema.id, body) : encodeOcf(schema.json, [body], { codec: 'null' });
}

/**
 * The `frame` batch step: packets in, Kafka message bytes out.
 *
 * @example
 * graph('replay').source('in', 'avro-file', { path }).step('frame', 'frame').sink('out', 'kafka', { brokers, topic })
 */
export function createFrameStep(): BatchFn<Packet, Uint8Array> {
  return (batch) =>
    batch.map((packet): RecordResult<Uint8Array> => {
      try {
        return { ok: true, out: [frameForKafka(packet)] };
      } catch (err) {
        return { ok: false, error: toErrorData(err) };
      }
    });
}
