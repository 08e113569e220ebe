/** Where benches read and write: everything lives under `bench/results/` (gitignored). */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/testing/repo-root.js';

export { repoRoot };

/** `bench/results/`, created on first use. */
export function resultsDir(): string {
  const dir = join(repoRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** `bench/results/cache/`: generated inputs, kept between runs so re-runs skip the simulator. */
export function cacheDir(): string {
  const dir = join(resultsDir(), 'cache');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The official lsst.v11_0 schema folder in `../shared/data`, or undefined when the shared data is absent. */
export function officialSchemaDir(): string | undefined {
  const dir = join(repoRoot(), '..', 'shared', 'data', 'lsst-alert-packet', '11.0');
  return existsSync(join(dir, 'lsst.v11_0.alert.avsc')) ? dir : undefined;
}
