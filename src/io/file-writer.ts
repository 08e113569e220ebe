/**
 * Writes many small files off the main thread. A sink that makes thousands
 * of files a second (seed 001: three FITS cutouts per alert) spends most of
 * its time in the kernel's open/rename; done on the main thread that time
 * is taken from decoding and Kafka, done with async fs it fills libuv's
 * four threads and starves the Kafka consumer's fetches. One dedicated
 * thread does the syscalls instead; each batch's bytes travel to it in one
 * transferred buffer.
 *
 * Each file is written to a temp name beside it and renamed into place, so
 * a reader (or a restart after a crash) never sees a torn file.
 */
import { Worker } from 'node:worker_threads';
import { AlertflowError } from '../errors.js';
import { SpareBuffers } from './spare-buffers.js';

/** One file to write. */
export interface FileToWrite {
  path: string;
  bytes: Uint8Array;
}

/** @internal The message to the writer thread. */
export interface FileBatch {
  id: number;
  fsync: boolean;
  buffer: ArrayBuffer;
  files: { path: string; offset: number; length: number }[];
}

/** @internal The writer thread's answer; `buffer` is the batch's, handed back for the next batch. */
export interface FileBatchDone {
  id: number;
  buffer: ArrayBuffer;
  error?: { message: string; path: string; code?: string };
}

/** What {@link createFileWriter} returns. */
export interface FileWriter {
  /** Resolves when every file is in place; ERR_IO (with the path) when one could not be written. */
  writeAll(files: readonly FileToWrite[]): Promise<void>;
  /** Stops the thread once pending batches are done. */
  close(): Promise<void>;
}

/**
 * Starts a writer thread. `fsync: true` syncs each file before its rename
 * (survives power loss as well as a crash).
 *
 * @example
 * const writer = createFileWriter({ fsync: false });
 * await writer.writeAll([{ path: 'cutouts/1_science.fits', bytes }]);
 * await writer.close();
 */
export function createFileWriter(opts: { fsync?: boolean } = {}): FileWriter {
  const fsync = opts.fsync ?? false;
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  let worker: Worker | undefined;
  let nextId = 0;
  let failure: Error | undefined;
  const pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  const inFlight = new Set<Promise<void>>();
  // Batch buffers come back with each answer: seed 001 sends ~9 MB of cutouts per batch, fresh ones would each count towards V8's next full collection.
  const spares = new SpareBuffers(4);

  const start = (): Worker => {
    const w = new Worker(new URL(`./file-writer-thread${ext}`, import.meta.url));
    w.on('message', (done: FileBatchDone) => {
      spares.give(done.buffer);
      const p = pending.get(done.id);
      pending.delete(done.id);
      if (pending.size === 0) w.unref();
      if (!p) return;
      if (done.error) p.reject(new AlertflowError('ERR_IO', `cannot write ${done.error.path}: ${done.error.message}`, { path: done.error.path, ...(done.error.code ? { code: done.error.code } : {}) }));
      else p.resolve();
    });
    // A thread that dies fails what it held and every later batch: files would otherwise be silently missing.
    const fail = (err: Error): void => {
      failure = new AlertflowError('ERR_IO', `file-writer thread stopped: ${err.message}`, {}, { cause: err });
      for (const p of pending.values()) p.reject(failure);
      pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => {
      if (pending.size > 0) fail(new Error(`exit code ${code}`));
      worker = undefined;
    });
    w.unref();
    return w;
  };

  return {
    writeAll(files) {
      if (files.length === 0) return Promise.resolve();
      if (failure) return Promise.reject(failure);
      let total = 0;
      for (const f of files) total += f.bytes.length;
      const buffer = spares.take(total) ?? new ArrayBuffer(0);
      const data = new Uint8Array(buffer);
      const list: FileBatch['files'] = [];
      let offset = 0;
      for (const f of files) {
        data.set(f.bytes, offset);
        list.push({ path: f.path, offset, length: f.bytes.length });
        offset += f.bytes.length;
      }
      const w = (worker ??= start());
      const id = nextId++;
      const done = new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.ref();
        w.postMessage({ id, fsync, buffer, files: list } satisfies FileBatch, [buffer]);
      });
      inFlight.add(done);
      const forget = (): void => void inFlight.delete(done);
      done.then(forget, forget);
      return done;
    },
    async close() {
      await Promise.allSettled([...inFlight]);
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
  };
}
