import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBuiltInSchema } from '../../src/formats/avro/builtin.js';
import { decodeBody, encodeBody } from '../../src/formats/avro/body.js';
import { readOcfBuffer } from '../../src/formats/avro/ocf/read-buffer.js';
import { OcfFileReader } from '../../src/formats/avro/ocf/read-file.js';
import { encodeOcf, OcfFileWriter } from '../../src/formats/avro/ocf/write.js';
import { splitBlock } from '../../src/formats/avro/ocf/blocks.js';
import { skipperFor } from '../../src/formats/avro/skip.js';
import { decodePackets } from '../../src/formats/avro/decode-packet.js';
import { builtInResolver } from '../../src/formats/avro/builtin.js';
import type { OcfCodecName } from '../../src/formats/avro/ocf/codecs.js';
import { minimalValue } from './helpers.js';

const schema = getBuiltInSchema('lsst.v11_0')!;
const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;

function bodies(n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => {
    const v = minimalValue(schema.type);
    v['diaSourceId'] = 2n ** 62n + BigInt(i);
    v['cutoutScience'] = Buffer.alloc(i % 7, i);
    return encodeBody(schema.type, v);
  });
}

function allBodies(file: Buffer): Buffer[] {
  const { blocks } = readOcfBuffer(file);
  return blocks.flatMap((b) => splitBlock(b, skipperFor(schema.type)));
}

for (const codec of ['null', 'deflate', 'snappy'] as OcfCodecName[]) {
  test(`in-memory round trip, codec ${codec}, many blocks`, async () => {
    const input = bodies(250);
    const file = encodeOcf(schema.json, input, { codec, recordsPerBlock: 17 });
    const { header, blocks } = readOcfBuffer(file);
    assert.equal(header.codec, codec);
    assert.equal(blocks.length, Math.ceil(250 / 17));
    assert.deepEqual(allBodies(file), input);
    const alerts = await decodePackets(file, builtInResolver());
    assert.equal(alerts.length, 250);
    assert.equal(alerts[249]!.alert['diaSourceId'], 2n ** 62n + 249n);
    assert.equal(alerts[0]!.raw?.writerSchema, 'lsst.v11_0');
  });

  test(`file writer → streaming reader with tiny chunks, codec ${codec}`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'alertflow-ocf-'));
    try {
      const path = join(dir, 'x.avro');
      const input = bodies(120);
      const w = await OcfFileWriter.create(path, schema.json, { codec, blockSize: 500 });
      for (const b of input) await w.append(b);
      await w.close();
      const r = await OcfFileReader.open(path, { chunkSize: 37 });
      const got: Buffer[] = [];
      let blocks = 0;
      for await (const block of r.blocks()) {
        blocks++;
        got.push(...splitBlock(block, skipperFor(schema.type)));
      }
      await r.close();
      assert.ok(blocks > 1);
      assert.deepEqual(got, input);
      assert.equal(decodeBody<Record<string, unknown>>(schema.type, got[5]!)['diaSourceId'], 2n ** 62n + 5n);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('empty container (header only) has no blocks', () => {
  assert.equal(readOcfBuffer(encodeOcf(schema.json, [])).blocks.length, 0);
});

test('bad magic → ERR_OCF_HEADER; truncated header → ERR_OCF_HEADER', () => {
  const file = encodeOcf(schema.json, bodies(3));
  const bad = Buffer.from(file);
  bad[3] = 2;
  assert.throws(() => readOcfBuffer(bad), code('ERR_OCF_HEADER'));
  assert.throws(() => readOcfBuffer(file.subarray(0, 40)), code('ERR_OCF_HEADER'));
});

test('unknown codec → ERR_OCF_CODEC', () => {
  const file = encodeOcf(schema.json, bodies(1), { meta: {} });
  const patched = Buffer.from(file.toString('latin1').replace('avro.codec\x08null', 'avro.codec\x08zstd'), 'latin1');
  assert.throws(() => readOcfBuffer(patched), code('ERR_OCF_CODEC'));
});

test('sync marker mismatch → ERR_OCF_SYNC', () => {
  const file = Buffer.from(encodeOcf(schema.json, bodies(10), { recordsPerBlock: 5 }));
  file[file.length - 1] ^= 0xff;
  assert.throws(() => readOcfBuffer(file), code('ERR_OCF_SYNC'));
});

test('truncated file → ERR_AVRO_TRUNCATED (buffer and streaming)', async () => {
  const file = encodeOcf(schema.json, bodies(10), { recordsPerBlock: 5 });
  assert.throws(() => readOcfBuffer(file.subarray(0, file.length - 3)), code('ERR_AVRO_TRUNCATED'));
  const dir = await mkdtemp(join(tmpdir(), 'alertflow-ocf-'));
  try {
    const path = join(dir, 't.avro');
    await writeFile(path, file.subarray(0, file.length - 3));
    const r = await OcfFileReader.open(path, { chunkSize: 64 });
    await assert.rejects(async () => {
      for await (const _ of r.blocks()) void _;
    }, code('ERR_AVRO_TRUNCATED'));
    await r.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('corrupt deflate block → ERR_AVRO_DECODE; record count too high → ERR_AVRO_TRUNCATED', () => {
  const file = Buffer.from(encodeOcf(schema.json, bodies(4), { codec: 'deflate' }));
  const { header } = readOcfBuffer(file);
  const c = Buffer.from(file);
  c.fill(0xff, header.size + 4, header.size + 12);
  assert.throws(() => readOcfBuffer(c), code('ERR_AVRO_DECODE'));
  const n = Buffer.from(encodeOcf(schema.json, bodies(4)));
  n[readOcfBuffer(n).header.size] = 10; // count 5 instead of 4
  assert.throws(() => splitBlock(readOcfBuffer(n).blocks[0]!, skipperFor(schema.type)), code('ERR_AVRO_TRUNCATED'));
});

test('snappy checksum mismatch → ERR_AVRO_DECODE', () => {
  const file = Buffer.from(encodeOcf(schema.json, bodies(4), { codec: 'snappy' }));
  file[file.length - 17] ^= 0x01; // last CRC byte, just before the sync marker
  assert.throws(() => readOcfBuffer(file), code('ERR_AVRO_DECODE'));
});
