/**
 * Crash safety: the writer runs in a child process, stalls at a chosen point
 * (ALERTFLOW_HATS_TEST_STALL=<phase>:<n>, a test-only hook), is SIGKILLed
 * there, and the next run must leave a valid catalog with every row once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { oracleScript, pythonOracle, runPython } from '../../src/testing/python.js';
import { datasetFiles, inspectCatalog, leftovers, makeInput } from './helpers.js';

const runner = fileURLToPath(new URL('./cli-runner.js', import.meta.url));
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'alertflow-hats-crash-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI until it reports the stall, then SIGKILLs it. */
function runAndKill(args: string[], stall: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runner, ...args], { env: { ...process.env, ALERTFLOW_HATS_TEST_STALL: stall }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`writer never reached ${stall}: ${err}`));
    }, 60_000);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes(`ALERTFLOW_HATS_STALLED ${stall}`)) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`writer exited ${code} before the stall: ${err}`));
    });
  });
}

function run(args: string[]): string {
  const r = spawnSync(process.execPath, [runner, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stderr;
}

/** Strict hats validation when the oracle venv is there (the DuckDB checks always run). */
async function strictValid(root: string): Promise<void> {
  if (!pythonOracle()) return;
  const r = await runPython(oracleScript('hats_check.py'), ['validate', root]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout.trim().split('\n').pop()!).valid, true);
}

const snapshot = (root: string) => ({
  files: datasetFiles(root),
  partitions: readFileSync(join(root, 'partition_info.csv'), 'utf8'),
  props: readFileSync(join(root, 'hats.properties'), 'utf8'),
});

test('export killed after writing some leaves leaves no catalog; the rerun cleans up and writes every row once', async () => {
  const input = await makeInput(join(dir, 'x.parquet'), { n: 12000, ra: [0, 90], dec: [-30, 30] });
  const out = join(dir, 'cat-x');
  const args = ['export', 'hats', '--input', input, '--ra-column', 'ra', '--dec-column', 'dec', '--out', out, '--max-rows', '800', '--quiet'];
  await runAndKill(args, 'leaf:4');
  assert.ok(!existsSync(out), 'no half-written catalog at --out');
  const staged = leftovers(out).filter((n) => n.includes('staging'));
  assert.equal(staged.length, 1);
  const stem = join(dir, staged[0]!, 'catalog', 'dataset');
  assert.ok(readdirSync(stem).some((n) => n.startsWith('Norder=')), 'the killed run had written leaves');
  run(args);
  assert.deepEqual(leftovers(out), []);
  const f = await inspectCatalog(out);
  assert.deepEqual([f.rows, f.distinctIds, f.outside, f.unsorted], [12000, 12000, 0, 0]);
  await strictValid(out);
});

test('append killed before its commit leaves the previous catalog untouched; the rerun appends once', async () => {
  const n1 = await makeInput(join(dir, 'a1.parquet'), { n: 6000, ra: [0, 60], dec: [0, 40] });
  const n2 = await makeInput(join(dir, 'a2.parquet'), { n: 3000, idStart: 6000, ra: [30, 120], dec: [0, 40], seed: 7 });
  const out = join(dir, 'cat-a');
  run(['export', 'hats', '--input', n1, '--ra-column', 'ra', '--dec-column', 'dec', '--out', out, '--max-rows', '700', '--quiet']);
  const before = snapshot(out);
  const args = ['export', 'hats', '--append', '--input', n2, '--ra-column', 'ra', '--dec-column', 'dec', '--out', out, '--quiet'];
  await runAndKill(args, 'leaf:3');
  assert.deepEqual(snapshot(out), before, 'catalog unchanged by the killed append');
  await strictValid(out);
  run(args);
  assert.deepEqual(leftovers(out), []);
  const f = await inspectCatalog(out);
  assert.deepEqual([f.rows, f.distinctIds, f.outside], [9000, 9000, 0]);
  await strictValid(out);
});

test('append killed after its commit (half the files moved) is rolled forward, never duplicated', async () => {
  const n1 = await makeInput(join(dir, 'b1.parquet'), { n: 6000, ra: [200, 260], dec: [-50, -10] });
  const n2 = await makeInput(join(dir, 'b2.parquet'), { n: 3000, idStart: 6000, ra: [230, 300], dec: [-50, -10], seed: 9 });
  const out = join(dir, 'cat-b');
  run(['export', 'hats', '--input', n1, '--ra-column', 'ra', '--dec-column', 'dec', '--out', out, '--max-rows', '700', '--quiet']);
  const args = ['export', 'hats', '--append', '--input', n2, '--ra-column', 'ra', '--dec-column', 'dec', '--out', out, '--quiet'];
  await runAndKill(args, 'apply:2');
  const stderr = run(args);
  assert.match(stderr, /rolled a committed append forward/);
  assert.match(stderr, /already in/);
  assert.deepEqual(leftovers(out), []);
  const f = await inspectCatalog(out);
  assert.deepEqual([f.rows, f.distinctIds, f.outside], [9000, 9000, 0]);
  assert.ok(readFileSync(join(out, 'hats.properties'), 'utf8').includes('\nhats_nrows=9000\n'));
  await strictValid(out);
});

test('compaction killed while writing or in the middle of its swap keeps or restores a valid catalog', async () => {
  const n1 = await makeInput(join(dir, 'c1.parquet'), { n: 5000, ra: [40, 80], dec: [50, 70] });
  const n2 = await makeInput(join(dir, 'c2.parquet'), { n: 2000, idStart: 5000, ra: [40, 80], dec: [50, 70], seed: 3 });
  const out = join(dir, 'cat-c');
  run(['export', 'hats', '--input', n1, '--ra-column', 'ra', '--dec-column', 'dec', '--out', out, '--max-rows', '2000', '--quiet']);
  run(['export', 'hats', '--append', '--input', n2, '--ra-column', 'ra', '--dec-column', 'dec', '--out', out, '--quiet']);
  const before = snapshot(out);
  await runAndKill(['hats', 'compact', out, '--max-rows', '500', '--quiet'], 'leaf:2');
  assert.deepEqual(snapshot(out), before);
  await runAndKill(['hats', 'compact', out, '--max-rows', '500', '--quiet'], 'swap:1');
  assert.ok(!existsSync(out), 'killed between the two renames of the swap');
  // Any writer (here: a repeated append) first finishes the journaled swap.
  run(['export', 'hats', '--append', '--input', n2, '--ra-column', 'ra', '--dec-column', 'dec', '--out', out, '--quiet']);
  assert.deepEqual(leftovers(out), []);
  const f = await inspectCatalog(out);
  assert.deepEqual([f.rows, f.distinctIds, f.outside, f.unsorted], [7000, 7000, 0, 0]);
  assert.equal(f.files, f.partitions, 'the compacted catalog is in place (one file per partition)');
  await strictValid(out);
});
