import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { from, lastValueFrom, toArray } from 'rxjs';
import { filterExtendedness } from '../../src/operators/filterExtendedness.js';
import { createFilterExtendednessStep, guessLsstSchema } from '../../src/filters/extendedness-step.js';
import { evaluateExtendedness } from '../../src/filters/extendedness.js';
import { isAlertflowError } from '../../src/errors.js';
import { graph } from '../../src/runtime/builder.js';
import { runGraph, type DeadLetter } from '../../src/runtime/executor.js';
import { memorySink, memorySource } from '../../src/testing/memory.js';
import { stringifyExact } from '../../src/formats/avro/json.js';
import type { DecodedAlert } from '../../src/formats/types.js';
import { simulateNight } from '../../src/simulator/index.js';
import { rxChecklist } from '../helpers/rx-checklist.js';
import { alertWith } from '../filters/helpers.js';

const cfg = { medianMin: 0.4, requireSsSource: false };
const decoded = (a: Record<string, unknown>): DecodedAlert => ({ kind: 'alert', survey: 'lsst', schema: 'lsst.v11_0', alert: a });
const inputs = [[0.5, 0.9], [0.1, 0.2], [0.8], [null], [0.6, 0.3, 0.9]].map((v) => decoded(alertWith(v)));
const expected = (xs: DecodedAlert[]) => xs.flatMap((x) => {
  const v = evaluateExtendedness(x, cfg);
  return v.pass ? [{ ...x, extendedness: v.stats }] : [];
});

rxChecklist('filterExtendedness', {
  operator: () => filterExtendedness(cfg),
  inputs,
  expected,
  throwing: { operator: () => filterExtendedness(cfg), input: decoded({ candid: 1n }), error: (e) => isAlertflowError(e, 'ERR_ALERT_INVALID') },
});

test('filterExtendedness: bad config throws ERR_STEP_CONFIG at once', () => {
  assert.throws(() => filterExtendedness({ medianMin: 2, medianMax: 1, requireSsSource: false }), (e) => isAlertflowError(e, 'ERR_STEP_CONFIG'));
  assert.throws(() => filterExtendedness({} as never), (e) => isAlertflowError(e, 'ERR_STEP_CONFIG'));
});

test('filterExtendedness: bare alerts come out as DecodedAlerts; raw bytes and schema of DecodedAlerts are kept', async () => {
  const bare = alertWith([0.9]);
  const [out] = await lastValueFrom(from([bare]).pipe(filterExtendedness(cfg), toArray()));
  assert.equal(out!.kind, 'alert');
  assert.equal(out!.schema, 'lsst.v11_0');
  assert.equal(out!.alert, bare);
  assert.deepEqual(out!.extendedness, { median: 0.9, min: 0.9, max: 0.9, count: 1 });
  const raw = { kind: 'raw' as const, bytes: new Uint8Array([0, 0, 0, 3, 132]) };
  const [kept] = await lastValueFrom(from([{ ...decoded(bare), schema: 'lsst.v9_0', raw }]).pipe(filterExtendedness(cfg), toArray()));
  assert.equal(kept!.raw, raw);
  assert.equal(kept!.schema, 'lsst.v9_0');
  assert.equal(guessLsstSchema({ ...bare, MPCORB: null }), 'lsst.v9_0');
  assert.equal(guessLsstSchema({ ...bare, diaSource: { ...bare['diaSource'], psfNdata: null } }), 'lsst.v10_0');
});

test('filterExtendedness: onFailure takes non-Rubin records and the stream goes on', async () => {
  const failed: unknown[] = [];
  const out = await lastValueFrom(from([inputs[0], { kind: 'alert', alert: {} }, inputs[2]]).pipe(filterExtendedness(cfg, { onFailure: (r) => failed.push(r) }), toArray()));
  assert.equal(out.length, 2);
  assert.equal(failed.length, 1);
});

const stepModule = fileURLToPath(new URL('../../src/filters/extendedness-step.js', import.meta.url));

async function runOnce(pool: boolean, threads: number, alerts: unknown[]) {
  const spec = graph('fx')
    .source('alerts', 'external')
    .step('fx', 'module', { module: stepModule, export: 'createFilterExtendednessStep', medianMin: 0.5, requireSsSource: false }, { pool, batchSize: 25 })
    .sink('out', 'external')
    .build();
  const out = memorySink<unknown>();
  const dead = memorySink<DeadLetter>();
  await runGraph(spec, { threads, sources: { alerts: memorySource(alerts, { batchSize: 50 }) }, sinks: { out }, deadLetterSink: dead, batchWaitMs: 5 }).done;
  return { out: out.records.map((r) => stringifyExact(r.value, { bytes: 'summary' })), dead: dead.records.map((r) => r.value.code) };
}

test('graph: the step gives identical output in-process and on the pool (1 and 2 workers)', async () => {
  const alerts: unknown[] = [...simulateNight({ alerts: 120, seed: 5, ssFraction: 0.1 })].map((s) => decoded(s.alert as never));
  alerts.splice(7, 0, { kind: 'alert', survey: 'ztf', schema: 'ztf 4.02', alert: { candid: 1n } });
  const direct = (await createFilterExtendednessStep({ medianMin: 0.5, requireSsSource: false })(alerts)).flatMap((r) => (r.ok ? r.out : []));
  const runs = [await runOnce(false, 0, alerts), await runOnce(true, 1, alerts), await runOnce(true, 2, alerts)];
  assert.ok(direct.length > 10 && direct.length < 120);
  for (const r of runs) {
    assert.deepEqual(r.out, direct.map((d) => stringifyExact(d, { bytes: 'summary' })));
    assert.deepEqual(r.dead, ['ERR_ALERT_INVALID']);
  }
});
