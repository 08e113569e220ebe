/**
 * Chooses V8's garbage-collector threading for a command, before any
 * JavaScript of the command runs (V8 flags cannot change safely later).
 *
 * V8 marks and scavenges with helper threads, one per core. When the worker
 * pool alone has a thread for every core, those helpers only take CPU from
 * the workers: on 2 cores the seed-001 consumer with --threads 2 ran 6-9 %
 * faster without them, on 13 % less CPU. With fewer workers than cores the
 * helpers use cores that would otherwise idle, so they stay.
 */
import { availableParallelism } from 'node:os';
import { LAUNCHED_ENV } from '../runtime/shutdown.js';

/** The V8 flag that makes each isolate collect garbage on its own thread only. */
export const SINGLE_THREADED_GC = '--single-threaded-gc';

/** Commands that run graphs on the worker pool. */
const POOL_COMMANDS = new Set(['run', 'demo']);

/** The value of `--threads` among a command's arguments (`--threads 2` or `--threads=2`), if given. */
function threadsArgument(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return undefined;
    if (a === '--threads') return args[i + 1];
    if (a.startsWith('--threads=')) return a.slice('--threads='.length);
  }
  return undefined;
}

/**
 * The extra Node flags the command should run with, or [] to run it in this
 * process as it is. `ALERTFLOW_PARALLEL_GC=1` keeps V8's default; a process
 * started with a GC flag of its own is left alone.
 *
 * @example
 * gcFlagsFor(['run', 'graph.json'], [], {}, 2)               // ['--single-threaded-gc'] (threads default to cores)
 * gcFlagsFor(['run', 'graph.json', '--threads', '0'], [], {}, 2) // []
 */
export function gcFlagsFor(args: readonly string[], execArgv: readonly string[], env: NodeJS.ProcessEnv, cores = availableParallelism()): string[] {
  if (env[LAUNCHED_ENV] || env['ALERTFLOW_PARALLEL_GC'] === '1') return [];
  if (execArgv.some((a) => /gc/.test(a))) return [];
  if (!POOL_COMMANDS.has(args[0] ?? '') || args.includes('--help') || args.includes('-h')) return [];
  const given = threadsArgument(args);
  const threads = given === undefined ? cores : Number(given);
  if (!Number.isFinite(threads) || threads <= 0) return [];
  return threads >= cores ? [SINGLE_THREADED_GC] : [];
}
