/** Small file helpers shared by the archive modules. */
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/**
 * sha256 (hex) of a whole file, streamed.
 *
 * @example
 * const hex = await hashFile('alerts_20251120.tar');
 */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * fsyncs a directory so a rename into it survives a power cut. Best effort:
 * some platforms cannot open directories.
 *
 * @example
 * await syncDir('out/20251120');
 */
export async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // not supported here (e.g. Windows); the rename itself is still atomic
  }
}
