import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builtInResolver } from '../../src/formats/avro/builtin.js';
import { decodeBody } from '../../src/formats/avro/body.js';
import { decodePacket } from '../../src/formats/avro/decode-packet.js';
import { stampFormat } from '../../src/formats/avro/json.js';
import { parseWire } from '../../src/formats/avro/wire.js';
import { data, needsData } from './helpers.js';

type Rec = Record<string, any>;

test('BOOM LSST wire packet (id 900) decodes exactly', { skip: needsData }, async () => {
  const bytes = readFileSync(data('boom-test-alerts', 'lsst', '7912941781254298.avro'));
  const { id, body } = parseWire(bytes);
  assert.equal(id, 900);
  assert.equal(bytes.length, 139_056);
  assert.equal(body.length, 139_056 - 5);
  const decoded = await decodePacket(bytes, builtInResolver());
  assert.equal(decoded.survey, 'lsst');
  assert.equal(decoded.schema, 'lsst.v9_0');
  const a = decoded.alert as Rec;
  assert.equal(a['diaSourceId'], 7912941781254298n);
  assert.equal(a['diaSource']['diaSourceId'], 7912941781254298n);
  assert.equal(a['diaSource']['visit'], 943296n);
  assert.equal(a['diaSource']['detector'], 168);
  assert.ok(Math.abs(a['diaSource']['midpointMjdTai'] - 60961.23309222222) < 1e-9);
  assert.equal(stampFormat(a['cutoutDifference']), 'fits');
  assert.equal(stampFormat(a['cutoutScience']), 'fits');
  assert.equal(stampFormat(a['cutoutTemplate']), 'fits');
  assert.ok(decoded.raw && decoded.raw.bytes === bytes, 'raw bytes kept');
  // decodeBody checks that all bytes are consumed
  assert.doesNotThrow(() => decodeBody(builtInResolver().resolveSync!(900)!.type, body));
});

test('ZTF 4.02 container file decodes', { skip: needsData }, async () => {
  const decoded = await decodePacket(readFileSync(data('boom-test-alerts', 'ztf', '2695378462115010012.avro')), builtInResolver());
  assert.equal(decoded.survey, 'ztf');
  assert.equal(decoded.schema, 'ztf 4.02');
  assert.equal(decoded.raw?.writerSchema, 'ztf 4.02');
  const a = decoded.alert as Rec;
  assert.equal(a['objectId'], 'ZTF18abudxnw');
  assert.equal(a['candid'], 2695378462115010012n);
  assert.equal(typeof a['candidate']['candid'], 'bigint');
  assert.equal(a['candidate']['candid'], 2695378462115010012n);
  assert.equal(a['prv_candidates'].length, 10);
  assert.equal(a['fp_hists'].length, 10);
  for (const k of ['cutoutScience', 'cutoutTemplate', 'cutoutDifference']) assert.equal(stampFormat(a[k]['stampData']), 'fits.gz', k);
});

test('Roman/RAPID deflate container file decodes', { skip: needsData }, async () => {
  const decoded = await decodePacket(readFileSync(data('boom-test-alerts', 'roman', 'alert.avro')), builtInResolver());
  assert.equal(decoded.survey, 'roman');
  assert.equal(decoded.schema, 'rapid.v00_02');
  const a = decoded.alert as Rec;
  assert.equal(a['prvDiaSources'].length, 27);
  assert.equal(typeof a['diaSourceId'], 'bigint');
  assert.equal(a['diaSource']['diaSourceId'], a['diaSourceId']);
  assert.equal(stampFormat(a['cutoutScience']), 'fits');
});

for (const v of ['9.0', '10.0', '11.0']) {
  test(`lsst-alert-packet ${v} fakeAlert.avro decodes`, { skip: needsData }, async () => {
    const decoded = await decodePacket(readFileSync(data('lsst-alert-packet', v, 'sample_data', 'fakeAlert.avro')), builtInResolver());
    const [major] = v.split('.');
    assert.equal(decoded.schema, `lsst.v${major}_0`);
    assert.equal(decoded.raw?.writerSchema, `lsst.v${major}_0`);
    const json = JSON.parse(readFileSync(data('lsst-alert-packet', v, 'sample_data', 'alert.json'), 'utf8')) as Rec;
    const a = decoded.alert as Rec;
    assert.equal(a['diaSourceId'], BigInt(json['diaSourceId']));
    assert.equal(a['cutoutDifference'], null);
  });
}
