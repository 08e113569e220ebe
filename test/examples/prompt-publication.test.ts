/** examples/prompt-publication, run the way its README says (this is its CI run). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const script = join(repo, 'examples', 'prompt-publication', 'run.js');

test('examples/prompt-publication: 200 datasets published, then all expired by day 100; a second run does nothing', () => {
  const work = mkdtempSync(join(tmpdir(), 'alertflow-example-pps-'));
  const run = () => spawnSync(process.execPath, [script, '--work', work, '--datasets', '200'], { cwd: repo, encoding: 'utf8' });
  const first = run();
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /intake: received 200, inserted 200, rejected 0/);
  assert.match(first.stdout, /day {3}0: published 0, expired 0/);
  assert.match(first.stdout, /day {3}5: published 200, expired 0/);
  const last = JSON.parse(first.stdout.trim().split('\n').at(-1)!);
  assert.deepEqual([last.embargo.DELETED, last.prompt_prep.DELETED, last.repo_main.DELETED, last.public.EXPIRED], [200, 200, 200, 200]);
  const second = run();
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /intake: received 0, inserted 0/);
  assert.match(second.stdout, /day 100: published 0, expired 0/);
  rmSync(work, { recursive: true, force: true });
});
