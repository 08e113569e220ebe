/** A folder's content as comparable data, for "a rerun changes nothing" and crash-recovery tests. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Relative path -> sha256 of every file under `dir`, in name order, skipping
 * files whose name matches `skip` (a service's own database). A folder that
 * does not exist holds no files, so it gives {}.
 */
export function fileHashes(dir: string, skip: RegExp): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!skip.test(name)) out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}
