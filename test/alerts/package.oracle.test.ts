import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAlertPacket, type AlertParts } from '../../src/alerts/package.js';
import { decodePacket } from '../../src/formats/avro/decode-packet.js';
import { builtInResolver } from '../../src/formats/avro/builtin.js';
import { oracleScript, pythonOracle, PYTHON_ORACLE_MISSING, runPython } from '../../src/testing/python.js';
import { data, needsData } from '../formats/helpers.js';
import { assertSameAlert, exactJson, samples, simulated, type Rec } from './helpers.js';

const skip = !pythonOracle() ? PYTHON_ORACLE_MISSING : needsData;

/** Every kind of alert the tests care about, in every schema version. */
function cases(): { name: string; parts: Rec; schema: 'lsst.v9_0' | 'lsst.v10_0' | 'lsst.v11_0' }[] {
  const { history, bogus, ss, ssNoOrbit } = samples();
  const t = history['diaSource']['midpointMjdTai'] as number;
  const old = { ...history['prvDiaSources'][0], diaSourceId: 1n, midpointMjdTai: t - 500 };
  const variants: [string, Rec | undefined][] = [
    ['history', history],
    ['history-older-than-12-months-dropped', { ...history, prvDiaSources: [old, ...history['prvDiaSources']] }],
    ['bogus-empty-history', bogus],
    ['empty-history', { ...history, prvDiaSources: [], prvDiaForcedSources: [] }],
    ['solar-system-null-diaObject', ss],
    ['solar-system-no-orbit', ssNoOrbit],
    ['null-cutouts', { ...history, cutoutDifference: null, cutoutScience: null, cutoutTemplate: null }],
    ['nan-and-extremes', { ...history, diaSource: { ...history['diaSource'], snr: NaN, psfFlux: 3.4e38, ra: 359.99999999999994, diaSourceId: 2n ** 63n - 1n }, diaSourceId: undefined, prvDiaSources: null }],
  ];
  // A few more simulated alerts of every kind.
  for (const s of simulated().slice(0, 12)) variants.push([`simulated-${s.truth.kind}-${s.alert.diaSourceId}`, s.alert as unknown as Rec]);
  return variants.flatMap(([name, parts]) => (parts ? (['lsst.v9_0', 'lsst.v10_0', 'lsst.v11_0'] as const).map((schema) => ({ name: `${name}-${schema}`, parts, schema })) : []));
}

test('oracle: fastavro (official schemas) reads every field we write exactly; our decoder agrees', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-package-'));
  try {
    const all = cases();
    let i = 0;
    for (const c of all) {
      const r = buildAlertPacket(c.parts as object as AlertParts, { schema: c.schema });
      assertSameAlert((await decodePacket(r.bytes, builtInResolver())).alert, r.alert, c.name);
      const n = String(i++).padStart(3, '0');
      writeFileSync(join(dir, `case_${n}.bin`), r.bytes);
      writeFileSync(join(dir, `case_${n}.json`), `{"name":${JSON.stringify(c.name)},"schema":"${c.schema}","id":${r.schemaId},"alert":${exactJson(r.alert)}}`);
    }
    const { stdout, stderr, code } = await runPython(oracleScript('package_fastavro_check.py'), [data('lsst-alert-packet'), dir]);
    assert.equal(code, 0, stderr);
    const res = JSON.parse(stdout.trim().split('\n').pop()!) as { cases: number; fields: number; mismatches: string[] };
    assert.deepEqual(res.mismatches, []);
    assert.equal(res.cases, all.length);
    assert.ok(res.fields > 10_000, `${res.fields} fields compared`);
    t.diagnostic(`fastavro ${(res as Rec)['fastavro']}: ${res.cases} packets, ${res.fields} fields, 0 mismatches`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('oracle: the checker itself catches a changed value', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-package-'));
  try {
    const { history } = samples();
    const r = buildAlertPacket(history as object as AlertParts);
    const lie = { ...r.alert, diaSource: { ...(r.alert['diaSource'] as Rec), psfFlux: 1.5, visit: (r.alert['diaSource'] as Rec)['visit'] + 1n } };
    writeFileSync(join(dir, 'case_000.bin'), r.bytes);
    writeFileSync(join(dir, 'case_000.json'), `{"schema":"lsst.v11_0","id":1100,"alert":${exactJson(lie)}}`);
    const { stdout } = await runPython(oracleScript('package_fastavro_check.py'), [data('lsst-alert-packet'), dir]);
    const res = JSON.parse(stdout.trim().split('\n').pop()!) as { mismatches: string[] };
    assert.equal(res.mismatches.length, 2, res.mismatches.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
