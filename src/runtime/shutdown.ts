/** Graceful shutdown on SIGINT/SIGTERM: the first signal drains, a second one exits at once. */

/**
 * @returns a function that removes the handlers again.
 * @example
 * const remove = installSignalHandlers(() => handle.stop());
 */
export function installSignalHandlers(stop: () => void, log: (line: string) => void = (l) => process.stderr.write(l + '\n')): () => void {
  let received = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
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
