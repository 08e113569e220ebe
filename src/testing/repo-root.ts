/**
 * Where the repository is, for tests and benches (never product code: an
 * installed package has no repository around it).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Repository root: the nearest folder above this module holding package.json
 * (works from dist/ and from source); the working directory when there is none.
 *
 * @example
 * const venv = join(repoRoot(), '.venv');
 */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}
