/** Small arithmetic for reports: medians, throughput figures, ratios. */

/** Rounds to `digits` decimals (keeps JSON readable). */
export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Median of a non-empty list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Throughput of one timed mode, from the seconds of each round. */
export interface Throughput {
  /** Seconds of each round, in order. */
  runs: number[];
  /** Median seconds (the figure the rates use). */
  seconds: number;
  alertsPerSecond: number;
  /** Megabytes (10^6 bytes) of packets per second. */
  mbPerSecond: number;
}

/**
 * Summarises timed rounds that each processed `alerts` packets of `bytes` in total.
 *
 * @example
 * throughput([1.9, 2.1, 2.0], 5000, 389e6) // { seconds: 2, alertsPerSecond: 2500, mbPerSecond: 194.5, … }
 */
export function throughput(runs: number[], alerts: number, bytes: number): Throughput {
  const seconds = median(runs);
  return {
    runs: runs.map((r) => round(r, 4)),
    seconds: round(seconds, 4),
    alertsPerSecond: round(alerts / seconds, 1),
    mbPerSecond: round(bytes / 1e6 / seconds, 2),
  };
}

/** `a / b` rounded, or null when either side is missing (a skipped peer). */
export function ratio(a: number | undefined, b: number | undefined): number | null {
  return a === undefined || b === undefined || !(b > 0) ? null : round(a / b, 3);
}

/** Seconds elapsed since `t0` (a `performance.now()` reading). */
export function since(t0: number): number {
  return (performance.now() - t0) / 1000;
}
