import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { servePublication } from '../../src/publication/web.js';
import { DAY, T0, openService, simulated } from './helpers.js';

const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const cli = (args: string[]) => spawnSync(process.execPath, [join(repo, 'bin', 'alertflow.js'), 'publication', ...args], { encoding: 'utf8' });
const CHROMIUM = '/usr/bin/chromium';
const NO_CHROMIUM = existsSync(CHROMIUM) ? false : `skipped: ${CHROMIUM} not found (install Debian chromium to run the headless-browser check)`;

const chromium = (args: string[]) =>
  new Promise<string>((resolvePromise, reject) => {
    const child = spawn(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', reject);
    child.on('close', () => resolvePromise(text));
  });

test('publication CLI: --help everywhere, simulate -> ingest -> run --until-idle -> status --json, usage errors exit 2', () => {
  for (const sub of [[], ['ingest'], ['run'], ['serve'], ['status'], ['simulate']]) {
    const r = cli([...sub, '--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Usage: alertflow publication${sub.length ? ` ${sub[0]}` : ''}`));
  }
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-pps-cli-'));
  const root = join(dir, 'pps');
  const msgs = join(dir, 'msgs');
  assert.equal(cli(['simulate', '--root', root, '--messages', msgs, '--datasets', '120', '--start', '2026-03-01T00:00:00Z', '--days', '2']).status, 0);
  const ing = cli(['ingest', '--root', root, '--messages', msgs, '--json']);
  assert.equal(ing.status, 0, ing.stderr);
  assert.deepEqual(JSON.parse(ing.stdout), { received: 120, inserted: 120, deadLetters: 0 });
  const run = cli(['run', '--root', root, '--until-idle', '--now', '2026-04-05T00:00:00Z']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /pass: unembargo 120, copy-to-main 120, delete-embargo 120, publish 120, expire \d+/);
  const st = JSON.parse(cli(['status', '--root', root, '--json', '--now', '2026-04-05T00:00:00Z']).stdout);
  assert.equal(st.datasets, 120);
  assert.equal(st.byRepository.embargo.DELETED, 120);
  assert.equal(st.byRepository.public.PRESENT + st.byRepository.public.EXPIRED, 120);
  assert.equal(cli(['ingest', '--root', root]).status, 2, 'no source');
  assert.equal(cli(['run', '--root', root, '--interval', 'x']).status, 2);
  const missing = cli(['ingest', '--root', root, '--messages', join(dir, 'nowhere')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /ERR_PUBLICATION/);
  rmSync(dir, { recursive: true, force: true });
});

test('web app: admin commands are POST forms (303 back, 400 when rejected) that pause, resume, retry and force-expire', async () => {
  const sim = await simulated(20, { days: 1 });
  const { pps, clock } = await openService(sim.root);
  await pps.ingest({ kind: 'files', dir: sim.messages });
  clock.set(T0 + 5 * DAY);
  await pps.runUntilIdle();
  const web = await servePublication(pps, { port: 0, title: 'test' });
  const post = (path: string, fields: Record<string, string>) => fetch(`${web.url}${path.slice(1)}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  try {
    assert.ok(web.url.startsWith('http://127.0.0.1:'));
    let r = await post('/admin/pause', { task: 'expire', back: '/' });
    assert.equal(r.status, 303);
    assert.match(r.headers.get('location')!, /^\/\?msg=paused/);
    assert.deepEqual([...(await pps.pausedTasks())], ['expire']);
    const id = (await pps.db.read<{ dataset_id: string }>('SELECT dataset_id FROM datasets ORDER BY dataset_id LIMIT 1'))[0].dataset_id;
    r = await post('/admin/force-expire', { dataset_id: id, back: `/dataset/${id}` });
    assert.equal(r.status, 303);
    assert.ok(r.headers.get('location')!.startsWith(`/dataset/${id}?msg=`));
    assert.equal((await pps.runUntilIdle()).expire.paused, true, 'paused: nothing expires yet');
    assert.equal((await post('/admin/resume', { task: 'expire' })).status, 303);
    assert.equal((await pps.runUntilIdle()).expire.done, 1);
    assert.equal((await pps.db.dataset(id))!.public_status, 'EXPIRED');
    assert.equal((await post('/admin/force-expire', { dataset_id: id })).status, 400, 'already expired');
    assert.equal((await post('/admin/pause', { task: 'nope' })).status, 400);
    r = await post('/admin/retry', { task: 'publish' });
    assert.equal(r.status, 303);
    assert.match(decodeURIComponent(r.headers.get('location')!), /cleared 0 failure/);
    const page = await (await fetch(`${web.url}dataset/${id}`)).text();
    assert.match(page, /data-field="public status">EXPIRED/);
    assert.match(page, /force-expire requested/);
    assert.equal((await fetch(`${web.url}dataset/00000000-0000-4000-8000-000000000000`)).status, 404);
    assert.equal((await fetch(`${web.url}dataset?id=${id}`, { redirect: 'manual' })).headers.get('location'), `/dataset/${id}`);
    const json = (await (await fetch(`${web.url}status.json`)).json()) as { recentAdmin: Array<{ action: string }> };
    assert.deepEqual(json.recentAdmin.map((a) => a.action), ['retry', 'resume', 'force-expire', 'pause']);
  } finally {
    await web.close();
    await pps.close();
    rmSync(sim.dir, { recursive: true, force: true });
  }
});

test('web page in headless chromium: counts per repository and status, tasks, collections, the history page (dump-dom and a screenshot)', { skip: NO_CHROMIUM }, async () => {
  const sim = await simulated(300, { days: 10 });
  const { pps, clock } = await openService(sim.root);
  await pps.ingest({ kind: 'files', dir: sim.messages });
  clock.set(T0 + 36 * DAY); // published and partly expired; the last days still embargoed or waiting
  await pps.setPaused('delete-prep', true);
  await pps.runUntilIdle();
  const s = await pps.status();
  const web = await servePublication(pps, { port: 0, title: 'simulated night' });
  try {
    const dom = await chromium(['--dump-dom', web.url]);
    const cell = (repoName: string, status: string) => new RegExp(`data-repo="${repoName}" data-status="${status}">(\\d+)<`).exec(dom)?.[1];
    for (const r of ['embargo', 'prompt_prep', 'repo_main', 'public'] as const) for (const v of ['none', 'PRESENT', 'DELETED', 'EXPIRED']) assert.equal(cell(r, v), String(s.byRepository[r][v]), `${r} ${v}`);
    assert.ok(s.byRepository.public.EXPIRED > 0 && s.byRepository.public.PRESENT > 0);
    assert.equal(/data-ready="delete-prep">(\d+)</.exec(dom)?.[1], String(s.byRepository.public.EXPIRED), 'paused task: everything expired is waiting for it');
    assert.match(dom, /id="task-delete-prep">.*paused/);
    assert.match(dom, /<form class="inline" method="post" action="\/admin\/resume">/);
    assert.equal(new RegExp('data-collection="Prompt/Outputs/Expired">(\\d+)<').exec(dom)?.[1], String(s.byRepository.public.EXPIRED));
    const id = (await pps.db.read<{ dataset_id: string }>("SELECT dataset_id FROM datasets WHERE public_status = 'EXPIRED' ORDER BY dataset_id LIMIT 1"))[0].dataset_id;
    const history = await chromium(['--dump-dom', `${web.url}dataset/${id}`]);
    for (const ev of ['ingested', 'unembargo', 'copy-to-main', 'delete-embargo', 'publish', 'expire']) assert.match(history, new RegExp(`<td>${ev}</td>`));
    const shot = join(process.env.PPS_SCREENSHOT_DIR ?? sim.dir, 'publication-status.png');
    await chromium([`--screenshot=${shot}`, '--window-size=1100,1200', '--hide-scrollbars', web.url]);
    assert.deepEqual([...readFileSync(shot).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  } finally {
    await web.close();
    await pps.close();
    rmSync(sim.dir, { recursive: true, force: true });
  }
});
