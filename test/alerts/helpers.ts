/** Shared pieces of the packaging tests: seeded parts, exact JSON for the Python oracle, comparisons. */
import assert from 'node:assert/strict';
import { simulateNight, type SimulatedAlert } from '../../src/simulator/index.js';

export type Rec = Record<string, any>;

let night: SimulatedAlert[] | undefined;
/** A seeded night with solar-system, bogus and population alerts (history up to 12 months). */
export function simulated(): SimulatedAlert[] {
  return (night ??= [...simulateNight({ alerts: 150, seed: 21, ssFraction: 0.1, cutoutSize: 12 })]);
}

/** Simulated alerts by kind: with history, without history (bogus), solar-system with and without an orbit. */
export function samples(): { history: Rec; bogus: Rec; ss: Rec; ssNoOrbit: Rec | undefined } {
  const all = simulated();
  const history = all.find((s) => (s.alert.prvDiaSources?.length ?? 0) > 20 && (s.alert.prvDiaForcedSources?.length ?? 0) > 20)!.alert;
  const bogus = all.find((s) => s.truth.kind === 'bogus')!.alert;
  const ss = all.find((s) => s.truth.isSolarSystem && s.alert.mpc_orbits)!.alert;
  const ssNoOrbit = all.find((s) => s.truth.isSolarSystem && !s.alert.mpc_orbits)?.alert;
  return { history, bogus, ss, ssNoOrbit } as never;
}

/** Minimal FITS-looking bytes (a primary header card block). */
export function fakeFits(): Uint8Array {
  return new Uint8Array(Buffer.from('SIMPLE  =                    T'.padEnd(2880, ' '), 'latin1'));
}

/** Exact JSON for Python: every digit of bigints, NaN/Infinity as Python's json reads them, bytes as {"$bytes": base64}. */
export function exactJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : Object.is(v, -0) ? '-0.0' : String(v);
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (v instanceof Uint8Array) return `{"$bytes":"${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}"}`;
  if (Array.isArray(v)) return `[${v.map(exactJson).join(',')}]`;
  return `{${Object.entries(v as Rec).map(([k, x]) => `${JSON.stringify(k)}:${exactJson(x)}`).join(',')}}`;
}

/** Deep equality where bytes compare by content (Buffer vs Uint8Array) and NaN equals NaN. */
export function assertSameAlert(actual: unknown, expected: unknown, path = 'alert'): void {
  if (expected instanceof Uint8Array) {
    assert.ok(actual instanceof Uint8Array, `${path}: bytes expected`);
    assert.ok(Buffer.from(actual).equals(Buffer.from(expected)), `${path}: bytes differ`);
    return;
  }
  if (typeof expected === 'number' && Number.isNaN(expected)) return assert.ok(Number.isNaN(actual as number), `${path}: NaN expected`);
  if (expected === null || typeof expected !== 'object') return assert.equal(actual, expected, path);
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual) && actual.length === expected.length, `${path}: array length`);
    expected.forEach((x, i) => assertSameAlert((actual as unknown[])[i], x, `${path}[${i}]`));
    return;
  }
  assert.deepEqual(Object.keys(actual as Rec), Object.keys(expected), `${path}: keys`);
  for (const [k, x] of Object.entries(expected)) assertSameAlert((actual as Rec)[k], x, `${path}.${k}`);
}
