/**
 * Recognises and decodes a packet: an Object Container File (`Obj\x01`) or a
 * Confluent wire-format packet (byte 0 = 0, schema id, body).
 */
import { AlertflowError } from '../../errors.js';
import type { DecodedAlert, RawPacket } from '../types.js';
import { typeFingerprint, type AlertSchema, type SchemaResolver } from './alert-schema.js';
import { decodeBody } from './body.js';
import { builtInByFingerprint } from './builtin.js';
import { ownedCopy } from './bytes.js';
import { createWriterSchema } from './detect.js';
import { writerTypeFromSchemas } from './load.js';
import { splitBlock } from './ocf/blocks.js';
import { isOcf, type OcfHeader } from './ocf/header.js';
import { readOcfBuffer } from './ocf/read-buffer.js';
import { skipperFor } from './skip.js';
import { parseWire } from './wire.js';

/** Options of {@link decodePacket}. */
export interface DecodePacketOptions {
  /** Keep the original bytes on the result as `raw` (default true). */
  keepRaw?: boolean;
  /** Body decoder (default: the full avsc decode); the decode step passes a projected one. */
  decode?: (schema: AlertSchema, body: Uint8Array) => Record<string, unknown>;
}

/**
 * Builds the DecodedAlert of a value; ZTF schema names come from the
 * record's `schemavsn` (e.g. `ztf 4.02`).
 *
 * @example
 * toDecodedAlert(schema, value, { kind: 'raw', bytes });
 */
export function toDecodedAlert(schema: AlertSchema, value: Record<string, unknown>, raw?: RawPacket): DecodedAlert {
  const name = schema.survey === 'ztf' && typeof value['schemavsn'] === 'string' ? `ztf ${value['schemavsn']}` : schema.name;
  return { kind: 'alert', survey: schema.survey, schema: name, alert: value, ...(raw ? { raw } : {}) };
}

/**
 * The writer schema of a container header: the built-in schema when the
 * canonical fingerprints match (`builtIn` true), else one built from the
 * header (field defaults ignored, survey and version recognised by structure).
 *
 * @example
 * const { schema, builtIn } = ocfWriterSchema(reader.header);
 */
export function ocfWriterSchema(header: OcfHeader): { schema: AlertSchema; builtIn: boolean } {
  const type = writerTypeFromSchemas(header.schemaJson);
  const known = builtInByFingerprint(typeFingerprint(type));
  if (known) return { schema: known, builtIn: true };
  return { schema: createWriterSchema(type, { json: header.schemaJson }), builtIn: false };
}

/**
 * Decodes every alert in a packet: one for a wire packet, all records for a
 * container file.
 *
 * @example
 * const alerts = await decodePackets(bytes, createResolver());
 */
export async function decodePackets(bytes: Uint8Array, resolver: SchemaResolver, opts: DecodePacketOptions = {}): Promise<DecodedAlert[]> {
  const keepRaw = opts.keepRaw ?? true;
  const decode = opts.decode ?? ((schema: AlertSchema, body: Uint8Array) => decodeBody<Record<string, unknown>>(schema.type, body));
  if (isOcf(bytes)) {
    const { header, blocks } = readOcfBuffer(bytes);
    const { schema, builtIn } = ocfWriterSchema(header);
    const skip = skipperFor(schema.type);
    const out: DecodedAlert[] = [];
    for (const block of blocks) {
      for (const body of splitBlock(block, skip)) {
        const value = decode(schema, body);
        const raw: RawPacket | undefined = keepRaw && builtIn ? { kind: 'raw', bytes: ownedCopy(body), writerSchema: schema.name } : undefined;
        out.push(toDecodedAlert(schema, value, raw));
      }
    }
    return out;
  }
  const { id, body } = parseWire(bytes);
  const schema = resolver.resolveSync?.(id) ?? (await resolver.resolve(id));
  const value = decode(schema, body);
  return [toDecodedAlert(schema, value, keepRaw ? { kind: 'raw', bytes } : undefined)];
}

/**
 * Decodes a packet holding exactly one alert (a wire packet or a one-record
 * container file). Throws typed errors: ERR_WIRE_*, ERR_SCHEMA_UNKNOWN,
 * ERR_AVRO_*, ERR_OCF_*, and ERR_FORMAT_UNKNOWN for a container with ≠ 1 record.
 *
 * @example
 * const { survey, schema, alert } = await decodePacket(bytes, builtInResolver());
 */
export async function decodePacket(bytes: Uint8Array, resolver: SchemaResolver, opts: DecodePacketOptions = {}): Promise<DecodedAlert> {
  const all = await decodePackets(bytes, resolver, opts);
  if (all.length !== 1) {
    throw new AlertflowError('ERR_FORMAT_UNKNOWN', `container file holds ${all.length} records; use decodePackets`, { records: all.length });
  }
  return all[0]!;
}
