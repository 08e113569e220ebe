import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { oracleScript, pythonOracle, PYTHON_ORACLE_MISSING, runPython } from '../../src/testing/python.js';
import { decodePackets } from '../../src/formats/avro/decode-packet.js';
import { builtInResolver, getBuiltInSchema } from '../../src/formats/avro/builtin.js';
import { canonicalForm } from '../../src/formats/avro/fingerprint.js';
import { loadSchemaFolder } from '../../src/formats/avro/resolvers/directory.js';
import { data, hasData, repoRoot } from '../formats/helpers.js';

const REAL = join(repoRoot, 'test', 'data', 'real-alerts');
const skip = pythonOracle() ? false : PYTHON_ORACLE_MISSING;

function corpusFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.avro')) out.push(join(d, e.name));
    }
  };
  walk(REAL);
  if (hasData) for (const f of ['boom-test-alerts/ztf/2695378462115010012.avro', 'boom-test-alerts/roman/alert.avro']) out.push(data(f));
  return out.sort();
}

/** Our value against fastavro's plain JSON form (ints as decimal strings). */
function expectEqual(ours: unknown, theirs: unknown, path: string): void {
  const fail = (): never => assert.fail(`${path}: fastavro ${JSON.stringify(theirs)}, ours ${String(ours)}`);
  if (ours === null || typeof ours === 'boolean' || typeof ours === 'string') return void (theirs === ours || fail());
  if (typeof ours === 'bigint') return void (theirs === ours.toString() || fail());
  if (typeof ours === 'number') return void ((typeof theirs === 'string' ? theirs === String(ours) : theirs === ours || (Number.isNaN(ours) && theirs === 'NaN')) || fail());
  if (Buffer.isBuffer(ours)) return assert.equal((theirs as { $b64: string }).$b64, ours.toString('base64'), path);
  if (Array.isArray(ours)) {
    assert.ok(Array.isArray(theirs) && theirs.length === ours.length, `${path}: length`);
    return ours.forEach((x, i) => expectEqual(x, (theirs as unknown[])[i], `${path}[${i}]`));
  }
  const o = ours as Record<string, unknown>;
  const t = theirs as Record<string, unknown>;
  assert.deepEqual(Object.keys(t).sort(), Object.keys(o).sort(), `${path}: fields`);
  for (const k of Object.keys(o)) expectEqual(o[k], t[k], `${path}.${k}`);
}

test('every collected real packet decodes to the same values as fastavro (64-bit ids exact)', { skip }, async () => {
  const files = corpusFiles();
  assert.ok(files.length >= 17, `only ${files.length} corpus files`);
  const r = await runPython(oracleScript('fastavro_read_ocf.py'), files);
  assert.equal(r.code, 0, r.stderr);
  const theirs = JSON.parse(r.stdout) as Record<string, unknown[]>;
  const names = new Set<string>();
  for (const f of files) {
    const ours = await decodePackets(readFileSync(f), builtInResolver(), { keepRaw: false });
    assert.equal(ours.length, theirs[f]!.length, f);
    ours.forEach((a, i) => {
      names.add(a.schema);
      expectEqual(a.alert, theirs[f]![i], `${f}[${i}]`);
    });
  }
  for (const n of ['lsst.v3_0', 'lsst.v7_0', 'lsst.v7_4', 'lsst.v8_0', 'lsst.v9_0', 'lsst.v11_1', 'ztf 3.2']) assert.ok(names.has(n), `no ${n} packet decoded`);
});

test('a Spark-written LSST file (top record topLevelRecord) is recognised as lsst.v9_0 by its structure', async () => {
  const [a] = await decodePackets(readFileSync(join(REAL, 'synthesised', 'lsst-9.0-spark-toplevelrecord.avro')), builtInResolver());
  assert.equal(a!.survey, 'lsst');
  assert.equal(a!.schema, 'lsst.v9_0');
  assert.equal(typeof (a!.alert['diaSourceId']), 'bigint');
});

test('a ZTF 3.2 writer schema with union defaults that do not match the first branch decodes', async () => {
  const [a] = await decodePackets(readFileSync(join(REAL, 'synthesised', 'ztf-3.2-writer.avro')), builtInResolver());
  assert.equal(a!.survey, 'ztf');
  assert.equal(a!.schema, 'ztf 3.2');
  assert.equal(a!.alert['candid'], 2695378462115010012n);
});

for (const v of ['7/0', '7/1', '7/2', '7/3', '7/4', '8/0', '11/1']) {
  const name = `lsst.v${v.replace('/', '_')}`;
  test(`${name} built-in matches the official lsst-alert-packet schema files in canonical form`, async () => {
    const dir = join(REAL, 'lsst-alert-packet', 'schema', v);
    assert.ok(existsSync(dir));
    const official = await loadSchemaFolder(dir);
    assert.ok(official);
    assert.equal(official.name, name);
    assert.equal(canonicalForm(getBuiltInSchema(name)!.type), canonicalForm(official.type));
    assert.equal(getBuiltInSchema(name)!.id, Number(v.split('/')[0]) * 100 + Number(v.split('/')[1]));
  });
}
