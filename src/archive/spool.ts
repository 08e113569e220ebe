/**
 * The staging file of one open period: alerts appended as they arrive, so
 * the sink can acknowledge a batch (and the source commit its offsets) long
 * before the period's tarball is written. After a crash the spool is read
 * back, a torn last record is cut off, and the period carries on.
 *
 * Record layout (little-endian): u32 length of the rest, f64 mjd, f64 ms,
 * u16 key length, key (utf8), u16 schema-name length, schema name, body.
 */
import { open, rm, type FileHandle } from 'node:fs/promises';
import { AlertflowError } from '../errors.js';

/** One alert as the spool indexes it (its body stays on disk). */
export interface SpoolEntry {
  key: string;
  mjd: number;
  ms: number;
  schema: string;
  /** Offset and length of the body in the spool file. */
  offset: number;
  length: number;
}

/** One alert to append. */
export interface SpoolItem {
  key: string;
  mjd: number;
  ms: number;
  schema: string;
  body: Uint8Array;
}

const FIXED = 4 + 8 + 8 + 2;

function ioError(err: unknown, path: string, what: string): AlertflowError {
  return new AlertflowError('ERR_IO', `${what} ${path}: ${(err as Error).message}`, { path }, { cause: err });
}

/**
 * An append-only spool with an in-memory index and de-duplication by key.
 *
 * @example
 * const s = await Spool.open('out/.staging/20251120.spool');
 * await s.append([{ key: '1', mjd: 61000.1, ms, schema: 'lsst.v11_0', body }]);
 * await s.sync();
 * for (const e of s.entries) await s.readBody(e);
 */
export class Spool {
  readonly entries: SpoolEntry[] = [];
  private readonly keys = new Set<string>();
  private size = 0;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
  ) {}

  /** Opens (creating if needed) a spool and indexes what it already holds. */
  static async open(path: string): Promise<Spool> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'a+');
    } catch (err) {
      throw ioError(err, path, 'cannot open spool');
    }
    const spool = new Spool(path, fh);
    try {
      await spool.scan();
    } catch (err) {
      await fh.close();
      throw err;
    }
    return spool;
  }

  /** Number of distinct alerts held. */
  get count(): number {
    return this.entries.length;
  }

  /** True when an alert with this key is held. */
  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Appends the alerts whose keys are new; returns how many were new. */
  async append(items: SpoolItem[]): Promise<number> {
    const parts: Buffer[] = [];
    let pos = this.size;
    for (const it of items) {
      if (this.keys.has(it.key)) continue;
      const key = Buffer.from(it.key, 'utf8');
      const schema = Buffer.from(it.schema, 'utf8');
      const head = Buffer.alloc(FIXED + key.length + 2 + schema.length);
      head.writeUInt32LE(head.length - 4 + it.body.length, 0);
      head.writeDoubleLE(it.mjd, 4);
      head.writeDoubleLE(it.ms, 12);
      head.writeUInt16LE(key.length, 20);
      key.copy(head, 22);
      head.writeUInt16LE(schema.length, 22 + key.length);
      schema.copy(head, 24 + key.length);
      parts.push(head, Buffer.from(it.body.buffer, it.body.byteOffset, it.body.byteLength));
      pos += head.length;
      this.entries.push({ key: it.key, mjd: it.mjd, ms: it.ms, schema: it.schema, offset: pos, length: it.body.length });
      this.keys.add(it.key);
      pos += it.body.length;
    }
    if (parts.length === 0) return 0;
    try {
      // 'a+' appends at the end whatever position is given.
      await this.fh.writev(parts);
    } catch (err) {
      throw ioError(err, this.path, 'cannot write spool');
    }
    const added = parts.length / 2;
    this.size = pos;
    return added;
  }

  /** Makes appended alerts durable (the acknowledgement waits for this). */
  async sync(): Promise<void> {
    try {
      await this.fh.datasync();
    } catch (err) {
      throw ioError(err, this.path, 'cannot sync spool');
    }
  }

  /** Reads one alert's body. */
  async readBody(e: SpoolEntry): Promise<Buffer> {
    const buf = Buffer.alloc(e.length);
    const { bytesRead } = await this.fh.read(buf, 0, e.length, e.offset);
    if (bytesRead !== e.length) throw new AlertflowError('ERR_ARCHIVE', `spool ${this.path} ends inside a record`, { path: this.path, offset: e.offset });
    return buf;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }

  /** Closes and deletes the spool file. */
  async remove(): Promise<void> {
    await this.fh.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }

  /** Rebuilds the index from the file; a torn record at the end (crash mid-write) is cut off. */
  private async scan(): Promise<void> {
    const { size } = await this.fh.stat();
    let pos = 0;
    const head = Buffer.alloc(FIXED);
    const small = Buffer.alloc(1 << 16);
    while (pos + FIXED <= size) {
      await this.fh.read(head, 0, FIXED, pos);
      const len = head.readUInt32LE(0);
      if (pos + 4 + len > size || len < FIXED - 4 + 2) break;
      const keyLen = head.readUInt16LE(20);
      await this.fh.read(small, 0, Math.min(small.length, keyLen + 2), pos + FIXED);
      const key = small.toString('utf8', 0, keyLen);
      const schemaLen = small.readUInt16LE(keyLen);
      await this.fh.read(small, 0, schemaLen, pos + FIXED + keyLen + 2);
      const schema = small.toString('utf8', 0, schemaLen);
      const offset = pos + FIXED + keyLen + 2 + schemaLen;
      const length = pos + 4 + len - offset;
      if (length < 0) break;
      if (!this.keys.has(key)) {
        this.entries.push({ key, mjd: head.readDoubleLE(4), ms: head.readDoubleLE(12), schema, offset, length });
        this.keys.add(key);
      }
      pos += 4 + len;
    }
    if (pos < size) await this.fh.truncate(pos);
    this.size = pos;
  }
}
