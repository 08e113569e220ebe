/**
 * `hats.properties` / `properties` (Java-properties text, keys in insertion
 * order) and `partition_info.csv`.
 */
import { AlertflowError } from '../errors.js';
import { compareBreadthFirst, npixAt, type HatsPixel } from './pixel.js';

/**
 * Ordered key → value pairs of a properties file.
 *
 * @example
 * const p: HatsProperties = new Map([['obs_collection', 'night'], ['dataproduct_type', 'object']]);
 */
export type HatsProperties = Map<string, string>;

const KEY_RE = /^[A-Za-z0-9_.-]+$/;

/**
 * Formats properties as hats writes them: a `#HATS catalog` comment line, then
 * `key=value` lines. Backslashes and line breaks are refused (the reader would
 * interpret them as escapes / continuations).
 *
 * @example
 * formatProperties(new Map([['obs_collection', 'x']])) // '#HATS catalog\nobs_collection=x\n'
 */
export function formatProperties(props: HatsProperties): string {
  const lines = ['#HATS catalog'];
  for (const [k, v] of props) {
    if (!KEY_RE.test(k)) throw new AlertflowError('ERR_HATS', `invalid properties key ${JSON.stringify(k)}`);
    if (/[\\\r\n]/.test(v)) throw new AlertflowError('ERR_HATS', `properties value of ${k} must not hold a backslash or a line break`, { key: k });
    lines.push(`${k}=${v}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Parses a properties file (comments, `=` or `:` separators, whitespace around
 * the separator). Escapes and continuation lines are not supported; values with
 * a backslash raise ERR_HATS rather than being misread.
 *
 * @example
 * parseProperties('#HATS catalog\nhats_nrows=10\n').get('hats_nrows') // '10'
 */
export function parseProperties(text: string): HatsProperties {
  const out: HatsProperties = new Map();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    if (line.includes('\\')) throw new AlertflowError('ERR_HATS', `unsupported escape in properties line ${JSON.stringify(line)}`);
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (!m) throw new AlertflowError('ERR_HATS', `cannot parse properties line ${JSON.stringify(line)}`);
    out.set(m[1]!, m[2]!);
  }
  return out;
}

/**
 * An integer property, or `fallback` when the key is absent.
 *
 * @example
 * intProperty(props, 'hats_nrows') // 17161
 */
export function intProperty(props: HatsProperties, key: string, fallback?: number): number {
  const v = props.get(key);
  if (v === undefined || v === '') {
    if (fallback !== undefined) return fallback;
    throw new AlertflowError('ERR_HATS', `catalog properties lack ${key}`, { key });
  }
  const n = Number(v);
  if (!Number.isInteger(n)) throw new AlertflowError('ERR_HATS', `property ${key}=${v} is not an integer`, { key, value: v });
  return n;
}

/**
 * UTC creation date in the format hats writes (`YYYY-MM-DDTHH:MMUTC`).
 *
 * @example
 * hatsDate(new Date('2025-10-06T14:36:59Z')) // '2025-10-06T14:36UTC'
 */
export function hatsDate(d: Date = new Date()): string {
  return `${d.toISOString().slice(0, 16)}UTC`;
}

/**
 * `partition_info.csv`: header `Norder,Npix`, rows in breadth-first order.
 *
 * @example
 * formatPartitionInfo([{ order: 1, pixel: 47 }, { order: 0, pixel: 4 }]) // 'Norder,Npix\n0,4\n1,47\n'
 */
export function formatPartitionInfo(pixels: readonly HatsPixel[]): string {
  const rows = [...pixels].sort(compareBreadthFirst).map((p) => `${p.order},${p.pixel}`);
  return ['Norder,Npix', ...rows].join('\n') + '\n';
}

/**
 * Parses `partition_info.csv` (columns located by header name).
 *
 * @example
 * parsePartitionInfo('Norder,Npix\n0,4\n') // [{ order: 0, pixel: 4 }]
 */
export function parsePartitionInfo(text: string): HatsPixel[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new AlertflowError('ERR_HATS', 'partition_info.csv is empty (no header)');
  const header = lines[0]!.split(',').map((s) => s.trim());
  const io = header.indexOf('Norder');
  const ip = header.indexOf('Npix');
  if (io < 0 || ip < 0) throw new AlertflowError('ERR_HATS', `partition_info.csv header lacks Norder/Npix: ${lines[0]}`);
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    const order = Number(cells[io]);
    const pixel = Number(cells[ip]);
    if (!Number.isInteger(order) || !Number.isInteger(pixel) || order < 0 || pixel < 0 || pixel >= npixAt(order)) {
      throw new AlertflowError('ERR_HATS', `bad partition_info.csv row ${JSON.stringify(line)}`);
    }
    return { order, pixel };
  });
}
