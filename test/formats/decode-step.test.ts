import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { getBuiltInSchema } from '../../src/formats/avro/builtin.js';
import { encodeBody } from '../../src/formats/avro/body.js';
import { createDecodeStep } from '../../src/formats/avro/decode-step.js';
import { encodeOcf } from '../../src/formats/avro/ocf/write.js';
import { encodeWire } from '../../src/formats/avro/wire.js';
import type { DecodedAlert, Packet } from '../../src/formats/types.js';
import { data, minimalValue, needsData } from './helpers.js';

const v11 = getBuiltInSchema('lsst.v11_0')!;

function body(id: bigint): Buffer {
  const v = minimalValue(v11.type);
  v['diaSourceId'] = id;
  return encodeBody(v11.type, v);
}

test('decodes wire packets, schemaless bodies and container files; passes alerts through', async () => {
  const step = createDecodeStep({});
  const passthrough: DecodedAlert = { kind: 'alert', survey: 'lsst', schema: 'lsst.v11_0', alert: { x: 1 } };
  const batch: Packet[] = [
    { kind: 'raw', bytes: encodeWire(1100, body(1n)) },
    { kind: 'raw', bytes: body(2n), writerSchema: 'lsst.v11_0' },
    passthrough,
    { kind: 'raw', bytes: encodeOcf(v11.json, [body(3n), body(4n)]) },
  ];
  const out = await step(batch);
  assert.equal(out.length, 4);
  const ids = out.map((r) => (r.ok ? r.out.map((a) => a.alert['diaSourceId'] ?? a.alert['x']) : r.error.code));
  assert.deepEqual(ids, [[1n], [2n], [1], [3n, 4n]]);
  assert.ok(out[2]!.ok && out[2]!.out[0] === passthrough);
  assert.ok(out[0]!.ok && out[0]!.out[0]!.raw?.bytes === (batch[0] as { bytes: Uint8Array }).bytes);
});

test('per-record failures are data, with codes', async () => {
  const step = createDecodeStep({ keepRaw: false });
  const good = encodeWire(1100, body(5n));
  const out = await step([
    { kind: 'raw', bytes: new Uint8Array(0) },
    { kind: 'raw', bytes: Buffer.from([9, 9, 9, 9, 9, 9]) },
    { kind: 'raw', bytes: encodeWire(4242, body(1n)) },
    { kind: 'raw', bytes: good.subarray(0, good.length - 4) },
    { kind: 'raw', bytes: Buffer.concat([good, Buffer.from([0])]) },
    { kind: 'raw', bytes: body(1n), writerSchema: 'lsst.v99_0' },
    { kind: 'raw', bytes: good },
  ]);
  assert.deepEqual(out.map((r) => (r.ok ? 'ok' : r.error.code)), [
    'ERR_WIRE_EMPTY', 'ERR_WIRE_MAGIC', 'ERR_SCHEMA_UNKNOWN', 'ERR_AVRO_TRUNCATED', 'ERR_AVRO_TRAILING_BYTES', 'ERR_SCHEMA_UNKNOWN', 'ok',
  ]);
  assert.ok(out[6]!.ok && out[6]!.out[0]!.raw === undefined, 'keepRaw false drops raw');
  assert.deepEqual(structuredClone(out[0]), out[0], 'errors survive structured clone');
});

test('bad config → ERR_STEP_CONFIG', () => {
  assert.throws(() => createDecodeStep({ keepRaw: 'yes' }), (e: unknown) => (e as { code?: string }).code === 'ERR_STEP_CONFIG');
});

test('empty batch → empty results', async () => {
  assert.deepEqual(await createDecodeStep({})([]), []);
});

test('BOOM LSST packet through the step', { skip: needsData }, async () => {
  const bytes = readFileSync(data('boom-test-alerts', 'lsst', '7912941781254298.avro'));
  const [r] = await createDecodeStep({})([{ kind: 'raw', bytes }]);
  assert.ok(r?.ok);
  assert.equal(r.out[0]!.schema, 'lsst.v9_0');
  assert.equal(r.out[0]!.alert['diaSourceId'], 7912941781254298n);
});
