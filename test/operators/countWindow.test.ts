import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { countWindow } from '../../src/operators/countWindow.js';
import { countWindows } from '../../src/runtime/steps/window.js';
import { isAlertflowError } from '../../src/errors.js';
import { rxChecklist } from '../helpers/rx-checklist.js';

/** Independent reference: window w is inputs[w*S .. w*S+N-1], emitted only when complete. */
function reference<T>(xs: T[], size: number, slide: number): Array<{ window: number; first: number; values: T[]; partial: boolean }> {
  const out = [];
  for (let w = 0; w * slide + size <= xs.length; w++) out.push({ window: w, first: w * slide, values: xs.slice(w * slide, w * slide + size), partial: false });
  return out;
}

const inputs = Array.from({ length: 30 }, (_, i) => i * 3);

rxChecklist('countWindow (size 3, slide 2)', {
  operator: () => countWindow<number>({ size: 3, slide: 2 }),
  inputs,
  expected: (xs) => reference(xs, 3, 2),
});

rxChecklist('countWindow (size 1, tumbling)', {
  operator: () => countWindow<number>({ size: 1 }),
  inputs,
  expected: (xs) => reference(xs, 1, 1),
});

test('countWindow: size 10, slide 8 shares 2 inputs between consecutive windows', async () => {
  const got = await lastValueFrom(from(Array.from({ length: 40 }, (_, i) => i)).pipe(countWindow<number>({ size: 10, slide: 8 }), toArray()));
  assert.deepEqual(got.map((w) => [w.values[0], w.values.at(-1)]), [[0, 9], [8, 17], [16, 25], [24, 33]]);
  for (let k = 1; k < got.length; k++) assert.deepEqual(got[k].values.slice(0, 2), got[k - 1].values.slice(8));
});

test('countWindow: partial "emit" emits the incomplete tail once, only if it holds new inputs', async () => {
  const run = (n: number) => lastValueFrom(from(Array.from({ length: n }, (_, i) => i)).pipe(countWindow<number>({ size: 10, slide: 8, partial: 'emit' }), toArray()));
  const twelve = await run(12);
  assert.deepEqual(twelve.map((w) => [w.window, w.values, w.partial]), [[0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], false], [1, [8, 9, 10, 11], true]]);
  // 10 inputs: the tail (8, 9) was fully part of window 0, so nothing new to emit.
  assert.deepEqual((await run(10)).map((w) => w.partial), [false]);
  assert.deepEqual((await run(3)).map((w) => [w.values, w.partial]), [[[0, 1, 2], true]]);
});

test('countWindow: gaps when slide > size; bad config throws ERR_STEP_CONFIG', async () => {
  const got = await lastValueFrom(from([0, 1, 2, 3, 4, 5, 6]).pipe(countWindow<number>({ size: 2, slide: 3 }), toArray()));
  assert.deepEqual(got.map((w) => w.values), [[0, 1], [3, 4]]);
  for (const bad of [{ size: 0 }, { size: 2, slide: 0 }, { size: 1.5 }, { size: 2, partial: 'keep' }]) {
    assert.throws(() => countWindow(bad as never), (e) => isAlertflowError(e, 'ERR_STEP_CONFIG'));
  }
});

test('property: countWindows equals the slicing reference for any size/slide/length', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 60 }), (size, slide, n) => {
      const xs = Array.from({ length: n }, (_, i) => i);
      assert.deepEqual(countWindows(xs, { size, slide }), reference(xs, size, slide));
    }),
  );
});
