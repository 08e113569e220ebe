/** Progress lines go to stderr so that stdout carries only the JSON report. */

/** Writes one progress line to stderr. */
export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
