import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAvroFileSource } from '../../src/sources/avro-file.js';
import { createAvroFileSink } from '../../src/sinks/avro-file.js';
import { getBuiltInSchema } from '../../src/formats/avro/builtin.js';
import { encodeBody } from '../../src/formats/avro/body.js';
import { typeFromSchemas } from '../../src/formats/avro/load.js';
import { createDecodeStep } from '../../src/formats/avro/decode-step.js';
import { encodeOcf } from '../../src/formats/avro/ocf/write.js';
import { encodeWire } from '../../src/formats/avro/wire.js';
import { mjdTaiToEpochMs, jdToEpochMs, mjdToEpochMs } from '../../src/formats/avro/event-time.js';
import type { SourceRecord } from '../../src/runtime/types.js';
import type { DecodedAlert, Packet } from '../../src/formats/types.js';
import { data, minimalValue, needsData } from './helpers.js';

const v11 = getBuiltInSchema('lsst.v11_0')!;

function body(i: number): Buffer {
  const v = minimalValue(v11.type);
  v['diaSourceId'] = 2n ** 60n + BigInt(i);
  (v['diaSource'] as Record<string, unknown>)['midpointMjdTai'] = 60000 + i;
  return encodeBody(v11.type, v);
}

async function collect(src: { batches(s: AbortSignal): AsyncIterable<SourceRecord<Packet>[]> }): Promise<SourceRecord<Packet>[][]> {
  const out: SourceRecord<Packet>[][] = [];
  for await (const b of src.batches(new AbortController().signal)) out.push(b);
  return out;
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'alertflow-io-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('time helpers', () => {
  assert.equal(mjdToEpochMs(40587), 0);
  assert.equal(jdToEpochMs(2440588.5), 86_400_000);
  assert.equal(mjdTaiToEpochMs(40588), 86_400_000 - 37_000);
});

test('source: OCF with built-in schema → RawPackets with positions, bytes, eventTime; startAt; batches', () =>
  withDir(async (dir) => {
    const path = join(dir, 'a.avro');
    await writeFile(path, encodeOcf(v11.json, Array.from({ length: 25 }, (_, i) => body(i)), { codec: 'deflate', recordsPerBlock: 4 }));
    const batches = await collect(createAvroFileSource({ path, batchSize: 10, startAt: 3, chunkSize: 100 }));
    assert.deepEqual(batches.map((b) => b.length), [10, 10, 2]);
    const recs = batches.flat();
    assert.deepEqual(recs.map((r) => r.position.offset), Array.from({ length: 22 }, (_, i) => i + 3));
    const first = recs[0]!;
    assert.equal(first.position.partition, path);
    assert.equal(first.value.kind, 'raw');
    assert.equal((first.value as { writerSchema?: string }).writerSchema, 'lsst.v11_0');
    assert.deepEqual(first.bytes, new Uint8Array(body(3)));
    assert.equal(first.eventTime, mjdTaiToEpochMs(60003));
    const [r] = await createDecodeStep({})([first.value]);
    assert.ok(r?.ok && r.out[0]!.alert['diaSourceId'] === 2n ** 60n + 3n);
  }));

test('source: single wire-format packet file; checkpoint sidecar', () =>
  withDir(async (dir) => {
    const path = join(dir, 'p.avro');
    const packet = encodeWire(1100, body(7));
    await writeFile(path, packet);
    const src = createAvroFileSource({ path, checkpoint: true });
    const recs = (await collect(src)).flat();
    assert.equal(recs.length, 1);
    assert.deepEqual(recs[0]!.value, { kind: 'raw', bytes: new Uint8Array(packet) });
    await src.commit(new Map([[path, 1]]));
    assert.equal((await readFile(`${path}.offset`, 'utf8')).trim(), '1');
    assert.equal((await collect(createAvroFileSource({ path, checkpoint: true }))).length, 0, 'resumes after the committed record');
    await src.close();
  }));

test('source: an unknown writer schema is decoded in-process', () =>
  withDir(async (dir) => {
    const path = join(dir, 'o.avro');
    const json = JSON.parse(JSON.stringify(v11.json)) as { fields: { name: string }[] };
    json.fields = json.fields.slice(0, 4); // diaSourceId … diaSource only: not a built-in fingerprint
    const subType = typeFromSchemas(json as unknown as Record<string, unknown>);
    const full = v11.type.fromBuffer(body(1)) as Record<string, unknown>;
    const sub = encodeOcf(json, [encodeBody(subType, { diaSourceId: full['diaSourceId'], observation_reason: null, target_name: null, diaSource: full['diaSource'] })]);
    await writeFile(path, sub);
    const recs = (await collect(createAvroFileSource({ path }))).flat();
    assert.equal(recs.length, 1);
    const v = recs[0]!.value as DecodedAlert;
    assert.equal(v.kind, 'alert');
    assert.equal(v.schema, 'lsst.v11_0');
    assert.equal(v.alert['diaSourceId'], 2n ** 60n + 1n);
    assert.equal(recs[0]!.eventTime, mjdTaiToEpochMs(60001));
  }));

