import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BUILT_IN_SCHEMA_NAMES, getBuiltInSchema } from '../../src/formats/avro/builtin.js';
import { canonicalForm, rabinFingerprint, schemaFingerprint } from '../../src/formats/avro/fingerprint.js';
import { typeFromSchemas } from '../../src/formats/avro/load.js';
import { loadSchemaFolder } from '../../src/formats/avro/resolvers/directory.js';
import { parseOcfHeader } from '../../src/formats/avro/ocf/header.js';
import { data, needsData } from './helpers.js';

test('Rabin fingerprint matches the Avro spec test vectors', () => {
  assert.equal(rabinFingerprint('"int"'), 8247732601305521295n);
  assert.equal(rabinFingerprint('"null"').toString(16), '63dd24e7cc258f8a');
});

test('built-in schemas carry the expected names, surveys and ids', () => {
  assert.deepEqual([...BUILT_IN_SCHEMA_NAMES], ['lsst.v7_0', 'lsst.v7_1', 'lsst.v7_2', 'lsst.v7_3', 'lsst.v7_4', 'lsst.v8_0', 'lsst.v9_0', 'lsst.v10_0', 'lsst.v11_0', 'lsst.v11_1', 'ztf 4.02', 'rapid.v00_02']);
  const ids = BUILT_IN_SCHEMA_NAMES.map((n) => getBuiltInSchema(n)!.id);
  assert.deepEqual(ids, [700, 701, 702, 703, 704, 800, 900, 1000, 1100, 1101, undefined, undefined]);
  assert.deepEqual(BUILT_IN_SCHEMA_NAMES.map((n) => getBuiltInSchema(n)!.survey), [...Array(10).fill('lsst'), 'ztf', 'roman']);
});

test('built-in schema JSON is self-contained and reproduces the same canonical form', () => {
  for (const name of BUILT_IN_SCHEMA_NAMES) {
    const s = getBuiltInSchema(name)!;
    const again = typeFromSchemas(JSON.parse(JSON.stringify(s.json)));
    assert.equal(canonicalForm(again), canonicalForm(s.type), name);
  }
});

for (const [name, folder] of [['lsst.v9_0', '9.0'], ['lsst.v10_0', '10.0'], ['lsst.v11_0', '11.0']] as const) {
  test(`${name} matches lsst-alert-packet/${folder}/*.avsc in canonical form and fingerprint`, { skip: needsData }, async () => {
    const official = await loadSchemaFolder(data('lsst-alert-packet', folder));
    const ours = getBuiltInSchema(name)!;
    assert.ok(official);
    assert.equal(official.name, name);
    assert.equal(canonicalForm(ours.type), canonicalForm(official.type));
    assert.equal(schemaFingerprint(ours.type), schemaFingerprint(official.type));
    assert.deepEqual(ours.type.fingerprint('md5'), official.type.fingerprint('md5'));
  });
}

test('ztf 4.02 matches ztf-avro-alert/schema/*.avsc', { skip: needsData }, async () => {
  const official = await loadSchemaFolder(data('ztf-avro-alert', 'schema'));
  assert.ok(official);
  const ours = getBuiltInSchema('ztf 4.02')!;
  assert.equal(canonicalForm(ours.type), canonicalForm(official.type));
  assert.equal(schemaFingerprint(ours.type), schemaFingerprint(official.type));
});

test('rapid.v00_02 matches the writer schema embedded in the Roman alert file', { skip: needsData }, () => {
  const header = parseOcfHeader(readFileSync(data('boom-test-alerts', 'roman', 'alert.avro')));
  assert.ok(header);
  const embedded = typeFromSchemas(header.schemaJson);
  const ours = getBuiltInSchema('rapid.v00_02')!;
  assert.equal(canonicalForm(ours.type), canonicalForm(embedded));
  assert.equal(schemaFingerprint(ours.type), schemaFingerprint(embedded));
});

test('built-in schemas ship no doc text', () => {
  for (const name of BUILT_IN_SCHEMA_NAMES) assert.ok(!JSON.stringify(getBuiltInSchema(name)!.json).includes('"doc"'), name);
});
