import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bandpassWindow, covers, gainWindow } from '../../src/mosaic/validity.js';
import { ProductsDb } from '../../src/mosaic/products-db.js';
import { getActiveApplylist, isFirstTransit, registerTable, retireOverlapping } from '../../src/mosaic/registry.js';

const MIN = 1 / 1440;
const SEC = 1 / 86400;
const T = 60977.785; // a transit
const M5 = 60977.9; // a 5th MS mid time

// Seed 004, "Validity Window Calculation": each rule as a row of (window, time, inside?).
const rules: Array<{ rule: string; window: { startMjd: number; endMjd: number }; expected: { startMjd: number; endMjd: number }; inside: number[]; outside: number[] }> = [
  { rule: 'bandpass: 12 h before to 12 h after the transit', window: bandpassWindow(T, false), expected: { startMjd: T - 0.5, endMjd: T + 0.5 }, inside: [T - 0.5, T, T + 0.5, T - 0.5 + SEC], outside: [T - 0.5 - SEC, T + 0.5 + SEC] },
  { rule: 'bandpass, first day of a new calibrator: starts at the transit, ends 12 h after', window: bandpassWindow(T, true), expected: { startMjd: T, endMjd: T + 0.5 }, inside: [T, T + 0.25, T + 0.5], outside: [T - SEC, T - 0.25, T + 0.5 + SEC] },
  { rule: 'gain: 30 min before to 30 min after the 5th MS', window: gainWindow(M5), expected: { startMjd: M5 - 30 * MIN, endMjd: M5 + 30 * MIN }, inside: [M5 - 30 * MIN, M5 - 29 * MIN, M5, M5 + 30 * MIN], outside: [M5 - 30 * MIN - SEC, M5 + 30 * MIN + SEC, M5 - 31 * MIN] },
];

for (const r of rules) {
  test(`validity rule: ${r.rule}`, () => {
    assert.ok(Math.abs(r.window.startMjd - r.expected.startMjd) < 1e-12 && Math.abs(r.window.endMjd - r.expected.endMjd) < 1e-12, JSON.stringify(r.window));
    for (const t of r.inside) assert.ok(covers(r.window, t), `${t} should be inside`);
    for (const t of r.outside) assert.ok(!covers(r.window, t), `${t} should be outside`);
  });
}

test('first-day length is 12 h, the regular window 24 h (the seed: "may not be exactly 24 hours")', () => {
  assert.ok(Math.abs(bandpassWindow(T, true).endMjd - bandpassWindow(T, true).startMjd - 0.5) < 1e-12);
  assert.ok(Math.abs(bandpassWindow(T, false).endMjd - bandpassWindow(T, false).startMjd - 1) < 1e-12);
});

test('registry: applylist is BP -> GP -> 2G, newest table wins, retired tables never apply, first-transit rule', async () => {
  const db = await ProductsDb.open(':memory:');
  await db.tx(async (c) => {
    assert.equal(await isFirstTransit(c, '3C286', T), true, 'no bandpass yet: first transit');
    await registerTable(c, { setName: 'bp1', type: 'BP', path: '/bp1', window: bandpassWindow(T, true), calibrator: '3C286', sourceMs: 'a' }, 1);
    assert.equal(await isFirstTransit(c, '3C286', T + 1 / 1.0027379), false, 'same calibrator the next day: regular window');
    assert.equal(await isFirstTransit(c, '3C48', T + 0.6), true, 'pointing Dec changed, new calibrator: first day again');
    await registerTable(c, { setName: 'g2', type: '2G', path: '/g2a', window: gainWindow(M5), sourceMs: 'b' }, 2);
    await registerTable(c, { setName: 'g2', type: 'GP', path: '/gpa', window: gainWindow(M5), sourceMs: 'b' }, 2);
  });
  const list = await db.handle.exclusive((c) => getActiveApplylist(c, M5));
  assert.deepEqual(list.map((t) => t.table_type), ['BP', 'GP', '2G']);
  assert.deepEqual(await db.handle.exclusive((c) => getActiveApplylist(c, T - 60 * SEC)), [], 'before the first-day transit nothing applies');
  // A later group's gains overlap the earlier ones: the newer set wins, and retiring the old one leaves only it.
  const later = gainWindow(M5 + 40 * MIN);
  await db.tx(async (c) => {
    await registerTable(c, { setName: 'g3', type: 'GP', path: '/gpb', window: later, sourceMs: 'c' }, 3);
    await registerTable(c, { setName: 'g3', type: '2G', path: '/g2b', window: later, sourceMs: 'c' }, 3);
  });
  const overlapTime = M5 + 20 * MIN;
  assert.deepEqual((await db.handle.exclusive((c) => getActiveApplylist(c, overlapTime))).map((t) => t.path), ['/bp1', '/gpb', '/g2b']);
  assert.equal(await db.tx((c) => retireOverlapping(c, ['GP', '2G'], later, 'g3')), 2);
  assert.deepEqual((await db.handle.exclusive((c) => getActiveApplylist(c, M5))).map((t) => t.path), ['/bp1'], 'retired gains no longer apply even inside their window');
  await db.close();
});
