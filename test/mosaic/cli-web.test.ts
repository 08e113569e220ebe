import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatus } from '../../src/mosaic/web.js';
import { nightDir, runPipeline } from './helpers.js';
import { simulatedSolver } from '../../src/mosaic/calibrate.js';

const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const cli = (args: string[]) => spawnSync(process.execPath, [join(repo, 'bin', 'alertflow.js'), 'streaming-mosaic', ...args], { encoding: 'utf8' });
const CHROMIUM = '/usr/bin/chromium';
const NO_CHROMIUM = existsSync(CHROMIUM) ? false : `skipped: ${CHROMIUM} not found (install Debian chromium to run the headless-browser check)`;

test('streaming-mosaic CLI: --help everywhere, simulate -> process -> check-groups -> clear-calibration, usage errors exit 2', () => {
  for (const sub of [[], ['process'], ['check-groups'], ['clear-calibration'], ['serve'], ['simulate']]) {
    const r = cli([...sub, '--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Usage: alertflow streaming-mosaic${sub.length ? ` ${sub[0]}` : ''}`));
  }
  const night = nightDir(0);
  const incoming = join(night.dir, 'in');
  assert.equal(cli(['simulate', '--incoming', incoming, '--observations', '12']).status, 0);
  const proc = cli(['process', '--root', night.root, '--incoming', incoming, '--json']);
  assert.equal(proc.status, 0, proc.stderr);
  const summary = JSON.parse(proc.stdout);
  assert.equal(summary.pass.staged, 12);
  assert.equal(summary.status.mosaicsDone, 1);
  const check = cli(['check-groups', '--root', night.root, '--incoming', incoming, '--json']);
  assert.equal(check.status, 0, check.stderr);
  const c = JSON.parse(check.stdout);
  assert.equal(c.groups.length, 1);
  assert.equal(c.ungrouped.length, 2);
  assert.equal(c.neededForNextGroup, 0 + 10 - (2 + 2), 'the 2 overlap MS + 2 ungrouped: 6 more needed');
  const clear = cli(['clear-calibration', '--root', night.root, '--group', c.groups[0].group_id]);
  assert.equal(clear.status, 0, clear.stderr);
  assert.match(clear.stdout, /cleared calibration of 2 MS/);
  assert.equal(cli(['clear-calibration', '--root', night.root]).status, 2);
  assert.equal(cli(['process', '--root', night.root, '--incoming', incoming, '--interval', 'x']).status, 2);
  const missing = cli(['process', '--root', night.root, '--incoming', join(night.dir, 'nowhere')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /ERR_MOSAIC/);
  rmSync(night.dir, { recursive: true, force: true });
});

test('status page: JSON counts, and headless chromium renders them (dump-dom and a screenshot)', { skip: NO_CHROMIUM }, async () => {
  const night = nightDir(30);
  // One group fails calibration, so the success rate is not trivially 100 %.
  const p = await runPipeline({ root: night.root, incoming: night.incoming, solver: simulatedSolver({ failGainsOn: (ts) => ts === night.stamps[12] }) });
  const web = await serveStatus(() => p.status(), 0, 'test night');
  try {
    const json = (await (await fetch(`${web.url}status.json`)).json()) as { groupsFormed: number; mosaicsDone: number; calibrationSuccessRate: number };
    assert.deepEqual([json.groupsFormed, json.mosaicsDone, json.calibrationSuccessRate], [3, 2, 2 / 3]);
    assert.equal((await fetch(`${web.url}nope`)).status, 404);
    const run = (args: string[]) =>
      new Promise<string>((resolvePromise, reject) => {
        const child = spawn(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
        let outText = '';
        child.stdout.on('data', (d: Buffer) => (outText += d.toString()));
        child.on('error', reject);
        child.on('close', () => resolvePromise(outText));
      });
    const dom = await run(['--dump-dom', web.url]);
    const value = (id: string) => new RegExp(`id="${id}"><div class="v">([^<]*)<`).exec(dom)?.[1];
    assert.equal(value('groups-formed'), '3');
    assert.equal(value('mosaics-done'), '2');
    assert.equal(value('cal-rate'), '67 %');
    assert.equal(value('ms-staging'), '0');
    assert.match(dom, /calibration_failed/);
    const shot = join(night.dir, 'status.png');
    await run([`--screenshot=${shot}`, '--window-size=1000,760', '--hide-scrollbars', web.url]);
    assert.deepEqual([...readFileSync(shot).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  } finally {
    await web.close();
    await p.close();
    rmSync(night.dir, { recursive: true, force: true });
  }
});

test('streaming-mosaic process --watch --status-port serves live counts and stops on SIGINT', async () => {
  const night = nightDir(12);
  const child = spawn(process.execPath, [join(repo, 'bin', 'alertflow.js'), 'streaming-mosaic', 'process', '--root', night.root, '--incoming', night.incoming, '--watch', '--interval', '1', '--status-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  for (let i = 0; i < 200 && !(/status page: (\S+)/.test(stderr) && /mosaics done 1\/1/.test(stdout)); i++) await new Promise((r) => setTimeout(r, 50));
  const url = /status page: (\S+)/.exec(stderr)?.[1];
  assert.ok(url, stderr);
  assert.ok(url.startsWith('http://127.0.0.1:'));
  const s = (await (await fetch(`${url}status.json`)).json()) as { mosaicsDone: number; groupsFormed: number };
  assert.deepEqual([s.groupsFormed, s.mosaicsDone], [1, 1]);
  child.kill('SIGINT');
  assert.equal(await exited, 0, stderr);
  rmSync(night.dir, { recursive: true, force: true });
});
