/**
 * Peak RSS of a child process that cannot report its own (kcat): the child
 * runs under the system python3, which waits for it and writes
 * getrusage(RUSAGE_CHILDREN).ru_maxrss to a file. Node's child_process
 * gives no rusage of its children.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const WRAPPER = [
  'import resource, subprocess, sys',
  'code = subprocess.call(sys.argv[2:])',
  "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))",
  'sys.exit(code)',
].join('\n');

/** A fresh path for the wrapper's report. */
export function peakRssFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'alertflow-rss-')), 'maxrss');
}

/**
 * `[command, args]` that run `cmd args` under the wrapper; stdio and the exit code pass through.
 *
 * @example
 * const file = peakRssFile();
 * spawn(...withPeakRss(file, 'kcat', ['-C', …]));
 */
export function withPeakRss(file: string, cmd: string, args: string[]): [string, string[]] {
  return ['python3', ['-c', WRAPPER, file, cmd, ...args]];
}

/** The peak RSS in MiB that the wrapper wrote (and removes the file), or undefined. */
export function readPeakRss(file: string): number | undefined {
  try {
    const kb = Number(readFileSync(file, 'utf8'));
    return Number.isFinite(kb) && kb > 0 ? Math.round(kb / 102.4) / 10 : undefined;
  } catch {
    return undefined;
  } finally {
    rmSync(join(file, '..'), { recursive: true, force: true });
  }
}
