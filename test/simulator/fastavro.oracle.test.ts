import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oracleScript, pythonOracle, PYTHON_ORACLE_MISSING, runPython } from '../../src/testing/python.js';
import { simulateNight } from '../../src/simulator/index.js';
import { lsstAlertType, SCHEMA_DIR, SCHEMA_MISSING } from './lsst-schema.js';

const skip = SCHEMA_MISSING || (pythonOracle() ? false : PYTHON_ORACLE_MISSING);

/** Our value in the oracle's JSON form: integers as decimal strings, floats as numbers. */
function expectEqual(ours: unknown, theirs: unknown, path: string): void {
  // Scalars are compared without assert calls on the happy path: there are ~10^6 of them.
  const fail = (want: unknown) => assert.fail(`${path}: fastavro ${JSON.stringify(theirs)}, ours ${String(want)}`);
  if (ours === null || typeof ours === 'boolean' || typeof ours === 'string') return void (theirs === ours || fail(ours));
  if (typeof ours === 'bigint') return void (theirs === ours.toString() || fail(ours));
  if (typeof ours === 'number') {
    // fastavro returns ints as int (sent as strings) and floats/doubles as float.
    return void ((typeof theirs === 'string' ? theirs === String(ours) : theirs === ours) || fail(ours));
  }
  if (Buffer.isBuffer(ours)) return assert.equal((theirs as { $b64: string }).$b64, ours.toString('base64'), path);
  if (Array.isArray(ours)) {
    assert.ok(Array.isArray(theirs) && theirs.length === ours.length, `${path}: length`);
    return ours.forEach((x, i) => expectEqual(x, (theirs as unknown[])[i], `${path}[${i}]`));
  }
  const obj = ours as Record<string, unknown>;
  const t = theirs as Record<string, unknown>;
  assert.deepEqual(Object.keys(t).sort(), Object.keys(obj).sort(), `${path}: fields`);
  for (const k of Object.keys(obj)) expectEqual(obj[k], t[k], `${path}.${k}`);
}

test('fastavro decodes 50 simulated alerts (official v11 schema) to the same values', { skip }, async () => {
  const type = lsstAlertType();
  // Enough alerts that solar-system ones (with mpc_orbits timestamps) are among the 50.
  const alerts = [...simulateNight({ alerts: 120, seed: 23, ssFraction: 0.15 })].slice(0, 50).map((s) => s.alert);
  assert.ok(alerts.some((a) => a.mpc_orbits !== null) && alerts.some((a) => a.diaObject !== null));
  const frames: Buffer[] = [];
  for (const a of alerts) {
    const body = type.toBuffer(a);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    frames.push(len, body);
  }
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-avro-'));
  try {
    const file = join(dir, 'frames.bin');
    writeFileSync(file, Buffer.concat(frames));
    const r = await runPython(oracleScript('fastavro_decode.py'), [SCHEMA_DIR, 'lsst.v11_0', file]);
    assert.equal(r.code, 0, r.stderr);
    const decoded = JSON.parse(r.stdout) as unknown[];
    assert.equal(decoded.length, alerts.length);
    alerts.forEach((a, i) => expectEqual(a, decoded[i], `alert[${i}]`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
