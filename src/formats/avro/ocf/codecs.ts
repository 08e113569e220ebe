/**
 * Block codecs of Object Container Files: null, deflate (raw, no zlib
 * header) and snappy (block format + 4-byte big-endian CRC32 of the
 * uncompressed data).
 */
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import snappy from 'snappyjs';
import { AlertflowError } from '../../../errors.js';

/** Codec names alertflow reads and writes. */
export type OcfCodecName = 'null' | 'deflate' | 'snappy';

/** Compresses and decompresses one block. */
export interface OcfCodec {
  name: OcfCodecName;
  compress(data: Buffer): Buffer;
  decompress(data: Buffer): Buffer;
}

function corrupt(codec: string, err: unknown): AlertflowError {
  return new AlertflowError('ERR_AVRO_DECODE', `cannot decompress ${codec} block: ${(err as Error).message}`, { codec }, { cause: err });
}

const CODECS: Record<OcfCodecName, OcfCodec> = {
  null: { name: 'null', compress: (d) => d, decompress: (d) => d },
  deflate: {
    name: 'deflate',
    compress: (d) => deflateRawSync(d),
    decompress: (d) => {
      try {
        return inflateRawSync(d);
      } catch (err) {
        throw corrupt('deflate', err);
      }
    },
  },
  snappy: {
    name: 'snappy',
    compress: (d) => {
      const packed = snappy.compress(d);
      const out = Buffer.allocUnsafe(packed.length + 4);
      out.set(packed, 0);
      out.writeUInt32BE(crc32(d), packed.length);
      return out;
    },
    decompress: (d) => {
      if (d.length < 4) throw corrupt('snappy', new Error('block shorter than its checksum'));
      let out: Buffer;
      try {
        out = snappy.uncompress(d.subarray(0, d.length - 4));
      } catch (err) {
        throw corrupt('snappy', err);
      }
      if (crc32(out) !== d.readUInt32BE(d.length - 4)) throw corrupt('snappy', new Error('CRC32 mismatch'));
      return out;
    },
  },
};

/**
 * The codec called `name`; ERR_OCF_CODEC for any other name.
 *
 * @example
 * getCodec('deflate').decompress(blockBytes);
 */
export function getCodec(name: string): OcfCodec {
  const c = (CODECS as Record<string, OcfCodec | undefined>)[name];
  if (!c) throw new AlertflowError('ERR_OCF_CODEC', `unsupported Object Container File codec: ${name}`, { codec: name });
  return c;
}
