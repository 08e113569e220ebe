/**
 * File retention for a consumer's output folder (seed 001's layout:
 * `DIR/data/lsst_alerts_YYYYMMDD.csv` and `DIR/cutouts/*.fits`), replacing
 * its cron lines `find DIR/data -name "lsst_alerts_*.csv" -mtime +N -delete`
 * and `find DIR/cutouts -name "*.fits" -mtime +N -delete`.
 *
 * Age follows find's `-mtime +N`: whole days since the file was modified,
 * fractions dropped, must exceed N (so +60 removes files at least 61 days
 * old). With `by: 'name'` the age is counted from 00:00 UTC of the date in
 * the file name instead (files whose name has no date are kept).
 *
 * Only regular files under `DIR/data` and `DIR/cutouts` that match those
 * patterns are candidates; symbolic links are never followed or removed, so
 * nothing outside DIR and no other file type is touched.
 */
import { lstat, readdir, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AlertflowError } from '../errors.js';

const DAY_MS = 86_400_000;

/** Options of {@link applyFileRetention}. */
export interface FileRetentionOptions {
  dir: string;
  /** Keep files up to this many whole days old. */
  days: number;
  /** `mtime` (default, like find) or `name` (the date in the file name). */
  by?: 'mtime' | 'name';
  /** List what would be removed, remove nothing. */
  dryRun?: boolean;
  /** "Now", for tests (default Date.now()). */
  now?: number;
  /** Called with each path removed (or that would be). */
  onFile?: (path: string, ageDays: number) => void;
}

/** What {@link applyFileRetention} did. */
export interface FileRetentionResult {
  /** Paths removed (or that would be, with dryRun). */
  removed: string[];
  bytes: number;
  /** Candidate files kept because they are young enough. */
  kept: number;
  /** Files skipped in `name` mode because their name holds no date. */
  undated: string[];
  dryRun: boolean;
}

const RULES: ReadonlyArray<{ sub: string; match: RegExp; date: RegExp }> = [
  { sub: 'data', match: /^lsst_alerts_.*\.csv$/, date: /^lsst_alerts_(\d{4})(\d{2})(\d{2})\.csv$/ },
  { sub: 'cutouts', match: /^.*\.fits$/, date: /_(\d{4})(\d{2})(\d{2})_\d{6}\.fits$/ },
];

/**
 * Start of the UTC day named in a file name, or undefined.
 *
 * @example
 * dateFromName('lsst_alerts_20260210.csv', RULES[0].date); // Date.UTC(2026, 1, 10)
 */
function dateFromName(name: string, re: RegExp): number | undefined {
  const m = re.exec(name);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? t : undefined;
}

async function* regularFiles(dir: string): AsyncGenerator<{ path: string; name: string; mtimeMs: number; size: number }> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new AlertflowError('ERR_IO', `cannot list ${dir}: ${(err as Error).message}`, { dir }, { cause: err });
  }
  for (const name of names) {
    const path = join(dir, name);
    const st = await lstat(path);
    // lstat: a symlink is neither followed (it could lead outside DIR) nor removed.
    if (st.isDirectory()) yield* regularFiles(path);
    else if (st.isFile()) yield { path, name, mtimeMs: st.mtimeMs, size: st.size };
  }
}

/**
 * Removes (or lists, with dryRun) expired CSV and cutout files.
 *
 * @example
 * const r = await applyFileRetention({ dir: 'lsst_alerts', days: 60, dryRun: true });
 * console.log(r.removed.length, 'files would go');
 */
export async function applyFileRetention(o: FileRetentionOptions): Promise<FileRetentionResult> {
  if (!Number.isInteger(o.days) || o.days < 0) throw new AlertflowError('ERR_ARCHIVE', `days must be a non-negative integer (got ${o.days})`, { days: o.days });
  const by = o.by ?? 'mtime';
  if (by !== 'mtime' && by !== 'name') throw new AlertflowError('ERR_ARCHIVE', `by must be "mtime" or "name" (got ${String(by)})`, { by });
  const root = resolve(o.dir);
  const st = await lstat(root).catch(() => undefined);
  if (!st?.isDirectory()) throw new AlertflowError('ERR_IO', `not a directory: ${root}`, { dir: root });
  const now = o.now ?? Date.now();
  const result: FileRetentionResult = { removed: [], bytes: 0, kept: 0, undated: [], dryRun: o.dryRun === true };
  for (const rule of RULES) {
    for await (const f of regularFiles(join(root, rule.sub))) {
      if (!rule.match.test(f.name)) continue;
      const from = by === 'mtime' ? f.mtimeMs : dateFromName(f.name, rule.date);
      if (from === undefined) {
        result.undated.push(f.path);
        continue;
      }
      const ageDays = Math.floor((now - from) / DAY_MS);
      if (ageDays <= o.days) {
        result.kept++;
        continue;
      }
      if (!o.dryRun) await unlink(f.path);
      result.removed.push(f.path);
      result.bytes += f.size;
      o.onFile?.(f.path, ageDays);
    }
  }
  return result;
}
