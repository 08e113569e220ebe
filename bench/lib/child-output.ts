/** Reading what a child process printed: its result line and the end of its stderr. */

/**
 * The JSON object a child printed as its last stdout line (bench children
 * print progress first and their result last). Throws, naming `who`, when
 * that line is not JSON.
 *
 * @example
 * const r = lastJsonLine<{ perSecond: number }>(stdout, 'paced producer');
 */
export function lastJsonLine<T>(stdout: string, who: string): T {
  const last = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${who} printed no JSON result (last line: ${last.slice(0, 200)})`);
  }
}

/**
 * The last `n` lines of a child's stderr on one line, for an error message.
 *
 * @example
 * throw new Error(`consumer exited with ${code}: ${tailOf(stderr)}`);
 */
export function tailOf(text: string, n = 3): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}
