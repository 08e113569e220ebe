/**
 * Streaming reader of Object Container Files: reads the file in chunks and
 * yields decompressed blocks (or record bodies) only as they are pulled, so
 * a 1.6 GB file never has to fit in memory.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { AlertflowError } from '../../../errors.js';
import { blockExtent, locateBlock, splitBlock, type OcfBlock } from './blocks.js';
import { SYNC_SIZE } from './header.js';
import { getCodec, type OcfCodec } from './codecs.js';
import { parseOcfHeader, type OcfHeader } from './header.js';
import type { Skipper } from '../skip.js';

/** A stretch of a file that could not be read as a block, up to the next sync marker (or the end). */
export interface OcfDamage {
  kind: 'damage';
  /** Why the block there could not be read (ERR_OCF_SYNC, ERR_AVRO_TRUNCATED, ERR_AVRO_DECODE, …). */
  error: AlertflowError;
  /** The damaged bytes, up to and including the sync marker the reader resumed after. */
  bytes: Buffer;
  /** Record index the damage takes (one index for the whole stretch). */
  index: number;
}

/** Options of {@link OcfFileReader.open}. */
export interface OcfFileReaderOptions {
  /** Bytes read per file read (default 1 MiB). */
  chunkSize?: number;
}

/**
 * Incremental reader of one container file.
 *
 * @example
 * const r = await OcfFileReader.open('alerts.avro');
 * for await (const block of r.blocks()) console.log(block.count);
 * await r.close();
 */
