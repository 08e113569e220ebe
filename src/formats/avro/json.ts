/**
 * Exact JSON and CSV output for decoded alerts: bigints print as bare
 * integers with every digit, byte fields as base64 or a short summary,
 * NaN and ±Infinity as null.
 */

/** How byte fields (cutouts) are written. */
export type BytesMode = 'base64' | 'summary';

/** Options of {@link stringifyExact}. */
export interface ExactJsonOptions {
  /** `base64` (default) or a `{"bytes": n, "format": …}` summary. */
  bytes?: BytesMode;
}

/** Format guessed from the first bytes of a stamp. */
export type StampFormat = 'fits' | 'fits.gz' | 'unknown';

/**
 * Guesses whether bytes are FITS (`SIMPLE  =`), gzip (assumed FITS inside) or unknown.
 *
 * @example
 * stampFormat(cutout); // 'fits.gz'
 */
export function stampFormat(b: Uint8Array): StampFormat {
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'fits.gz';
  if (b.length >= 9 && Buffer.from(b.buffer, b.byteOffset, 9).toString('latin1') === 'SIMPLE  =') return 'fits';
  return 'unknown';
}

/**
 * Summary of a byte field.
 *
 * @example
 * bytesSummary(cutout); // { bytes: 8437, format: 'fits.gz' }
 */
export function bytesSummary(b: Uint8Array): { bytes: number; format: StampFormat } {
  return { bytes: b.length, format: stampFormat(b) };
}

function base64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

function write(v: unknown, opts: ExactJsonOptions, out: string[]): void {
  switch (typeof v) {
    case 'string':
      out.push(JSON.stringify(v));
      return;
    case 'number':
      out.push(Number.isFinite(v) ? String(v) : 'null');
      return;
    case 'bigint':
      out.push(v.toString());
      return;
    case 'boolean':
      out.push(v ? 'true' : 'false');
      return;
    case 'object':
      break;
    default:
      out.push('null');
      return;
  }
  if (v === null) {
    out.push('null');
    return;
  }
  if (v instanceof Uint8Array) {
    if (opts.bytes === 'summary') out.push(`{"bytes":${v.length},"format":"${stampFormat(v)}"}`);
    else out.push(`"${base64(v)}"`);
    return;
  }
  if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(',');
      write(v[i], opts, out);
    }
    out.push(']');
    return;
  }
  const withToJSON = v as { toJSON?: () => unknown };
  if (typeof withToJSON.toJSON === 'function') {
    write(withToJSON.toJSON(), opts, out);
    return;
  }
  out.push('{');
  let first = true;
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(k), ':');
    write(x, opts, out);
  }
  out.push('}');
}

/**
 * JSON text of `value` with exact bigints (bare integers), bytes as base64 or
 * summaries, and null for NaN/±Infinity.
 *
 * @example
 * stringifyExact({ id: 2n ** 63n - 1n }); // '{"id":9223372036854775807}'
 */
export function stringifyExact(value: unknown, opts: ExactJsonOptions = {}): string {
  const out: string[] = [];
  write(value, opts, out);
  return out.join('');
}

/**
 * One JSON Lines line (with trailing newline), see {@link stringifyExact}.
 *
 * @example
 * stream.write(toJSONLine(alert, { bytes: 'summary' }));
 */
export function toJSONLine(value: unknown, opts: ExactJsonOptions = {}): string {
  return stringifyExact(value, opts) + '\n';
}

function quoteCsv(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * One CSV cell: exact bigints, empty for null/undefined, bytes as base64 or
 * `<format> <n> bytes`, objects as exact JSON; quoted when needed.
 *
 * @example
 * csvCell(9007199254740993n); // '9007199254740993'
 */
export function csvCell(value: unknown, opts: ExactJsonOptions = {}): string {
  if (value === null || value === undefined) return '';
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isNaN(value) ? 'NaN' : String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return quoteCsv(value);
    default:
      break;
  }
  if (value instanceof Uint8Array) return opts.bytes === 'summary' ? `${stampFormat(value)} ${value.length} bytes` : base64(value);
  return quoteCsv(stringifyExact(value, opts));
}
