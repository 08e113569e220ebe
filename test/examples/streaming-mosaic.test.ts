/** examples/streaming-mosaic, run the way its README says (this is its CI run). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const script = join(repo, 'examples', 'streaming-mosaic', 'run-night.js');

test('examples/streaming-mosaic: a 26-observation night gives 3 mosaics; a second run resumes and does nothing', () => {
  const work = mkdtempSync(join(tmpdir(), 'alertflow-example-mosaic-'));
  const run = () => spawnSync(process.execPath, [script, '--work', work, '--observations', '26'], { cwd: repo, encoding: 'utf8' });
  const first = run();
  assert.equal(first.status, 0, first.stderr);
  const status = JSON.parse(first.stdout.trim().split('\n').at(-1)!);
  assert.equal(status.groupsFormed, 3);
  assert.equal(status.mosaicsDone, 3);
  assert.match(first.stdout, /mosaic_\S+\s+completed\s+\d+x\d+ RA---SIN tiles=10/);
  assert.match(first.stdout, /_bpcal/);
  const second = run();
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /this run: staged 0, converted 0, groups formed 0, finished 0/);
  assert.deepEqual(JSON.parse(second.stdout.trim().split('\n').at(-1)!).mosaicsDone, 3);
  rmSync(work, { recursive: true, force: true });
});
