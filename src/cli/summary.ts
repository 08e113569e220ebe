/** The end-of-run summary a person reads, and its JSON twin for scripts. */
import type { RunResult } from '../runtime/executor.js';

/**
 * @example
 * process.stderr.write(formatRunSummary(result));
 */
export function formatRunSummary(result: RunResult): string {
  const m = result.metrics;
  const lines = [
    `graph ${m.graph} ${result.stoppedBy === 'stop' ? 'stopped' : 'finished'} in ${m.elapsedSeconds.toFixed(1)} s`,
    `  records in      ${m.recordsIn}`,
    `  records out     ${m.recordsOut}  (acknowledged by sinks)`,
    `  throughput      ${m.throughputPerSecond.toFixed(0)} records/s`,
    `  latency         p50 ${m.latencyMs.p50.toFixed(1)} ms, p99 ${m.latencyMs.p99.toFixed(1)} ms (source read to last acknowledgement)`,
    `  dead letters    ${m.deadLetters}${m.deadLetters > 0 ? `  -> ${result.deadLetters}` : ''}`,
  ];
  if (m.consumerLag !== null) lines.push(`  consumer lag    ${m.consumerLag}`);
  lines.push('  per step (in / out / failed):');
  for (const [id, c] of Object.entries(m.steps)) lines.push(`    ${id.padEnd(14)} ${c.in} / ${c.out} / ${c.failed}`);
  lines.push('  outputs:');
  for (const [id, where] of Object.entries(result.outputs)) lines.push(`    ${id.padEnd(14)} ${where}`);
  return lines.join('\n') + '\n';
}
