import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY, expiryTime, parsePolicy, unembargoTime } from '../../src/publication/policy.js';
import { PublicationDb } from '../../src/publication/state-db.js';
import { readySql, taskNamed } from '../../src/publication/tasks.js';
import { isAlertflowError } from '../../src/errors.js';
import { DAY, T0 } from './helpers.js';

test('parsePolicy: defaults, the short forms ("30d", "12h", a number, "never"), and typed errors', () => {
  assert.deepEqual(parsePolicy(undefined), DEFAULT_POLICY);
  const p = parsePolicy({ embargoHours: 80, types: { difference_image: '30d', calexp: '12h', raw_summary: 'never', x: 7 }, default: null });
  assert.equal(p.embargoHours, 80);
  assert.deepEqual(p.types, { difference_image: { expireAfterDays: 30 }, calexp: { expireAfterDays: 0.5 }, raw_summary: { expireAfterDays: null }, x: { expireAfterDays: 7 } });
  assert.deepEqual(p.default, { expireAfterDays: null });
  for (const bad of [{ embargoHours: -1 }, { types: { a: 'soon' } }, { expireFrom: 'ingest' }, { nope: 1 }, [], { types: { a: { expireAfterDays: -3 } } }]) {
    assert.throws(() => parsePolicy(bad), (e) => isAlertflowError(e, 'ERR_PUBLICATION'), JSON.stringify(bad));
  }
});

test('expiryTime and unembargoTime: per type, default, never, from exposure or publication', () => {
  const d = { dataset_type: 'difference_image', exposure_time: T0, publication_time: T0 + 3 * DAY };
  assert.equal(expiryTime(DEFAULT_POLICY, d), T0 + 30 * DAY);
  assert.equal(expiryTime(DEFAULT_POLICY, { ...d, dataset_type: 'preliminary_visit_image' }), T0 + 90 * DAY);
  assert.equal(expiryTime(DEFAULT_POLICY, { ...d, dataset_type: 'something_else' }), T0 + 30 * DAY, 'the default rule');
  const fromPub = parsePolicy({ expireFrom: 'publication', types: { keep: 'never' } });
  assert.equal(expiryTime(fromPub, d), T0 + 33 * DAY);
  assert.equal(expiryTime(fromPub, { ...d, publication_time: null }), null);
  assert.equal(expiryTime(fromPub, { ...d, dataset_type: 'keep' }), null);
  assert.equal(unembargoTime(DEFAULT_POLICY, T0), T0 + 3 * DAY);
});

test('the expire task query (SQL) selects exactly the datasets the policy function says have expired', async () => {
  const db = await PublicationDb.open(':memory:');
  const types = ['difference_image', 'preliminary_visit_image', 'other', 'keep'];
  const policy = parsePolicy({ types: { difference_image: 30, preliminary_visit_image: 90, keep: 'never' }, default: 45 });
  const rows = Array.from({ length: 200 }, (_, i) => ({ dataset_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, dataset_type: types[i % 4], exposure_time: T0 + i * DAY * 0.6, files: ['f'] }));
  await db.insertDatasets(rows, T0);
  await db.tx((c) => c.run("UPDATE datasets SET public_status = 'PRESENT', publication_time = exposure_time + 259200000").then(() => undefined));
  for (const now of [T0, T0 + 40 * DAY, T0 + 100 * DAY, T0 + 400 * DAY]) {
    const { sql, params } = readySql(taskNamed('expire'), policy, now, 1);
    const got = (await db.read<{ dataset_id: string }>(`SELECT dataset_id FROM datasets WHERE ${sql} ORDER BY dataset_id`, params)).map((r) => r.dataset_id);
    const want = rows.filter((r) => { const t = expiryTime(policy, { ...r, publication_time: r.exposure_time + 3 * DAY }); return t !== null && t <= now; }).map((r) => r.dataset_id).sort();
    assert.deepEqual(got, want, `at day ${(now - T0) / DAY}`);
  }
  await db.close();
});
