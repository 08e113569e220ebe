/**
 * The body of the file-writer thread (see file-writer.ts): writes each file
 * of a batch to its temp name and renames it into place, synchronously,
 * and answers with the batch id (and the first error, if any).
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { FileBatch, FileBatchDone } from './file-writer.js';

/** The temp name beside a file (named here, off the main thread: seed 001 makes ~9,000 a second). */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

function writeOne(path: string, temp: string, bytes: Uint8Array, fsync: boolean): void {
  if (fsync) {
    const fd = openSync(temp, 'w');
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } else {
    writeFileSync(temp, bytes);
  }
  renameSync(temp, path);
}

parentPort!.on('message', (batch: FileBatch) => {
  const data = new Uint8Array(batch.buffer);
  let reply: FileBatchDone = { id: batch.id, buffer: batch.buffer };
  for (const f of batch.files) {
    const temp = tempPathFor(f.path);
    try {
      writeOne(f.path, temp, data.subarray(f.offset, f.offset + f.length), batch.fsync);
    } catch (err) {
      rmSync(temp, { force: true });
      const e = err as NodeJS.ErrnoException;
      reply = { id: batch.id, buffer: batch.buffer, error: { message: e.message, path: f.path, ...(e.code ? { code: e.code } : {}) } };
      break;
    }
  }
  parentPort!.postMessage(reply, [batch.buffer]);
});
