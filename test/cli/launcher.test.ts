/**
 * The `alertflow` launcher: a pool run that fills every core runs again with
 * single-threaded GC, and signals still reach it once (drain on the first).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gcFlagsFor, SINGLE_THREADED_GC } from '../../src/cli/gc-choice.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const cores = availableParallelism();

/** A pool graph that runs far longer than a test waits: simulate → decode (pool) → ids → JSONL. */
function longNight() {
  return {
    name: 'long-night',
    steps: [
      { id: 'night', kind: 'source', type: 'simulate', config: { alerts: 1_000_000, seed: 3 } },
      { id: 'decode', kind: 'step', type: 'decode', inputs: ['night'], pool: true, config: { fields: ['diaSourceId'] } },
      { id: 'rows', kind: 'step', type: 'select', inputs: ['decode'], config: { fields: { id: 'alert.diaSourceId' } } },
      { id: 'out', kind: 'sink', type: 'jsonl', inputs: ['rows'], key: 'id', config: { path: 'out.jsonl' } },
    ],
  };
}

/** Waits (up to 30 s) until the run in `dir` has created its output; false if it never did. */
async function startedWriting(dir: string): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  while (!existsSync(join(dir, 'out.jsonl')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return existsSync(join(dir, 'out.jsonl'));
}

test('gcFlagsFor: single-threaded GC only when pool workers alone fill every core', () => {
  const single = [SINGLE_THREADED_GC];
  assert.deepEqual(gcFlagsFor(['run', 'g.json'], [], {}, 2), single, 'threads default to cores');
  assert.deepEqual(gcFlagsFor(['run', 'g.json', '--threads', '2'], [], {}, 2), single);
  assert.deepEqual(gcFlagsFor(['run', 'g.json', '--threads=4'], [], {}, 2), single);
  assert.deepEqual(gcFlagsFor(['demo'], [], {}, 8), single);
  assert.deepEqual(gcFlagsFor(['run', 'g.json', '--threads', '0'], [], {}, 2), [], 'in-process: helpers use the idle core');
  assert.deepEqual(gcFlagsFor(['run', 'g.json', '--threads', '3'], [], {}, 8), [], 'fewer workers than cores');
  assert.deepEqual(gcFlagsFor(['inspect', 'x.avro'], [], {}, 2), [], 'no pool');
  assert.deepEqual(gcFlagsFor(['run', '--help'], [], {}, 2), []);
  assert.deepEqual(gcFlagsFor(['run', 'g.json'], [], { ALERTFLOW_LAUNCHED: '1' }, 2), [], 'never relaunches twice');
  assert.deepEqual(gcFlagsFor(['run', 'g.json'], [], { ALERTFLOW_PARALLEL_GC: '1' }, 2), [], 'opt-out');
  assert.deepEqual(gcFlagsFor(['run', 'g.json'], ['--single-threaded-gc'], {}, 2), [], "the user's own GC flag wins");
  assert.deepEqual(gcFlagsFor(['run', 'g.json', '--', '--threads', '0'], [], {}, 2), single, 'after --, arguments are the graph module’s');
});

test('launcher: the relaunched run has the flag, and a Ctrl-C to the whole group drains once', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-launcher-'));
  try {
    writeFileSync(join(dir, 'graph.json'), JSON.stringify(longNight()));
    // detached: its own process group, so the test can signal the group as a terminal does.
    const launcher = spawn(process.execPath, [join(repo, 'bin', 'alertflow.js'), 'run', 'graph.json', '--threads', String(cores), '--no-progress'], { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    launcher.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    launcher.stdout.resume();
    const exited = new Promise<number | null>((res) => launcher.on('exit', (code) => res(code)));
    assert.ok(await startedWriting(dir), `the run started writing (stderr: ${stderr})`);
    const children = readFileSync(`/proc/${launcher.pid}/task/${launcher.pid}/children`, 'utf8').trim().split(/\s+/);
    assert.equal(children.length, 1);
    const cmdline = readFileSync(`/proc/${children[0]}/cmdline`, 'utf8').split('\0');
    assert.ok(cmdline.includes(SINGLE_THREADED_GC), cmdline.join(' '));
    process.kill(-launcher.pid!, 'SIGINT');
    const code = await exited;
    assert.equal(code, 0, stderr);
    assert.equal(stderr.match(/SIGINT received: draining/g)?.length, 1, stderr);
    assert.doesNotMatch(stderr, /second SIGINT/);
    const m = /records in\s+(\d+)/.exec(stderr);
    assert.ok(m && Number(m[1]) > 0 && Number(m[1]) < 1_000_000, stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('launcher: SIGKILL of the launcher takes the relaunched run down with it', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-launcher-'));
  try {
    writeFileSync(join(dir, 'graph.json'), JSON.stringify(longNight()));
    const launcher = spawn(process.execPath, [join(repo, 'bin', 'alertflow.js'), 'run', 'graph.json', '--threads', String(cores), '--no-progress'], { cwd: dir, stdio: 'ignore' });
    assert.ok(await startedWriting(dir), 'the run started writing');
    const child = readFileSync(`/proc/${launcher.pid}/task/${launcher.pid}/children`, 'utf8').trim();
    assert.match(child, /^\d+$/);
    launcher.kill('SIGKILL');
    const gone = Date.now() + 5_000;
    while (existsSync(`/proc/${child}`) && !readFileSync(`/proc/${child}/stat`, 'utf8').includes(') Z') && Date.now() < gone) await new Promise((r) => setTimeout(r, 20));
    assert.ok(!existsSync(`/proc/${child}`) || readFileSync(`/proc/${child}/stat`, 'utf8').includes(') Z'), 'the child is gone');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
