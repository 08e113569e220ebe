import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { builtInResolver, getBuiltInSchema } from '../../src/formats/avro/builtin.js';
import { encodeBody } from '../../src/formats/avro/body.js';
import { decodePacket } from '../../src/formats/avro/decode-packet.js';
import { decodeWire, decodeWireSync, encodeWire, parseWire } from '../../src/formats/avro/wire.js';
import { minimalValue } from './helpers.js';

const v11 = getBuiltInSchema('lsst.v11_0')!;
const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;
const resolver = builtInResolver();

function packet(): Buffer {
  return encodeWire(1100, encodeBody(v11.type, minimalValue(v11.type)));
}

test('header layout: magic 0, big-endian id', () => {
  const p = encodeWire(900, Buffer.from([7]));
  assert.deepEqual([...p], [0, 0, 0, 3, 0x84, 7]);
  assert.equal(parseWire(encodeWire(0xfffffffe, Buffer.alloc(0))).id, 0xfffffffe);
});

test('empty buffer → ERR_WIRE_EMPTY', async () => {
  assert.throws(() => parseWire(new Uint8Array(0)), code('ERR_WIRE_EMPTY'));
  await assert.rejects(decodePacket(new Uint8Array(0), resolver), code('ERR_WIRE_EMPTY'));
});

test('wrong magic → ERR_WIRE_MAGIC', async () => {
  const p = packet();
  p[0] = 1;
  await assert.rejects(decodeWire(p, resolver), code('ERR_WIRE_MAGIC'));
  await assert.rejects(decodePacket(p, resolver), code('ERR_WIRE_MAGIC'));
});

test('short header → ERR_WIRE_TRUNCATED', () => {
  assert.throws(() => parseWire(Buffer.from([0, 0, 4])), code('ERR_WIRE_TRUNCATED'));
});

test('unknown schema id → ERR_SCHEMA_UNKNOWN', async () => {
  const p = encodeWire(4242, Buffer.from([0]));
  await assert.rejects(decodeWire(p, resolver), code('ERR_SCHEMA_UNKNOWN'));
  assert.throws(() => decodeWireSync(p, resolver), code('ERR_SCHEMA_UNKNOWN'));
});

test('truncated body → ERR_AVRO_TRUNCATED; trailing bytes → ERR_AVRO_TRAILING_BYTES', async () => {
  const p = packet();
  await assert.rejects(decodeWire(p.subarray(0, p.length - 10), resolver), code('ERR_AVRO_TRUNCATED'));
  await assert.rejects(decodeWire(Buffer.concat([p, Buffer.from([1, 2])]), resolver), code('ERR_AVRO_TRAILING_BYTES'));
});

test('corrupt body (bad union index) → ERR_AVRO_DECODE', async () => {
  const body = encodeBody(v11.type, minimalValue(v11.type));
  const p = encodeWire(1100, body);
  // observation_reason union index follows the diaSourceId varint (1 byte for 0)
  p[5 + 1] = 0x7e;
  await assert.rejects(decodeWire(p, resolver), (e: unknown) => ['ERR_AVRO_DECODE', 'ERR_AVRO_TRUNCATED'].includes((e as { code: string }).code));
});

test('property: wire encode/decode round trip of random v11 alerts', () => {
  const long = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
  fc.assert(
    fc.property(long, fc.option(fc.string()), fc.double(), fc.option(long), fc.option(fc.uint8Array({ maxLength: 64 })), (id, reason, ra, objId, cutout) => {
      const v = minimalValue(v11.type);
      v['diaSourceId'] = id;
      v['observation_reason'] = reason;
      const src = v['diaSource'] as Record<string, unknown>;
      src['ra'] = ra;
      src['diaObjectId'] = objId;
      v['cutoutDifference'] = cutout === null ? null : Buffer.from(cutout);
      const out = decodeWireSync(encodeWire(1100, encodeBody(v11.type, v)), resolver).value;
      assert.equal(out['diaSourceId'], id);
      assert.equal(out['observation_reason'], reason);
      assert.ok(Object.is((out['diaSource'] as Record<string, unknown>)['ra'], ra));
      assert.equal((out['diaSource'] as Record<string, unknown>)['diaObjectId'], objId);
      assert.deepEqual(out['cutoutDifference'] === null ? null : [...(out['cutoutDifference'] as Buffer)], cutout === null ? null : [...cutout]);
    }),
    { numRuns: 200 },
  );
});
