/**
 * Delivery periods: which tarball an alert belongs to, from its observation
 * time. `night` is the observing night as Rubin names it (dayObs): the UTC
 * day shifted back by 12 h, so night D runs from D 12:00 UTC to D+1 12:00 UTC
 * and every exposure of one Chilean night (≈ 23:00–10:00 UTC) lands in the
 * same period. `Nh` is a fixed UTC bin of N hours counted from the Unix epoch
 * (for N dividing 24 the bins start at 00:00 UTC each day).
 */
import { AlertflowError } from '../errors.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A parsed `--period`. */
export type PeriodSpec = { kind: 'night'; offsetHours: number } | { kind: 'hours'; hours: number };

/** One period: `[startMs, endMs)` and a file-name-safe key. */
export interface Period {
  /** `20251120` for a night, `20251121T03Z` for an hour bin. */
  key: string;
  startMs: number;
  endMs: number;
}

/**
 * Parses `night` or `<N>h` (N a positive integer up to 24·31).
 *
 * @example
 * parsePeriod('night'); // { kind: 'night', offsetHours: 12 }
 * parsePeriod('6h');    // { kind: 'hours', hours: 6 }
 */
export function parsePeriod(text: string): PeriodSpec {
  if (text === 'night') return { kind: 'night', offsetHours: 12 };
  const m = /^(\d+)h$/.exec(text);
  const hours = m ? Number(m[1]) : NaN;
  if (!Number.isInteger(hours) || hours < 1 || hours > 24 * 31) {
    throw new AlertflowError('ERR_ARCHIVE', `period must be "night" or "<N>h" with N a positive integer (got "${text}")`, { period: text });
  }
  return { kind: 'hours', hours };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const ymd = (d: Date): string => `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;

/**
 * The period holding the instant `ms` (ms since the epoch, UTC).
 *
 * @example
 * periodOf(parsePeriod('night'), Date.UTC(2025, 10, 21, 3)).key; // '20251120'
 * periodOf(parsePeriod('1h'), Date.UTC(2025, 10, 21, 3, 30)).key; // '20251121T03Z'
 */
export function periodOf(spec: PeriodSpec, ms: number): Period {
  if (!Number.isFinite(ms)) throw new AlertflowError('ERR_ARCHIVE', `alert time is not finite (${ms})`, { ms });
  if (spec.kind === 'night') {
    const shift = spec.offsetHours * HOUR_MS;
    const startMs = Math.floor((ms - shift) / DAY_MS) * DAY_MS + shift;
    return { key: ymd(new Date(startMs - shift)), startMs, endMs: startMs + DAY_MS };
  }
  const width = spec.hours * HOUR_MS;
  const startMs = Math.floor(ms / width) * width;
  const d = new Date(startMs);
  return { key: `${ymd(d)}T${pad(d.getUTCHours())}Z`, startMs, endMs: startMs + width };
}

/**
 * Default grace after a period's end before it is closed: 1 h for nights,
 * else a quarter of the bin (at most 1 h), so late packets of the last visit
 * still make it in without holding the tarball back long.
 *
 * @example
 * defaultGraceMs(parsePeriod('1h')); // 900000
 */
export function defaultGraceMs(spec: PeriodSpec): number {
  return spec.kind === 'night' ? HOUR_MS : Math.min(HOUR_MS, (spec.hours * HOUR_MS) / 4);
}
