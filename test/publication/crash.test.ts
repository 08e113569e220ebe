/**
 * Crash safety evidence: 10,000 datasets; the service is killed with SIGKILL
 * at 50 seeded points (40 at a seeded checkpoint count, 10 at a seeded delay
 * after start-up) and restarted each time, then run to the end. The state
 * database and every file of the four repositories must equal a crash-free
 * run: nothing lost, nothing done twice (the history would show it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { PublicationService } from '../../src/publication/service.js';
import { Rng } from '../../src/simulator/prng.js';
import { dbSnapshot, fileHashes, scratchBase, simulated } from './helpers.js';

const childScript = fileURLToPath(new URL('./crash-child.js', import.meta.url));
const run = (root: string, messages: string, killAt?: number) => spawnSync(process.execPath, [childScript, root, messages, ...(killAt === undefined ? [] : [String(killAt)])], { encoding: 'utf8' });

/** Starts a child and SIGKILLs it `delayMs` after it printed `ready`. */
function runTimed(root: string, messages: string, delayMs: number): Promise<{ signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [childScript, root, messages], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n') && !out.includes('armed')) {
        out += 'armed\n';
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.on('close', (_code, signal) => resolve({ signal, out }));
  });
}

async function snapshot(root: string) {
  const pps = await PublicationService.open({ root });
  const db = await dbSnapshot(pps);
  await pps.close();
  return { db, files: fileHashes(root) };
}

test('crash safety: 10,000 datasets, SIGKILL at 50 seeded points, restart each time: same database and repositories as a crash-free run', async () => {
  const started = performance.now();
  const sim = await simulated(10_000, { perMessage: 20, base: scratchBase() });
  const crashRoot = join(sim.dir, 'crash');
  cpSync(sim.root, crashRoot, { recursive: true }); // the same embargo repository, before anything ran
  const clean = run(sim.root, sim.messages);
  assert.equal(clean.status, 0, clean.stderr);
  const [, total, workMs] = /after (\d+) checkpoints in (\d+) ms/.exec(clean.stdout)!.map(Number);
  const reference = await snapshot(sim.root);
  assert.equal(reference.db.datasets.length, 10_000);

  const rng = new Rng(20260301);
  const kills: string[] = [];
  for (let i = 0; i < 50; i++) {
    if (i % 5 === 4) {
      const delay = Math.floor(rng.uniform(0, workMs / 40));
      const r = await runTimed(crashRoot, sim.messages, delay);
      assert.equal(r.signal, 'SIGKILL', `timed kill ${i} (${delay} ms): the child finished first:\n${r.out}`);
      kills.push(`${delay}ms`);
    } else {
      const at = 1 + Math.floor(rng.uniform(0, total / 25));
      const r = run(crashRoot, sim.messages, at);
      assert.equal(r.signal, 'SIGKILL', `kill ${i} at checkpoint ${at}: ${r.stdout}${r.stderr}`);
      kills.push(/\((.*)\)/.exec(r.stdout)![1]);
    }
  }
  const resumed = run(crashRoot, sim.messages);
  assert.equal(resumed.status, 0, resumed.stderr);
  const got = await snapshot(crashRoot);
  assert.deepEqual(got.db, reference.db, 'state database after 50 kills');
  assert.deepEqual(got.files, reference.files, 'repository files after 50 kills');
  const labels = new Set(kills.filter((k) => !k.endsWith('ms')).map((k) => k.split(':')[0]));
  process.stdout.write(`# ${total} checkpoints in a clean run (${workMs} ms of work); killed in: ${[...labels].sort().join(', ')}; whole test ${Math.round((performance.now() - started) / 1000)} s\n`);
  assert.ok(labels.size >= 5, `kills should land in several tasks: ${[...labels].join(', ')}`);
  rmSync(sim.dir, { recursive: true, force: true });
});
