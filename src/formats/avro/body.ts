/**
 * Schemaless Avro bodies: decode with exact consumption checks, encode with
 * typed errors.
 */
import type avro from 'avsc';
import { AlertflowError } from '../../errors.js';
import { asBuffer } from './bytes.js';
import { skipperFor } from './skip.js';

/**
 * Decodes one value that must use up all of `bytes`.
 * Throws ERR_AVRO_TRUNCATED, ERR_AVRO_DECODE or ERR_AVRO_TRAILING_BYTES.
 *
 * @example
 * const alert = decodeBody(schema.type, body);
 */
export function decodeBody<T = unknown>(type: avro.Type, bytes: Uint8Array): T {
  const buf = asBuffer(bytes);
  checkFraming(type, buf);
  let res: { value: unknown; offset: number };
  try {
    res = type.decode(buf, 0);
  } catch (err) {
    throw new AlertflowError('ERR_AVRO_DECODE', `corrupt Avro body: ${(err as Error).message}`, { length: buf.length }, { cause: err });
  }
  if (res.offset < 0) throw new AlertflowError('ERR_AVRO_TRUNCATED', 'Avro body ends before the record does', { length: buf.length });
  if (res.offset !== buf.length) {
    throw new AlertflowError('ERR_AVRO_TRAILING_BYTES', `Avro body has ${buf.length - res.offset} bytes after the record`, {
      consumed: res.offset,
      length: buf.length,
    });
  }
  return res.value as T;
}

/**
 * Walks the body with the safe skipper before avsc decodes it: avsc reads
 * as many array items as a (corrupt) count says, which can mean billions of
 * records read past the end of the buffer. Decoding is only started on a
 * body whose counts and lengths fit in it.
 */
function checkFraming(type: avro.Type, buf: Buffer): void {
  const end = skipperFor(type)(buf, 0);
  if (end > buf.length) throw new AlertflowError('ERR_AVRO_TRUNCATED', 'Avro body ends before the record does', { length: buf.length });
  if (end !== buf.length) {
    throw new AlertflowError('ERR_AVRO_TRAILING_BYTES', `Avro body has ${buf.length - end} bytes after the record`, { consumed: end, length: buf.length });
  }
}

/**
 * Encodes one value as a schemaless body. Throws ERR_AVRO_ENCODE when the
 * value does not match the schema.
 *
 * @example
 * const body = encodeBody(schema.type, alert);
 */
export function encodeBody(type: avro.Type, value: unknown): Buffer {
  try {
    return type.toBuffer(value);
  } catch (err) {
    const paths: string[] = [];
    type.isValid(value, { errorHook: (p: string[]) => void paths.push(p.join('.')) });
    throw new AlertflowError('ERR_AVRO_ENCODE', `value does not match schema ${type.name ?? ''}: ${(err as Error).message}`, {
      invalidPaths: paths.slice(0, 10),
    }, { cause: err });
  }
}
