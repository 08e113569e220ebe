import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { StreamingMosaic } from '../../src/mosaic/process.js';
import { dbSnapshot, fileHashes, nightDir } from './helpers.js';

const childScript = fileURLToPath(new URL('./crash-child.js', import.meta.url));
const run = (root: string, incoming: string, killAt?: number) => spawnSync(process.execPath, [childScript, root, incoming, ...(killAt === undefined ? [] : [String(killAt)])], { encoding: 'utf8' });

async function snapshot(root: string, incoming: string) {
  const p = await StreamingMosaic.open({ root, incoming });
  const db = await dbSnapshot(p, root);
  await p.close();
  return { db, files: fileHashes(root) };
}

test('crash and resume: SIGKILL mid-night at several points, restart, same database and files as a crash-free run', async () => {
  const night = nightDir(26); // 26 observations: 3 groups (0-9, 8-17, 16-25), including the calibrator transit
  const clean = run(join(night.dir, 'clean'), night.incoming);
  assert.equal(clean.status, 0, clean.stderr);
  const total = Number(/after (\d+) checkpoints/.exec(clean.stdout)![1]);
  const reference = await snapshot(join(night.dir, 'clean'), night.incoming);
  assert.equal(reference.db.mosaic_groups.length, 3);
  const before = fileHashes(night.incoming);
  // Kill points: during staging, conversion, each group stage, and at the very end.
  const points = [3, 30, 26 * 2 + 1, 26 * 2 + 2, 26 * 2 + 3, 26 * 2 + 7, total - 1, total];
  for (const at of points) {
    const root = join(night.dir, `crash-${at}`);
    const crashed = run(root, night.incoming, at);
    assert.equal(crashed.signal, 'SIGKILL', `killed at ${at}: ${crashed.stdout}${crashed.stderr}`);
    const resumed = run(root, night.incoming);
    assert.equal(resumed.status, 0, resumed.stderr);
    const got = await snapshot(root, night.incoming);
    assert.deepEqual(got.db, reference.db, `database after a crash at checkpoint ${at}`);
    assert.deepEqual(got.files, reference.files, `files after a crash at checkpoint ${at}`);
  }
  // Two kills at arbitrary moments (mid-write, mid-transaction): whatever they interrupt, the restart converges.
  for (const delayMs of [350, 700]) {
    const root = join(night.dir, `timed-${delayMs}`);
    const child = spawn(process.execPath, [childScript, root, night.incoming], { stdio: 'ignore' });
    const exited = new Promise((r) => child.on('close', r));
    setTimeout(() => child.kill('SIGKILL'), delayMs);
    await exited;
    const resumed = run(root, night.incoming);
    assert.equal(resumed.status, 0, resumed.stderr);
    const got = await snapshot(root, night.incoming);
    assert.deepEqual(got.db, reference.db, `database after a kill at ${delayMs} ms`);
    assert.deepEqual(got.files, reference.files, `files after a kill at ${delayMs} ms`);
  }
  assert.deepEqual(fileHashes(night.incoming), before, 'incoming is never modified');
  rmSync(night.dir, { recursive: true, force: true });
});
