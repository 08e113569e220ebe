import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AVAILABLE, EXPIRED, TASKS } from '../../src/publication/tasks.js';
import { localRepositories } from '../../src/publication/repository.js';
import { isAlertflowError } from '../../src/errors.js';
import { DAY, T0, dbSnapshot, fileHashes, openService, simulated } from './helpers.js';

test('each task\'s act is idempotent: acting twice leaves the same repositories, and the update records it once', async () => {
  const sim = await simulated(30);
  const { pps, clock } = await openService(sim.root);
  await pps.ingest({ kind: 'files', dir: sim.messages });
  clock.set(T0 + 200 * DAY); // everything is due
  for (const task of TASKS) {
    const ready = await pps.ready(task, clock.now());
    assert.ok(ready.length > 0, `${task.name} has work`);
    for (const d of ready) await task.act(pps.ctx, d, clock.now());
    const once = fileHashes(join(sim.root, 'repos'));
    for (const d of ready) await task.act(pps.ctx, d, clock.now());
    assert.deepEqual(fileHashes(join(sim.root, 'repos')), once, `${task.name}: a second act changes nothing`);
    await pps.db.tx((c) => task.update(c, ready.map((d) => d.dataset_id), clock.now()));
    const after = await dbSnapshot(pps);
    await pps.db.tx((c) => task.update(c, ready.map((d) => d.dataset_id), clock.now()));
    assert.deepEqual(await dbSnapshot(pps), after, `${task.name}: a repeated update (guarded) changes nothing`);
    assert.equal((await pps.ready(task, clock.now())).length, 0);
  }
  const s = await pps.status();
  assert.deepEqual([s.byRepository.embargo.DELETED, s.byRepository.prompt_prep.DELETED, s.byRepository.repo_main.DELETED, s.byRepository.public.EXPIRED], [30, 30, 30, 30]);
  const events = (await pps.datasetInfo(s.recentErrors[0]?.dataset_id ?? (await pps.db.read<{ dataset_id: string }>('SELECT dataset_id FROM datasets LIMIT 1'))[0].dataset_id))!.history.map((e) => e.event);
  assert.deepEqual(events, ['ingested', 'unembargo', 'copy-to-main', 'delete-embargo', 'publish', 'expire', 'delete-main', 'delete-prep']);
  await pps.close();
  rmSync(sim.dir, { recursive: true, force: true });
});

test('a redelivered message changes nothing; a malformed one is a dead letter, not a half-ingest', async () => {
  const sim = await simulated(50);
  writeFileSync(join(sim.messages, '999999.json'), '{"datasets":[{"id":"not-a-uuid"}]}');
  const { pps } = await openService(sim.root);
  const first = await pps.ingest({ kind: 'files', dir: sim.messages });
  assert.deepEqual([first.received, first.inserted, first.deadLetters], [50, 50, 1]);
  const before = await dbSnapshot(pps);
  const again = await pps.ingest({ kind: 'files', dir: sim.messages, checkpoint: join(sim.dir, 'fresh-offsets.json') });
  assert.deepEqual([again.received, again.inserted], [50, 0], 'every message read again, nothing inserted');
  assert.deepEqual(await dbSnapshot(pps), before);
  const resumed = await pps.ingest({ kind: 'files', dir: sim.messages });
  assert.equal(resumed.received, 0, 'the committed position skips what was ingested');
  await pps.close();
  rmSync(sim.dir, { recursive: true, force: true });
});

test('collections: published datasets are in Available; on expiry they move to Expired (DB and public repository), the record is kept', async () => {
  const sim = await simulated(40, { days: 1 });
  const { pps, clock } = await openService(sim.root);
  await pps.ingest({ kind: 'files', dir: sim.messages });
  clock.set(T0 + 5 * DAY);
  await pps.runUntilIdle();
  const pub = localRepositories(join(sim.root, 'repos')).public;
  let s = await pps.status();
  assert.deepEqual(s.collections, { [AVAILABLE]: 40 });
  assert.equal((await pub.members(AVAILABLE)).length, 40);
  clock.set(T0 + 35 * DAY); // difference images and others (30 d) expire, visit images (90 d) stay
  await pps.runUntilIdle();
  s = await pps.status();
  const visits = Number((await pps.db.read<{ n: bigint }>("SELECT count(*) n FROM datasets WHERE dataset_type = 'preliminary_visit_image'"))[0].n);
  assert.ok(visits > 0 && visits < 40);
  assert.deepEqual(s.collections, { [AVAILABLE]: visits, [EXPIRED]: 40 - visits });
  assert.deepEqual((await pub.members(AVAILABLE)).length, visits);
  const expired = await pub.members(EXPIRED);
  assert.equal(expired.length, 40 - visits);
  const meta = await pub.readMetadata(expired[0]);
  assert.equal(meta?.collection, EXPIRED, 'the public record is kept and says Expired');
  assert.equal(await localRepositories(join(sim.root, 'repos')).prompt_prep.readMetadata(expired[0]), undefined, 'prompt_prep copy deleted');
  assert.equal(s.byRepository.public.EXPIRED, 40 - visits);
  await pps.close();
  rmSync(sim.dir, { recursive: true, force: true });
});

test('failures are data: a missing embargo file is recorded per dataset, others go on; retry after the fix; pause/resume', async () => {
  const sim = await simulated(10, { days: 1 });
  const repos = localRepositories(join(sim.root, 'repos'));
  const { pps, clock } = await openService(sim.root);
  await pps.ingest({ kind: 'files', dir: sim.messages });
  const victim = (await pps.db.read<{ dataset_id: string; files: string }>('SELECT dataset_id, files FROM datasets ORDER BY dataset_id LIMIT 1'))[0];
  const file = (JSON.parse(victim.files) as string[])[0];
  const bytes = (await repos.embargo.get(file))!;
  await repos.embargo.remove(file);
  await pps.setPaused('publish', true);
  clock.set(T0 + 5 * DAY);
  const pass = await pps.runUntilIdle();
  assert.deepEqual([pass.unembargo.done, pass.unembargo.failed, pass.publish.done, pass.publish.paused], [9, 1, 0, true]);
  const info = (await pps.datasetInfo(victim.dataset_id))!;
  assert.equal(info.errors[0].task, 'unembargo');
  assert.match(info.errors[0].error, /has no file/);
  assert.equal(info.history.at(-1)!.event, 'unembargo failed');
  await repos.embargo.put(file, bytes);
  assert.equal((await pps.runUntilIdle()).unembargo.done, 0, 'a failed dataset waits for a retry');
  assert.equal(await pps.retry({ datasetId: victim.dataset_id }), 1);
  await pps.setPaused('publish', false);
  const after = await pps.runUntilIdle();
  assert.deepEqual([after.unembargo.done, after.publish.done], [1, 10]);
  await assert.rejects(pps.setPaused('nope', true), (e) => isAlertflowError(e, 'ERR_PUBLICATION'));
  await assert.rejects(pps.retry({}), (e) => isAlertflowError(e, 'ERR_PUBLICATION'));
  await pps.forceExpire(victim.dataset_id);
  assert.equal((await pps.runUntilIdle()).expire.done, 1, 'force-expire acts on the next pass, whatever the policy');
  await assert.rejects(pps.forceExpire(victim.dataset_id), (e) => isAlertflowError(e, 'ERR_PUBLICATION'));
  await pps.close();
  rmSync(sim.dir, { recursive: true, force: true });
});