test('source: early stop leaves no open file; abort signal ends iteration', () =>
  withDir(async (dir) => {
    const path = join(dir, 'a.avro');
    await writeFile(path, encodeOcf(v11.json, Array.from({ length: 50 }, (_, i) => body(i)), { recordsPerBlock: 5 }));
    const src = createAvroFileSource({ path, batchSize: 5 });
    const ac = new AbortController();
    let n = 0;
    for await (const b of src.batches(ac.signal)) {
      n += b.length;
      ac.abort();
    }
    assert.equal(n, 5);
    await src.close();
  }));

test('sink: writes .partial, renames on close, reads back; raw bytes reused', () =>
  withDir(async (dir) => {
    const out = join(dir, 'out.avro');
    const sink = createAvroFileSink({ path: out, codec: 'snappy' });
    assert.equal(sink.describe?.(), out);
    const step = createDecodeStep({});
    const packets: Packet[] = [
      { kind: 'raw', bytes: encodeWire(1100, body(1)) },
      { kind: 'raw', bytes: body(2), writerSchema: 'lsst.v11_0' },
    ];
    const alerts = (await step(packets)).flatMap((r) => (r.ok ? r.out : []));
    const fresh: DecodedAlert = { kind: 'alert', survey: 'lsst', schema: 'lsst.v11_0', alert: minimalValue(v11.type) };
    await sink.write(alerts.map((value, i) => ({ value, position: { partition: 'x', offset: i } })));
    assert.ok(existsSync(`${out}.partial`) && !existsSync(out));
    await sink.write([{ value: fresh, position: { partition: 'x', offset: 2 } }]);
    await sink.close();
    assert.ok(existsSync(out) && !existsSync(`${out}.partial`));
    const recs = (await collect(createAvroFileSource({ path: out }))).flat();
    assert.equal(recs.length, 3);
    assert.deepEqual(recs.map((r) => (r.value as { writerSchema?: string }).writerSchema), ['lsst.v11_0', 'lsst.v11_0', 'lsst.v11_0']);
    assert.deepEqual(recs[0]!.bytes, new Uint8Array(body(1)));
    assert.deepEqual(recs[1]!.bytes, new Uint8Array(body(2)));
  }));

test('sink: record that does not fit the schema → ERR_AVRO_ENCODE', () =>
  withDir(async (dir) => {
    const sink = createAvroFileSink({ path: join(dir, 'bad.avro'), schema: 'lsst.v11_0' });
    const bad: DecodedAlert = { kind: 'alert', survey: 'lsst', schema: 'lsst.v11_0', alert: { diaSourceId: 'nope' } };
    await assert.rejects(sink.write([{ value: bad, position: { partition: 'x', offset: 0 } }]), (e: unknown) => (e as { code?: string }).code === 'ERR_AVRO_ENCODE');
    await sink.close();
  }));

test('ZTF golden file: source → sink → source keeps bytes identical', { skip: needsData }, () =>
  withDir(async (dir) => {
    const src = join(dir, 'ztf.avro');
    await copyFile(data('boom-test-alerts', 'ztf', '2695378462115010012.avro'), src);
    const recs = (await collect(createAvroFileSource({ path: src }))).flat();
    assert.equal(recs.length, 1);
    assert.equal((recs[0]!.value as { writerSchema?: string }).writerSchema, 'ztf 4.02');
    assert.equal(recs[0]!.eventTime, Math.round(jdToEpochMs(2460449.8784606)));
    const [r] = await createDecodeStep({})([recs[0]!.value]);
    assert.ok(r?.ok);
    const out = join(dir, 'copy.avro');
    const sink = createAvroFileSink({ path: out, codec: 'deflate' });
    await sink.write([{ value: r.out[0]!, position: recs[0]!.position }]);
    await sink.close();
    const again = (await collect(createAvroFileSource({ path: out }))).flat();
    assert.deepEqual(again[0]!.bytes, recs[0]!.bytes);
  }));
