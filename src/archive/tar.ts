/**
 * A minimal POSIX ustar writer and reader, enough for archive deliveries:
 * regular files only, names up to 100 bytes, members under 8 GiB. Headers
 * carry fixed owner, mode and a caller-chosen mtime, so the same members
 * give the same tarball bytes (reruns are byte-identical).
 */
import { createHash, type Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { AlertflowError } from '../errors.js';

const BLOCK = 512;
/** Tar files are conventionally padded to 20-block records; some strict readers expect it. */
const RECORD = BLOCK * 20;
const MAX_SIZE = 8 ** 11 - 1;

function octal(value: number, width: number): string {
  // width - 1 digits and a NUL, as the spec's numeric fields are.
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/**
 * A ustar header block for a regular file.
 *
 * @example
 * const h = tarHeader('manifest.json', 123, 1700000000);
 */
export function tarHeader(name: string, size: number, mtimeSec: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length === 0 || nameBytes.length > 100) throw new AlertflowError('ERR_ARCHIVE', `tar member name must be 1–100 bytes: ${name}`, { name });
  if (!Number.isSafeInteger(size) || size < 0 || size > MAX_SIZE) throw new AlertflowError('ERR_ARCHIVE', `tar member too large for ustar: ${name} (${size} bytes)`, { name, size });
  const h = Buffer.alloc(BLOCK, 0);
  nameBytes.copy(h, 0);
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(Math.max(0, Math.floor(mtimeSec)), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\u000000', 257, 'ascii');
  h.write('alertflow', 265, 'ascii');
  h.write('alertflow', 297, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

/**
 * Streams members into an open file. Each member's header is written first
 * with size 0 and patched once the member ends, so members of any size
 * stream through without being held in memory. The sha256 of each member is
 * computed on the way.
 *
 * @example
 * const w = new TarWriter(fh, 1700000000);
 * await w.begin('a.avro'); await w.write(bytes); const { sha256 } = await w.end();
 * await w.addFile('manifest.json', Buffer.from('{}')); await w.finish();
 */
export class TarWriter {
  private pos = 0;
  private current: { name: string; headerAt: number; size: number; hash: Hash } | undefined;

  constructor(
    private readonly fh: FileHandle,
    private readonly mtimeSec: number,
  ) {}

  async begin(name: string): Promise<void> {
    if (this.current) throw new AlertflowError('ERR_ARCHIVE', `tar member ${this.current.name} still open`);
    this.current = { name, headerAt: this.pos, size: 0, hash: createHash('sha256') };
    await this.put(tarHeader(name, 0, this.mtimeSec));
  }

  async write(bytes: Uint8Array): Promise<void> {
    const c = this.current;
    if (!c) throw new AlertflowError('ERR_ARCHIVE', 'no tar member open');
    c.size += bytes.length;
    c.hash.update(bytes);
    await this.put(bytes);
  }

  /** Ends the open member; returns its size and sha256 (hex). */
  async end(): Promise<{ name: string; bytes: number; sha256: string }> {
    const c = this.current;
    if (!c) throw new AlertflowError('ERR_ARCHIVE', 'no tar member open');
    this.current = undefined;
    await this.fh.write(tarHeader(c.name, c.size, this.mtimeSec), 0, BLOCK, c.headerAt);
    await this.put(Buffer.alloc(padding(c.size)));
    return { name: c.name, bytes: c.size, sha256: c.hash.digest('hex') };
  }

  /** Adds a whole member from memory. */
  async addFile(name: string, bytes: Uint8Array): Promise<{ name: string; bytes: number; sha256: string }> {
    await this.begin(name);
    await this.write(bytes);
    return this.end();
  }

  /** Writes the two zero blocks that end an archive, padded to a full record. */
  async finish(): Promise<void> {
    const end = this.pos + 2 * BLOCK;
    await this.put(Buffer.alloc(end + ((RECORD - (end % RECORD)) % RECORD) - this.pos));
  }

  private async put(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    await this.fh.write(bytes, 0, bytes.length, this.pos);
    this.pos += bytes.length;
  }
}

/** One member found by {@link listTar}. */
export interface TarEntry {
  name: string;
  size: number;
  /** Offset of the member's data in the file. */
  offset: number;
}

function parseOctal(h: Buffer, start: number, len: number): number {
  const s = h.toString('ascii', start, start + len).replace(/\0.*$/s, '').trim();
  return s === '' ? 0 : parseInt(s, 8);
}

function checkHeader(h: Buffer, at: number, path: string): void {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  if (sum !== parseOctal(h, 148, 8)) throw new AlertflowError('ERR_ARCHIVE', `${path}: bad tar header checksum at byte ${at}`, { path, offset: at });
}

/**
 * Lists the regular-file members of a tarball (reads headers only).
 *
 * @example
 * const entries = await listTar(fh, 'night.tar');
 */
export async function listTar(fh: FileHandle, path: string): Promise<TarEntry[]> {
  const { size: fileSize } = await fh.stat();
  const out: TarEntry[] = [];
  const h = Buffer.alloc(BLOCK);
  let pos = 0;
  while (pos + BLOCK <= fileSize) {
    await fh.read(h, 0, BLOCK, pos);
    if (h.every((b) => b === 0)) return out;
    checkHeader(h, pos, path);
    const name = h.toString('utf8', 0, 100).replace(/\0.*$/s, '');
    const prefix = h.toString('utf8', 345, 500).replace(/\0.*$/s, '');
    const size = parseOctal(h, 124, 12);
    const type = String.fromCharCode(h[156]!);
    if (pos + BLOCK + size > fileSize) throw new AlertflowError('ERR_ARCHIVE', `${path}: truncated tar member ${name}`, { path, name });
    if (type === '0' || type === '\0') out.push({ name: prefix ? `${prefix}/${name}` : name, size, offset: pos + BLOCK });
    pos += BLOCK + size + padding(size);
  }
  throw new AlertflowError('ERR_ARCHIVE', `${path}: tar archive has no end-of-archive marker (truncated?)`, { path });
}

/**
 * Reads one member's bytes into memory.
 *
 * @example
 * const manifest = JSON.parse((await readTarMember(fh, entry)).toString('utf8'));
 */
export async function readTarMember(fh: FileHandle, entry: TarEntry): Promise<Buffer> {
  const buf = Buffer.alloc(entry.size);
  if (entry.size > 0) await fh.read(buf, 0, entry.size, entry.offset);
  return buf;
}

/**
 * sha256 (hex) of one member, read in chunks.
 *
 * @example
 * const hex = await hashTarMember(fh, entry);
 */
export async function hashTarMember(fh: FileHandle, entry: TarEntry, chunk = 1 << 20): Promise<string> {
  const hash = createHash('sha256');
  const buf = Buffer.alloc(Math.min(chunk, Math.max(1, entry.size)));
  for (let done = 0; done < entry.size; ) {
    const n = Math.min(buf.length, entry.size - done);
    const { bytesRead } = await fh.read(buf, 0, n, entry.offset + done);
    if (bytesRead === 0) break;
    hash.update(buf.subarray(0, bytesRead));
    done += bytesRead;
  }
  return hash.digest('hex');
}
