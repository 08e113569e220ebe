/**
 * Confluent wire format: byte 0 is the magic 0, bytes 1–4 a big-endian schema
 * id, then a schemaless Avro body.
 */
import { AlertflowError } from '../../errors.js';
import type { RawPacket } from '../types.js';
import type { AlertSchema, SchemaResolver } from './alert-schema.js';
import { decodeBody } from './body.js';

/** Size of the magic byte plus schema id. */
export const WIRE_HEADER_SIZE = 5;

/**
 * Prefixes a body with the wire header.
 *
 * @example
 * const packet = encodeWire(1100, encodeBody(type, alert));
 */
export function encodeWire(id: number, body: Uint8Array): Buffer {
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new AlertflowError('ERR_AVRO_ENCODE', `bad schema id ${id}`, { schemaId: id });
  const out = Buffer.allocUnsafe(WIRE_HEADER_SIZE + body.length);
  out[0] = 0;
  out.writeUInt32BE(id, 1);
  out.set(body, WIRE_HEADER_SIZE);
  return out;
}

/**
 * Splits a wire packet into schema id and body (a view, no copy).
 * Throws ERR_WIRE_EMPTY, ERR_WIRE_MAGIC or ERR_WIRE_TRUNCATED.
 *
 * @example
 * const { id, body } = parseWire(packet); // id === 900
 */
export function parseWire(bytes: Uint8Array): { id: number; body: Uint8Array } {
  if (bytes.length === 0) throw new AlertflowError('ERR_WIRE_EMPTY', 'packet is empty');
  if (bytes[0] !== 0) throw new AlertflowError('ERR_WIRE_MAGIC', `packet starts with byte ${bytes[0]}, not the magic byte 0`, { firstByte: bytes[0] });
  if (bytes.length < WIRE_HEADER_SIZE) throw new AlertflowError('ERR_WIRE_TRUNCATED', `packet has ${bytes.length} bytes, fewer than the 5-byte header`, { length: bytes.length });
  const id = ((bytes[1]! << 24) >>> 0) + (bytes[2]! << 16) + (bytes[3]! << 8) + bytes[4]!;
  return { id, body: bytes.subarray(WIRE_HEADER_SIZE) };
}

/**
 * The schemaless body of `raw` when it was written with `schema`: its bytes
 * as they are (a container-file record of that schema), or the body of a wire
 * packet whose id is the schema's. Undefined when the packet must be re-encoded.
 *
 * @example
 * const body = bodyInSchema(decoded.raw, schema) ?? encodeBody(schema.type, decoded.alert);
 */
export function bodyInSchema(raw: RawPacket | undefined, schema: AlertSchema): Uint8Array | undefined {
  if (raw?.writerSchema === schema.name) return raw.bytes;
  if (raw && raw.writerSchema === undefined && schema.id !== undefined && raw.bytes[0] === 0) {
    try {
      const { id, body } = parseWire(raw.bytes);
      if (id === schema.id) return body;
    } catch {
      // not a usable wire packet: the caller encodes instead
    }
  }
  return undefined;
}

/**
 * Decodes a wire packet, resolving its writer schema.
 *
 * @example
 * const { schema, value } = await decodeWire(packet, builtInResolver());
 */
export async function decodeWire<T = Record<string, unknown>>(bytes: Uint8Array, resolver: SchemaResolver): Promise<{ schema: AlertSchema; value: T }> {
  const { id, body } = parseWire(bytes);
  const schema = resolver.resolveSync?.(id) ?? (await resolver.resolve(id));
  return { schema, value: decodeBody<T>(schema.type, body) };
}

/**
 * Synchronous {@link decodeWire} for resolvers that can answer from memory;
 * ERR_SCHEMA_UNKNOWN when they cannot.
 *
 * @example
 * const { value } = decodeWireSync(packet, builtInResolver());
 */
export function decodeWireSync<T = Record<string, unknown>>(bytes: Uint8Array, resolver: SchemaResolver): { schema: AlertSchema; value: T } {
  const { id, body } = parseWire(bytes);
  const schema = resolver.resolveSync?.(id);
  if (!schema) throw new AlertflowError('ERR_SCHEMA_UNKNOWN', `schema id ${id} is not known here`, { schemaId: id });
  return { schema, value: decodeBody<T>(schema.type, body) };
}
