/** kcat, the librdkafka command-line client: the raw-consume reference of the kafka bench. */
import { spawn, spawnSync } from 'node:child_process';
import { peakRssFile, readPeakRss, withPeakRss } from './peak-rss.js';

/** kcat's version line, or `{ missing }` with how to get it. */
export function findKcat(): { version: string } | { missing: string } {
  const r = spawnSync('kcat', ['-V'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return { missing: 'kcat not found on PATH: install it with `apt-get install -y kcat` (Debian package)' };
  const version = r.stdout.split('\n').find((l) => l.startsWith('Version')) ?? 'unknown';
  return { version: version.trim() };
}

/** What one kcat read of a topic saw. */
export interface KcatRead {
  count: number;
  bytes: number;
  /** Spawn to exit. */
  seconds: number;
  /** First output to exit (excludes process start, connect and metadata). */
  streamSeconds: number;
  /** Peak resident memory of the kcat process, MiB. */
  peakRssMb?: number;
}

/**
 * Reads a whole topic from the beginning and exits at its end, printing only
 * each message's size (so output costs nothing next to 80 KB messages).
 * Killed, and rejected, after `timeoutMs`.
 *
 * @example
 * const { count } = await kcatConsume('127.0.0.1:9092', 'alerts');
 */
export function kcatConsume(brokers: string, topic: string, timeoutMs = 300_000): Promise<KcatRead> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let first: number | undefined;
    let count = 0;
    let bytes = 0;
    let tail = '';
    let stderr = '';
    // -u: unbuffered, so the first size line marks when messages began to flow.
    const rss = peakRssFile();
    const child = spawn(...withPeakRss(rss, 'kcat', ['-C', '-b', brokers, '-t', topic, '-o', 'beginning', '-e', '-q', '-u', '-f', '%S\n']), { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      first ??= performance.now();
      const lines = (tail + chunk).split('\n');
      tail = lines.pop() ?? '';
      for (const l of lines) {
        count++;
        bytes += Number(l);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      stderr += `\nkilled after ${timeoutMs} ms`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const end = performance.now();
      if (code !== 0) return reject(new Error(`kcat exited with ${code}: ${stderr.trim().slice(-500)}`));
      const peakRssMb = readPeakRss(rss);
      resolve({ count, bytes, seconds: (end - t0) / 1000, streamSeconds: (end - (first ?? t0)) / 1000, ...(peakRssMb === undefined ? {} : { peakRssMb }) });
    });
  });
}
