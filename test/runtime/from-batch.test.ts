import { test } from 'node:test';
import assert from 'node:assert/strict';
import { from, lastValueFrom, toArray } from 'rxjs';
import { fromBatchFn } from '../../src/operators/from-batch.js';
import { createFilterStep } from '../../src/runtime/steps/filter.js';
import { AlertflowError, toErrorData } from '../../src/errors.js';
import { rxChecklist } from '../helpers/rx-checklist.js';
import type { BatchFn } from '../../src/runtime/types.js';

const inputs = [1, 7, 3, 9, 12].map((snr) => ({ snr }));
rxChecklist('fromBatchFn(filter)', {
  operator: () => fromBatchFn(createFilterStep({ where: { field: 'snr', op: '>=', value: 5 } }), { batchSize: 2 }),
  inputs,
  expected: (xs) => xs.filter((x) => x.snr >= 5),
  throwing: {
    operator: () =>
      fromBatchFn<{ snr: number }, unknown>(() => {
        throw new AlertflowError('ERR_STEP_FAILED', 'callback threw');
      }),
    input: { snr: 1 },
    error: (e) => e instanceof AlertflowError && e.code === 'ERR_STEP_FAILED',
  },
});

test('fromBatchFn: a failed record errors the stream with its typed error, or goes to onFailure', async () => {
  const core: BatchFn<number, number> = (b) => b.map((n) => (n < 0 ? { ok: false, error: toErrorData(new AlertflowError('ERR_PREDICATE', `bad ${n}`)) } : { ok: true, out: [n] }));
  await assert.rejects(lastValueFrom(from([1, -1, 2]).pipe(fromBatchFn(core), toArray())), (e: any) => e.code === 'ERR_PREDICATE');
  const failed: number[] = [];
  const out = await lastValueFrom(from([1, -1, 2]).pipe(fromBatchFn(core, { onFailure: (n) => failed.push(n) }), toArray()));
  assert.deepEqual(out, [1, 2]);
  assert.deepEqual(failed, [-1]);
});