export class OcfFileReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private filePos = 0;
  private eof = false;
  private index = 0;
  private readonly codec: OcfCodec;

  private constructor(
    private readonly fh: FileHandle,
    readonly path: string,
    private readonly chunkSize: number,
    /** The file's header (writer schema, codec, sync marker). */
    readonly header: OcfHeader,
    state: { buf: Buffer; pos: number; filePos: number; eof: boolean },
  ) {
    Object.assign(this, state);
    this.codec = getCodec(header.codec);
  }

  /**
   * Opens `path` and reads its header. Throws ERR_IO, ERR_OCF_HEADER, ERR_OCF_CODEC.
   *
   * @example
   * const r = await OcfFileReader.open(path, { chunkSize: 4 << 20 });
   */
  static async open(path: string, opts: OcfFileReaderOptions = {}): Promise<OcfFileReader> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      throw new AlertflowError('ERR_IO', `cannot open ${path}: ${(err as Error).message}`, { path }, { cause: err });
    }
    const chunkSize = opts.chunkSize ?? 1 << 20;
    try {
      let buf: Buffer = Buffer.alloc(0);
      let filePos = 0;
      let eof = false;
      for (;;) {
        const header = parseOcfHeader(buf);
        if (header) return new OcfFileReader(fh, path, chunkSize, header, { buf, pos: header.size, filePos, eof });
        if (eof) throw new AlertflowError('ERR_OCF_HEADER', `${path} ends inside its container header`, { path });
        const chunk = await readChunk(fh, filePos, chunkSize);
        filePos += chunk.length;
        eof = chunk.length === 0;
        buf = Buffer.concat([buf, chunk]);
      }
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  /** Reads more of the file; false at end of file. */
  private async more(minBytes: number): Promise<boolean> {
    if (this.eof) return false;
    const chunk = await readChunk(this.fh, this.filePos, Math.max(this.chunkSize, minBytes));
    if (chunk.length === 0) {
      this.eof = true;
      return false;
    }
    this.filePos += chunk.length;
    // New chunk memory each time: decoded values and record views alias it.
    this.buf = this.pos >= this.buf.length ? chunk : Buffer.concat([this.buf.subarray(this.pos), chunk]);
    this.pos = 0;
    return true;
  }

  /**
   * Yields each block, decompressed, as it is read. Throws ERR_OCF_SYNC,
   * ERR_AVRO_TRUNCATED (file ends inside a block) or ERR_AVRO_DECODE.
   *
   * @example
   * for await (const b of reader.blocks()) total += b.count;
   */
  async *blocks(): AsyncGenerator<OcfBlock> {
    for (;;) {
      if (this.pos >= this.buf.length && !(await this.more(0))) return;
      const raw = locateBlock(this.buf, this.pos, this.header.sync);
      if (!raw) {
        const have = this.buf.length - this.pos;
        const need = blockExtent(this.buf, this.pos) ?? have + 1;
        if (!(await this.more(need - have))) {
          throw new AlertflowError('ERR_AVRO_TRUNCATED', `${this.path} ends inside a block`, { path: this.path, record: this.index });
        }
        continue;
      }
      this.pos = raw.next;
      const block: OcfBlock = { count: raw.count, firstIndex: this.index, data: this.codec.decompress(raw.data) };
      this.index += raw.count;
      yield block;
    }
  }

  /**
   * Like {@link blocks}, but a block that cannot be read (bad sync marker,
   * corrupt header or compression, a size past the end) does not end the
   * file: it is reported as {@link OcfDamage} and reading resumes after the
   * next sync marker, so the good blocks after it are still read.
   *
   * @example
   * for await (const b of reader.blocksOrDamage()) if ('kind' in b) deadLetter(b.bytes);
   */
  async *blocksOrDamage(): AsyncGenerator<OcfBlock | OcfDamage> {
    for (;;) {
      if (this.pos >= this.buf.length && !(await this.more(0))) return;
      let error: AlertflowError | undefined;
      try {
        const raw = locateBlock(this.buf, this.pos, this.header.sync);
        if (raw) {
          const block: OcfBlock = { count: raw.count, firstIndex: this.index, data: this.codec.decompress(raw.data) };
          this.pos = raw.next;
          this.index += raw.count;
          yield block;
          continue;
        }
        const have = this.buf.length - this.pos;
        const need = blockExtent(this.buf, this.pos) ?? have + 1;
        if (await this.more(need - have)) continue;
        error = new AlertflowError('ERR_AVRO_TRUNCATED', `${this.path} ends inside a block`, { path: this.path, record: this.index });
      } catch (err) {
        if (!(err instanceof AlertflowError)) throw err;
        error = err;
      }
      const at = await this.findSync();
      const end = at < 0 ? this.buf.length : at + SYNC_SIZE;
      const damage: OcfDamage = { kind: 'damage', error, bytes: Buffer.from(this.buf.subarray(this.pos, end)), index: this.index };
      this.pos = end;
      this.index += 1;
      yield damage;
    }
  }

  /** Offset in `buf` of the next sync marker after `pos`, reading on as needed; -1 when the file has none. */
  private async findSync(): Promise<number> {
    let from = 1;
    for (;;) {
      const at = this.buf.indexOf(this.header.sync, this.pos + from);
      if (at >= 0) return at;
      // more() keeps the bytes from pos on and rebases pos to 0; a marker may straddle the old end.
      from = Math.max(1, this.buf.length - this.pos - SYNC_SIZE + 1);
      if (!(await this.more(0))) return -1;
    }
  }

  /**
   * Yields every record's schemaless body (a view into its block) with its
   * index in the file.
   *
   * @example
   * for await (const { index, body } of reader.records(skipperFor(type))) …
   */
  async *records(skip: Skipper): AsyncGenerator<{ index: number; body: Buffer }> {
    for await (const block of this.blocks()) {
      const bodies = splitBlock(block, skip);
      for (let i = 0; i < bodies.length; i++) yield { index: block.firstIndex + i, body: bodies[i]! };
    }
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.fh.close();
  }
}

async function readChunk(fh: FileHandle, position: number, size: number): Promise<Buffer> {
  const chunk = Buffer.allocUnsafe(size);
  const { bytesRead } = await fh.read(chunk, 0, size, position);
  return bytesRead === size ? chunk : chunk.subarray(0, bytesRead);
}
