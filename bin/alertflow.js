#!/usr/bin/env node
// Entry point of the `alertflow` command; the CLI itself is compiled TypeScript.
// A pool run that fills every core is started again with single-threaded GC
// (see src/cli/gc-choice.ts): V8 flags must be given when a process starts.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gcFlagsFor } from '../dist/src/cli/gc-choice.js';
import { LAUNCHED_ENV } from '../dist/src/runtime/shutdown.js';

const args = process.argv.slice(2);
const flags = gcFlagsFor(args, process.execArgv, process.env);

if (flags.length === 0) {
  if (process.env[LAUNCHED_ENV] && process.channel) {
    // Started by the launcher below: if it dies (even by SIGKILL) this process dies with it,
    // at once and without draining, as the command would have died had it been one process.
    process.channel.unref();
    process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  }
  const { main } = await import('../dist/src/cli/main.js');
  main(process.argv).catch((err) => {
    console.error(err?.stack ?? String(err));
    process.exit(1);
  });
} else {
  const child = spawn(process.execPath, [...process.execArgv, ...flags, fileURLToPath(import.meta.url), ...args], {
    // The IPC channel only tells the child when this process is gone.
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [LAUNCHED_ENV]: '1' },
  });
  // Signals reach the command through us; it drains on the first, as it would alone.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (err) => {
    console.error(`alertflow: cannot start ${process.execPath}: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    // Die of the same signal, so a shell or supervisor sees what the command saw.
    if (!signal) process.exit(code ?? 1);
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  });
}
