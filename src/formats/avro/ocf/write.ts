/**
 * Writing Object Container Files: an encoder that turns record bodies into
 * header and block bytes, and a streaming file writer on top of it.
 */
import { randomBytes } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { AlertflowError } from '../../../errors.js';
import { writeVarint } from '../varint.js';
import { getCodec, type OcfCodec, type OcfCodecName } from './codecs.js';
import { encodeOcfHeader, SYNC_SIZE } from './header.js';

/** Options of {@link OcfEncoder}. */
export interface OcfWriteOptions {
  codec?: OcfCodecName;
  /** Start a new block once this many uncompressed bytes are pending (default 1 MiB). */
  blockSize?: number;
  /** Start a new block after this many records (default unlimited). */
  recordsPerBlock?: number;
  /** 16-byte sync marker (default random). */
  sync?: Uint8Array;
  /** Extra header metadata. */
  meta?: Record<string, Uint8Array>;
}

/**
 * Builds container bytes from schemaless record bodies.
 *
 * @example
 * const enc = new OcfEncoder(schema.json, { codec: 'deflate' });
 * const parts = [enc.header(), ...bodies.flatMap((b) => enc.add(b) ?? []), enc.flush() ?? Buffer.alloc(0)];
 */
export class OcfEncoder {
  readonly sync: Buffer;
  private readonly codec: OcfCodec;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly blockSize: number;
  private readonly recordsPerBlock: number;

  constructor(
    private readonly schemaJson: object,
    private readonly opts: OcfWriteOptions = {},
  ) {
    this.codec = getCodec(opts.codec ?? 'null');
    this.sync = opts.sync ? Buffer.from(opts.sync) : randomBytes(SYNC_SIZE);
    if (this.sync.length !== SYNC_SIZE) throw new AlertflowError('ERR_OCF_SYNC', 'sync marker must be 16 bytes');
    this.blockSize = opts.blockSize ?? 1 << 20;
    this.recordsPerBlock = opts.recordsPerBlock ?? Infinity;
  }

  /** Header bytes (write once, first). */
  header(): Buffer {
    return encodeOcfHeader(this.schemaJson, this.codec.name, this.sync, this.opts.meta);
  }

  /** Adds one record body; returns a finished block when one is due. */
  add(body: Uint8Array): Buffer | undefined {
    this.pending.push(body);
    this.pendingBytes += body.length;
    return this.pendingBytes >= this.blockSize || this.pending.length >= this.recordsPerBlock ? this.flush() : undefined;
  }

  /** Number of records not yet in a block. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Returns the pending records as a block, or undefined when none are pending. */
  flush(): Buffer | undefined {
    if (this.pending.length === 0) return undefined;
    const data = this.codec.compress(Buffer.concat(this.pending, this.pendingBytes));
    const out = Buffer.concat([writeVarint(this.pending.length), writeVarint(data.length), data, this.sync]);
    this.pending = [];
    this.pendingBytes = 0;
    return out;
  }
}

/**
 * A whole container file in memory.
 *
 * @example
 * const file = encodeOcf(schema.json, bodies, { codec: 'snappy', recordsPerBlock: 10 });
 */
export function encodeOcf(schemaJson: object, bodies: Iterable<Uint8Array>, opts: OcfWriteOptions = {}): Buffer {
  const enc = new OcfEncoder(schemaJson, opts);
  const parts: Buffer[] = [enc.header()];
  for (const b of bodies) {
    const block = enc.add(b);
    if (block) parts.push(block);
  }
  const last = enc.flush();
  if (last) parts.push(last);
  return Buffer.concat(parts);
}

/**
 * Streaming container file writer. `append` may write a block; `flush`
 * writes whatever is pending; each resolves once the OS has the bytes.
 *
 * @example
 * const w = await OcfFileWriter.create('out.avro', schema.json, { codec: 'deflate' });
 * for (const b of bodies) await w.append(b);
 * await w.close();
 */
export class OcfFileWriter {
  private constructor(
    private readonly fh: FileHandle,
    private readonly enc: OcfEncoder,
    readonly path: string,
  ) {}

  /** Creates (truncates) `path` and writes the header. */
  static async create(path: string, schemaJson: object, opts: OcfWriteOptions = {}): Promise<OcfFileWriter> {
    const enc = new OcfEncoder(schemaJson, opts);
    let fh: FileHandle;
    try {
      fh = await open(path, 'w');
      await fh.write(enc.header());
    } catch (err) {
      throw new AlertflowError('ERR_IO', `cannot write ${path}: ${(err as Error).message}`, { path }, { cause: err });
    }
    return new OcfFileWriter(fh, enc, path);
  }

  /** Adds one record body. */
  async append(body: Uint8Array): Promise<void> {
    const block = this.enc.add(body);
    if (block) await this.write(block);
  }

  /** Writes pending records as a block. */
  async flush(): Promise<void> {
    const block = this.enc.flush();
    if (block) await this.write(block);
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    await this.flush();
    await this.fh.close();
  }

  private async write(bytes: Buffer): Promise<void> {
    try {
      await this.fh.write(bytes);
    } catch (err) {
      throw new AlertflowError('ERR_IO', `cannot write ${this.path}: ${(err as Error).message}`, { path: this.path }, { cause: err });
    }
  }
}
