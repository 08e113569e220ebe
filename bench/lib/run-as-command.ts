/**
 * Runs a bench script's pass in a fresh child process, started with the V8
 * flags `alertflow run --threads N` would choose (src/cli/gc-choice.ts), so
 * a figure is what a user of the command gets and no mode inherits the JIT
 * warmth or loaded data of the modes before it. The child prints its result
 * as its last stdout line; its stderr goes to ours.
 */
import { spawn } from 'node:child_process';
import { gcFlagsFor } from '../../src/cli/gc-choice.js';
import { lastJsonLine } from './child-output.js';

/**
 * Starts `node <flags> script ...args` and resolves with the JSON object it
 * printed last; rejects, naming `who`, when it exits non-zero or prints none.
 *
 * @example
 * const r = await runAsAlertflowRun<{ seconds: number }>(fileURLToPath(import.meta.url), 2, ['--child', '2'], 'fused-2 child');
 */
export function runAsAlertflowRun<T>(script: string, threads: number, args: string[], who: string): Promise<T> {
  const flags = flagsOfAlertflowRun(threads);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${who} exited with ${code}`));
      try {
        resolve(lastJsonLine<T>(out, who));
      } catch (err) {
        reject(err as Error);
      }
    });
  });
}

/**
 * The V8 flags {@link runAsAlertflowRun} starts a child with, for a mode's description.
 *
 * @example
 * flagsOfAlertflowRun(2) // ['--single-threaded-gc'] on 2 cores
 */
export function flagsOfAlertflowRun(threads: number): string[] {
  return gcFlagsFor(['run', '--threads', String(threads)], [], {});
}
