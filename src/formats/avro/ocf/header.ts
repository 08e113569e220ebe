/**
 * Object Container File header: magic `Obj\x01`, a metadata map (bytes
 * values; `avro.schema`, `avro.codec`) and a 16-byte sync marker.
 */
import { AlertflowError } from '../../../errors.js';
import { readVarint, writeVarint } from '../varint.js';
import type { AvroSchemaJson } from '../schemas/schema-json.js';

/** The four magic bytes every container file starts with. */
export const OCF_MAGIC: Buffer = Buffer.from([0x4f, 0x62, 0x6a, 0x01]);
/** Length of the sync marker. */
export const SYNC_SIZE = 16;

/** A parsed container header. */
export interface OcfHeader {
  /** Writer schema as parsed JSON. */
  schemaJson: AvroSchemaJson;
  codec: string;
  sync: Buffer;
  meta: Record<string, Buffer>;
  /** Byte length of the header (offset of the first block). */
  size: number;
}

/**
 * True when `bytes` start with the container magic.
 *
 * @example
 * if (isOcf(bytes)) …
 */
export function isOcf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x4f && bytes[1] === 0x62 && bytes[2] === 0x6a && bytes[3] === 0x01;
}

function bad(message: string, details: Record<string, unknown> = {}, cause?: unknown): AlertflowError {
  return new AlertflowError('ERR_OCF_HEADER', message, details, cause === undefined ? undefined : { cause });
}

/**
 * Parses a header at the start of `buf`. Returns undefined when `buf` ends
 * before the header does (read more and retry). Throws ERR_OCF_HEADER on a
 * bad magic or metadata, ERR_OCF_CODEC is left to the caller.
 *
 * @example
 * const h = parseOcfHeader(fileBytes); // h.codec === 'deflate'
 */
export function parseOcfHeader(buf: Uint8Array): OcfHeader | undefined {
  if (buf.length < 4) return undefined;
  if (!isOcf(buf)) throw bad('not an Avro Object Container File (bad magic)');
  const meta: Record<string, Buffer> = {};
  let pos = 4;
  for (;;) {
    let r = readVarint(buf, pos);
    if (!r) return undefined;
    let count = r[0];
    pos = r[1];
    if (count === 0) break;
    if (count < 0) {
      count = -count;
      r = readVarint(buf, pos);
      if (!r) return undefined;
      pos = r[1];
    }
    for (let i = 0; i < count; i++) {
      const parts: Buffer[] = [];
      for (let j = 0; j < 2; j++) {
        r = readVarint(buf, pos);
        if (!r) return undefined;
        if (r[0] < 0) throw bad('negative length in header metadata');
        pos = r[1];
        if (pos + r[0] > buf.length) return undefined;
        parts.push(Buffer.from(buf.buffer, buf.byteOffset + pos, r[0]));
        pos += r[0];
      }
      meta[parts[0]!.toString('utf8')] = Buffer.from(parts[1]!);
    }
  }
  if (pos + SYNC_SIZE > buf.length) return undefined;
  const sync = Buffer.from(buf.subarray(pos, pos + SYNC_SIZE));
  pos += SYNC_SIZE;
  const schemaBytes = meta['avro.schema'];
  if (!schemaBytes) throw bad('container header has no avro.schema');
  let schemaJson: AvroSchemaJson;
  try {
    schemaJson = JSON.parse(schemaBytes.toString('utf8')) as AvroSchemaJson;
  } catch (err) {
    throw bad('container header schema is not valid JSON', {}, err);
  }
  const codec = meta['avro.codec']?.toString('utf8') || 'null';
  return { schemaJson, codec, sync, meta, size: pos };
}

/**
 * Encodes a header.
 *
 * @example
 * const head = encodeOcfHeader(schemaJson, 'snappy', randomBytes(16));
 */
export function encodeOcfHeader(schemaJson: object, codec: string, sync: Uint8Array, extraMeta: Record<string, Uint8Array> = {}): Buffer {
  const entries: [string, Uint8Array][] = [
    ['avro.schema', Buffer.from(JSON.stringify(schemaJson), 'utf8')],
    ['avro.codec', Buffer.from(codec, 'utf8')],
    ...Object.entries(extraMeta),
  ];
  const parts: Uint8Array[] = [OCF_MAGIC, writeVarint(entries.length)];
  for (const [k, v] of entries) {
    const key = Buffer.from(k, 'utf8');
    parts.push(writeVarint(key.length), key, writeVarint(v.length), v);
  }
  parts.push(writeVarint(0), sync);
  return Buffer.concat(parts);
}
