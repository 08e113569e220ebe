/**
 * Data blocks of an Object Container File: record count, byte size, the
 * (compressed) records, then the file's sync marker.
 */
import { AlertflowError } from '../../../errors.js';
import type { Skipper } from '../skip.js';
import { readVarint } from '../varint.js';
import { SYNC_SIZE } from './header.js';

/** One decompressed block. */
export interface OcfBlock {
  /** Number of records in the block. */
  count: number;
  /** Index (in the file) of the block's first record. */
  firstIndex: number;
  /** Decompressed record bytes, records back to back. */
  data: Buffer;
}

/** A block located in a buffer, still compressed. */
export interface RawBlock {
  count: number;
  data: Buffer;
  /** Offset just after the block's sync marker. */
  next: number;
}

/**
 * Locates the block that starts at `pos`. Returns undefined when `buf` ends
 * first (read more and retry). Throws ERR_OCF_SYNC on a wrong sync marker.
 *
 * @example
 * const b = locateBlock(buf, header.size, header.sync);
 */
export function locateBlock(buf: Buffer, pos: number, sync: Uint8Array): RawBlock | undefined {
  const c = readVarint(buf, pos);
  if (!c) return undefined;
  const s = readVarint(buf, c[1]);
  if (!s) return undefined;
  const [count, size] = [c[0], s[0]];
  if (count < 0 || size < 0) throw new AlertflowError('ERR_AVRO_DECODE', `corrupt block header (count ${count}, size ${size})`, { offset: pos });
  const start = s[1];
  const end = start + size;
  if (end + SYNC_SIZE > buf.length) return undefined;
  for (let i = 0; i < SYNC_SIZE; i++) {
    if (buf[end + i] !== sync[i]) throw new AlertflowError('ERR_OCF_SYNC', 'sync marker after block does not match the header', { offset: end });
  }
  return { count, data: buf.subarray(start, end), next: end + SYNC_SIZE };
}

/**
 * Bytes the block starting at `pos` spans (header, data and sync marker), or
 * undefined when even its header is incomplete.
 *
 * @example
 * const need = blockExtent(buf, pos);
 */
export function blockExtent(buf: Uint8Array, pos: number): number | undefined {
  const c = readVarint(buf, pos);
  const s = c && readVarint(buf, c[1]);
  return s ? s[1] - pos + Math.max(0, s[0]) + SYNC_SIZE : undefined;
}

/**
 * Splits a block into one body view per record, using a skipper of the
 * writer schema. Throws ERR_AVRO_TRUNCATED / ERR_AVRO_TRAILING_BYTES when the
 * records do not fill the block exactly.
 *
 * @example
 * for (const body of splitBlock(block, skipperFor(type))) decodeBody(type, body);
 */
export function splitBlock(block: OcfBlock, skip: Skipper): Buffer[] {
  const out: Buffer[] = [];
  const data = block.data;
  let pos = 0;
  for (let i = 0; i < block.count; i++) {
    const end = skip(data, pos);
    if (end > data.length) {
      throw new AlertflowError('ERR_AVRO_TRUNCATED', `block ends inside record ${block.firstIndex + i}`, { record: block.firstIndex + i });
    }
    out.push(data.subarray(pos, end));
    pos = end;
  }
  if (pos !== data.length) {
    throw new AlertflowError('ERR_AVRO_TRAILING_BYTES', `block has ${data.length - pos} bytes after its ${block.count} records`, {
      firstRecord: block.firstIndex,
    });
  }
  return out;
}

/** Result of {@link splitBlockPartly}. */
export interface PartialSplit {
  /** Bodies of the records that could be framed, in order. */
  bodies: Buffer[];
  /** Why the rest could not be framed, if it could not. */
  error?: AlertflowError;
  /** The bytes from the first record that could not be framed to the end of the block. */
  rest?: Buffer;
}

/**
 * {@link splitBlock} that keeps what it could frame: on corrupt data it
 * returns the records before the damage and the damaged rest, instead of
 * throwing the block away (a block count that lies, a corrupt record).
 *
 * @example
 * const { bodies, error, rest } = splitBlockPartly(block, skipperFor(type));
 */
export function splitBlockPartly(block: OcfBlock, skip: Skipper): PartialSplit {
  const bodies: Buffer[] = [];
  const data = block.data;
  let pos = 0;
  const failAt = (error: AlertflowError): PartialSplit => ({ bodies, error, rest: data.subarray(pos) });
  for (let i = 0; i < block.count; i++) {
    const record = block.firstIndex + i;
    let end: number;
    try {
      end = skip(data, pos);
    } catch (err) {
      if (!(err instanceof AlertflowError)) throw err;
      return failAt(new AlertflowError(err.code, `record ${record}: ${err.message}`, { ...err.details, record }, { cause: err }));
    }
    if (end > data.length) {
      return failAt(new AlertflowError('ERR_AVRO_TRUNCATED', `block ends inside record ${record} (block count ${block.count} may be wrong)`, { record }));
    }
    bodies.push(data.subarray(pos, end));
    pos = end;
  }
  if (pos !== data.length) {
    return failAt(new AlertflowError('ERR_AVRO_TRAILING_BYTES', `block has ${data.length - pos} bytes after its ${block.count} records`, { firstRecord: block.firstIndex }));
  }
  return { bodies };
}
