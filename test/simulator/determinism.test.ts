import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateNight } from '../../src/simulator/index.js';
import { isAlertflowError } from '../../src/errors.js';

function take<T>(it: Iterable<T>, n: number): T[] {
  const out: T[] = [];
  for (const x of it) {
    out.push(x);
    if (out.length === n) break;
  }
  return out;
}

test('same seed gives identical alerts (deep equal, cutout bytes included)', () => {
  const a = take(simulateNight({ alerts: 300, seed: 7 }), 60);
  const b = take(simulateNight({ alerts: 300, seed: 7 }), 60);
  assert.equal(a.length, 60);
  assert.deepEqual(a, b);
});

test('different seeds give different alerts', () => {
  const a = take(simulateNight({ alerts: 100, seed: 1 }), 5);
  const b = take(simulateNight({ alerts: 100, seed: 2 }), 5);
  assert.notDeepEqual(a.map((x) => x.alert.diaSource.ra), b.map((x) => x.alert.diaSource.ra));
});

test('yields exactly the number of alerts asked for, lazily', () => {
  let n = 0;
  for (const _ of simulateNight({ alerts: 123, seed: 3, visits: 5 })) n++;
  assert.equal(n, 123);
  assert.equal([...simulateNight({ alerts: 0 })].length, 0);
  const it = simulateNight({ alerts: 1_000_000, seed: 1 });
  assert.ok(it.next().value); // a huge night starts at once: nothing is built ahead
});

test('midpointMjdTai never decreases and visits are ~30 s + slew apart', () => {
  const mjds: number[] = [];
  for (const { alert } of simulateNight({ alerts: 600, seed: 5, visits: 40 })) mjds.push(alert.diaSource.midpointMjdTai);
  const visits = [...new Set(mjds)];
  assert.equal(visits.length, 40);
  for (let i = 1; i < mjds.length; i++) assert.ok(mjds[i]! >= mjds[i - 1]!);
  for (let i = 1; i < visits.length; i++) {
    const gap = (visits[i]! - visits[i - 1]!) * 86400;
    assert.ok(gap >= 32 && gap < 300, `gap ${gap} s`);
  }
});

test('rejects bad options with ERR_SIMULATOR_OPTIONS', () => {
  for (const bad of [{ alerts: -1 }, { alerts: 1.5 }, { alerts: 10, visits: 0 }, { alerts: 10, ssFraction: 2 }, { alerts: 10, cutoutSize: 2 }, { alerts: 10, region: { ra: 0, dec: 95, radiusDeg: 1 } }]) {
    assert.throws(() => simulateNight(bad).next(), (e) => isAlertflowError(e, 'ERR_SIMULATOR_OPTIONS'));
  }
});
