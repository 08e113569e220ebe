/** Reads a whole Object Container File held in memory. */
import { AlertflowError } from '../../../errors.js';
import { asBuffer } from '../bytes.js';
import { locateBlock, type OcfBlock } from './blocks.js';
import { getCodec } from './codecs.js';
import { parseOcfHeader, type OcfHeader } from './header.js';

/**
 * Parses header and blocks (decompressed) of an in-memory container file.
 *
 * @example
 * const { header, blocks } = readOcfBuffer(await readFile('alerts.avro'));
 */
export function readOcfBuffer(bytes: Uint8Array): { header: OcfHeader; blocks: OcfBlock[] } {
  const buf = asBuffer(bytes);
  const header = parseOcfHeader(buf);
  if (!header) throw new AlertflowError('ERR_OCF_HEADER', 'container file ends inside its header', { length: buf.length });
  const codec = getCodec(header.codec);
  const blocks: OcfBlock[] = [];
  let pos = header.size;
  let index = 0;
  while (pos < buf.length) {
    const raw = locateBlock(buf, pos, header.sync);
    if (!raw) throw new AlertflowError('ERR_AVRO_TRUNCATED', 'container file ends inside a block', { offset: pos, record: index });
    blocks.push({ count: raw.count, firstIndex: index, data: codec.decompress(raw.data) });
    index += raw.count;
    pos = raw.next;
  }
  return { header, blocks };
}
