import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { from, lastValueFrom, toArray } from 'rxjs';
import { forcedMeasure } from '../../src/operators/forcedMeasure.js';
import { createForcedMeasureStep, type ForcedMeasurement, type ForcedRequest } from '../../src/photometry/step.js';
import { WorkerPool } from '../../src/runtime/pool.js';
import { graph } from '../../src/runtime/builder.js';
import { runGraph, type DeadLetter } from '../../src/runtime/executor.js';
import { memorySink, memorySource } from '../../src/testing/memory.js';
import { AlertflowError } from '../../src/errors.js';
import { rxChecklist } from '../helpers/rx-checklist.js';
import { synthField } from '../photometry/synth.js';

// Fixture images are written synchronously: rxChecklist registers its tests at load time.
const dir = mkdtempSync(join(tmpdir(), 'alertflow-forced-op-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const field = synthField({ width: 200, height: 160, fwhm: 3, spacing: 20, seed: 4, sigma: 2 });
const { image, variance } = field.write(dir);
const config = { image, variance, psfFwhm: 3, cacheSize: 2 };
const requests: ForcedRequest[] = field.sources.map((s, i) => ({ id: `src-${i}`, ra: s.ra, dec: s.dec }));
// A few positions that get flags rather than failures: off the image, and at its edge.
requests.push({ id: 'off', ra: field.sources[0].ra + 1, dec: field.sources[0].dec }, { id: 'edge', ra: field.sources[0].ra, dec: field.sources[0].dec - 3 / 3600 });

async function inProcess(xs: ForcedRequest[]): Promise<ForcedMeasurement[]> {
  const results = await createForcedMeasureStep(config)(xs);
  return results.flatMap((r) => (r.ok ? r.out : []));
}

rxChecklist('forcedMeasure', {
  operator: () => forcedMeasure(config),
  inputs: requests.slice(0, 20),
  expected: inProcess,
  throwing: {
    operator: () => forcedMeasure(config),
    input: { id: 'bad', ra: NaN, dec: 0 },
    error: (e) => e instanceof AlertflowError && e.code === 'ERR_PHOTOMETRY',
  },
});

test('forcedMeasure: batch size does not change the output; flags flow through', async () => {
  const one = await lastValueFrom(from(requests).pipe(forcedMeasure(config), toArray()));
  const many = await lastValueFrom(from(requests).pipe(forcedMeasure(config, { batchSize: 64 }), toArray()));
  assert.deepEqual(one, many);
  assert.equal(one.length, requests.length);
  assert.deepEqual(one.find((m) => m.id === 'off')!.flags, ['forced', 'outside']);
  assert.ok(one.every((m) => m.flags[0] === 'forced'));
});

const stepSpec = {
  id: 'forced',
  kind: 'step' as const,
  type: 'module',
  config: { module: pathToFileURL(join(import.meta.dirname, '../../src/photometry/step.js')).href, export: 'createForcedMeasureStep', ...config },
};

test('worker pool (1 and 2 threads) gives the same results as in-process, including failures', async () => {
  const batch: unknown[] = [...requests, { id: 'nan', ra: NaN, dec: 1 }];
  const local = await createForcedMeasureStep(config)(batch as ForcedRequest[]);
  for (const threads of [1, 2]) {
    const pool = new WorkerPool({ threads });
    try {
      const halves = await Promise.all([pool.run(stepSpec, batch.slice(0, 40)), pool.run(stepSpec, batch.slice(40))]);
      const remote = halves.flat().map((r) => (r.ok ? r : { ok: false, code: r.error.code }));
      assert.deepEqual(remote, local.map((r) => (r.ok ? r : { ok: false, code: r.error.code })));
    } finally {
      await pool.close();
    }
  }
});

test('graph run: in-process and on the pool (1, 2 workers) give identical measurements and dead letters', async () => {
  const run = async (pool: boolean, threads: number) => {
    const spec = graph('forced')
      .source('requests', 'external')
      .step('forced', 'module', stepSpec.config, { pool, batchSize: 25 })
      .sink('out', 'external')
      .build();
    const out = memorySink<ForcedMeasurement>();
    const dead = memorySink<DeadLetter>();
    const input: unknown[] = [...requests, { id: 'nan', ra: 1, dec: NaN }];
    await runGraph(spec, { threads, sources: { requests: memorySource(input, { batchSize: 30 }) }, sinks: { out }, deadLetterSink: dead, batchWaitMs: 5 }).done;
    return { out: out.records.map((r) => r.value), dead: dead.records.map((r) => [r.value.step, r.value.code, r.value.offset]) };
  };
  const base = await run(false, 0);
  assert.equal(base.out.length, requests.length);
  assert.deepEqual(base.dead, [['forced', 'ERR_PHOTOMETRY', requests.length]]);
  for (const threads of [1, 2]) assert.deepEqual(await run(true, threads), base);
});
