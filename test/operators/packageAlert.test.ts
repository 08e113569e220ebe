import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { packageAlert, buildAlertPacket } from '../../src/operators/packageAlert.js';
import type { AlertParts } from '../../src/alerts/package.js';
import { isAlertflowError } from '../../src/errors.js';
import { graph } from '../../src/runtime/builder.js';
import { runGraph, type DeadLetter } from '../../src/runtime/executor.js';
import { memorySink, memorySource } from '../../src/testing/memory.js';
import { stringifyExact } from '../../src/formats/avro/json.js';
import { rxChecklist } from '../helpers/rx-checklist.js';
import { simulated } from '../alerts/helpers.js';

const inputs = simulated().slice(0, 6).map((s) => s.alert as unknown as AlertParts);
const summary = (v: unknown) => stringifyExact(v, { bytes: 'base64' });

rxChecklist('packageAlert', {
  operator: () => packageAlert({ schema: 'lsst.v11_0' }),
  inputs,
  expected: (xs) => xs.map((p) => {
    const r = buildAlertPacket(p);
    return { kind: 'alert' as const, survey: 'lsst' as const, schema: r.schema, alert: r.alert, raw: { kind: 'raw' as const, bytes: r.bytes } };
  }),
  normalise: summary,
  throwing: { operator: () => packageAlert(), input: { diaSource: {} } as AlertParts, error: (e) => isAlertflowError(e, 'ERR_ALERT_INVALID') && e.details['field'] === 'diaSource.diaSourceId' },
});

test('packageAlert: bad options throw ERR_STEP_CONFIG at once', () => {
  assert.throws(() => packageAlert({ schema: 'lsst.v12_0' as never }), (e) => isAlertflowError(e, 'ERR_STEP_CONFIG'));
});

const stepModule = fileURLToPath(new URL('../../src/alerts/step.js', import.meta.url));

async function runOnce(pool: boolean, threads: number, parts: unknown[]) {
  const spec = graph('pkg')
    .source('parts', 'external')
    .step('pkg', 'module', { module: stepModule, export: 'createPackageAlertStep', schema: 'lsst.v10_0', historyDays: 200 }, { pool, batchSize: 10 })
    .sink('out', 'external')
    .build();
  const out = memorySink<unknown>();
  const dead = memorySink<DeadLetter>();
  await runGraph(spec, { threads, sources: { parts: memorySource(parts, { batchSize: 20 }) }, sinks: { out }, deadLetterSink: dead, batchWaitMs: 5 }).done;
  return { out: out.records.map((r) => summary(r.value)), dead: dead.records.map((r) => `${r.value.code}`) };
}

test('graph: package-alert gives identical bytes in-process and on the pool (1 and 2 workers)', async () => {
  const parts: unknown[] = simulated().slice(0, 40).map((s) => s.alert);
  parts.splice(3, 0, { diaSource: { diaSourceId: 'nope' } });
  const runs = [await runOnce(false, 0, parts), await runOnce(true, 1, parts), await runOnce(true, 2, parts)];
  assert.equal(runs[0]!.out.length, 40);
  for (const r of runs) {
    assert.deepEqual(r.out, runs[0]!.out);
    assert.deepEqual(r.dead, ['ERR_ALERT_INVALID']);
  }
});
