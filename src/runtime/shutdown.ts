/** Graceful shutdown on SIGINT/SIGTERM: the first signal drains, a second one exits at once. */

/**
 * Set by the `alertflow` launcher in a process it started (with other V8
 * flags, see cli/gc-choice.ts) and forwards signals to. There a Ctrl-C, or a
 * service manager's SIGTERM to the whole group, arrives twice: from the
 * terminal and from the launcher. The same signal within
 * {@link DUPLICATE_SIGNAL_MS} of the first then counts once.
 */
export const LAUNCHED_ENV = 'ALERTFLOW_LAUNCHED';
export const DUPLICATE_SIGNAL_MS = 300;

/**
 * @returns a function that removes the handlers again.
 * @example
 * const remove = installSignalHandlers(() => handle.stop());
 */
export function installSignalHandlers(stop: () => void, log: (line: string) => void = (l) => process.stderr.write(l + '\n')): () => void {
  let received = 0;
  let first: { signal: NodeJS.Signals; at: number } | undefined;
  const launched = Boolean(process.env[LAUNCHED_ENV]);
  const onSignal = (signal: NodeJS.Signals): void => {
    if (launched && first && first.signal === signal && performance.now() - first.at < DUPLICATE_SIGNAL_MS) return;
    first ??= { signal, at: performance.now() };
    received++;
    if (received === 1) {
      log(`alertflow: ${signal} received: draining in-flight records, committing and closing (send again to exit at once)`);
      stop();
    } else {
      log(`alertflow: second ${signal}: exiting without draining; uncommitted records will be read again on restart`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
