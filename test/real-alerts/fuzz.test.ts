import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertflowError } from '../../src/errors.js';
import { decodePackets } from '../../src/formats/avro/decode-packet.js';
import { builtInResolver, requireBuiltInSchema } from '../../src/formats/avro/builtin.js';
import { readOcfBuffer } from '../../src/formats/avro/ocf/read-buffer.js';
import { splitBlock } from '../../src/formats/avro/ocf/blocks.js';
import { skipperFor } from '../../src/formats/avro/skip.js';
import { encodeOcf } from '../../src/formats/avro/ocf/write.js';
import { encodeWire } from '../../src/formats/avro/wire.js';
import { graph } from '../../src/runtime/builder.js';
import { runGraph, type DeadLetter } from '../../src/runtime/executor.js';
import { createAvroFileSource } from '../../src/sources/avro-file.js';
import { memorySink } from '../../src/testing/memory.js';
import type { Sink } from '../../src/runtime/types.js';
import { repoRoot } from '../formats/helpers.js';
import { mutate, prng } from '../helpers/mutate.js';

const LSST = join(repoRoot, 'test', 'data', 'real-alerts', 'lsst-alert-packet', 'schema');
const SEEDS = ['3/0', '7/4', '9/0', '11/1'].map((v) => readFileSync(join(LSST, v, 'sample_data', 'fakeAlert.avro')));
const SYNTH = ['ztf-3.2-writer.avro', 'lsst-9.0-spark-toplevelrecord.avro'].map((f) => readFileSync(join(repoRoot, 'test', 'data', 'real-alerts', 'synthesised', f)));

test('10,000 mutated container and wire packets: every failure is a typed ERR_ error, nothing crashes', async () => {
  const rnd = prng(7);
  const schema = requireBuiltInSchema('lsst.v9_0');
  const body = splitBlock(readOcfBuffer(SEEDS[2]!).blocks[0]!, skipperFor(schema.type))[0]!;
  const wire = encodeWire(900, body);
  const seeds = [...SEEDS, ...SYNTH, wire];
  let failed = 0;
  let decoded = 0;
  for (let i = 0; i < 10_000; i++) {
    const m = mutate(seeds[i % seeds.length]!, rnd);
    try {
      decoded += (await decodePackets(m, builtInResolver(), { keepRaw: false })).length;
    } catch (err) {
      assert.ok(err instanceof AlertflowError, `mutant ${i}: untyped ${(err as Error)?.stack}`);
      assert.match(err.code, /^ERR_[A-Z_]+$/);
      failed++;
    }
  }
  assert.ok(failed > 1000 && decoded > 100, `failed ${failed}, decoded ${decoded}`);
});

test('avro-file graph: good files around corrupt ones are all delivered, each bad record dead-lettered with a code and its bytes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-fuzz-'));
  try {
    const rnd = prng(11);
    const schema = requireBuiltInSchema('lsst.v9_0');
    const body = splitBlock(readOcfBuffer(SEEDS[2]!).blocks[0]!, skipperFor(schema.type))[0]!;
    // Five one-record blocks; the middle block's data is zeroed: records 0, 1, 3, 4 must survive it.
    const multi = encodeOcf(schema.json, [body, body, body, body, body], { recordsPerBlock: 1, codec: 'null' });
    const third = multi.indexOf(body, multi.indexOf(body, multi.indexOf(body) + 1) + 1);
    multi.fill(0, third + 10, third + 40);
    const paths: string[] = [];
    const write = (name: string, bytes: Uint8Array): void => {
      const p = join(dir, name);
      writeFileSync(p, bytes);
      paths.push(p);
    };
    write('good-first.avro', SEEDS[3]!);
    write('multi.avro', multi);
    for (let i = 0; i < 150; i++) write(`m${i}.avro`, mutate(SEEDS[i % SEEDS.length]!, rnd));
    write('good-last.avro', SEEDS[1]!);
    const sink = memorySink();
    const dead: DeadLetter[] = [];
    const deadSink: Sink<DeadLetter> = { async write(b) { for (const r of b) dead.push(r.value); }, describe: () => 'memory', async close() {} };
    const spec = graph('fuzz').source('files', 'external').step('decode', 'decode', { keepRaw: false }).sink('out', 'external').build();
    await runGraph(spec, { threads: 0, sources: { files: createAvroFileSource({ path: paths, batchSize: 16 }) }, sinks: { out: sink as Sink }, deadLetterSink: deadSink, batchSize: 16 }).done;
    const from = (name: string) => sink.records.filter((r) => r.position.partition.endsWith(name)).map((r) => r.position.offset);
    assert.deepEqual(from('good-first.avro'), [0]);
    assert.deepEqual(from('good-last.avro'), [0]);
    assert.deepEqual(from('multi.avro'), [0, 1, 3, 4]);
    assert.ok(dead.some((d) => d.partition.endsWith('multi.avro') && d.offset === 2));
    assert.ok(dead.length > 50, `only ${dead.length} dead letters`);
    for (const d of dead) {
      assert.match(d.code, /^ERR_[A-Z_]+$/, d.message);
      assert.notEqual(d.code, 'ERR_STEP_FAILED');
      assert.ok(d.bytes && d.bytes.length > 0 || d.code === 'ERR_WIRE_EMPTY', `${d.partition}: ${d.code} without bytes`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('alertflow inspect (subprocess) on 40 mutated files between two good ones: typed errors only, good packets printed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-fuzz-cli-'));
  try {
    const rnd = prng(5);
    const paths = [join(LSST, '8/0/sample_data/fakeAlert.avro')];
    for (let i = 0; i < 40; i++) {
      const p = join(dir, `m${i}.avro`);
      writeFileSync(p, mutate([...SEEDS, ...SYNTH][i % 6]!, rnd));
      paths.push(p);
    }
    paths.push(join(LSST, '11/1/sample_data/fakeAlert.avro'));
    const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'alertflow.js'), 'inspect', ...paths], { encoding: 'utf8', maxBuffer: 256 << 20 });
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { schema: string });
    assert.equal(lines[0]!.schema, 'lsst.v8_0');
    assert.equal(lines[lines.length - 1]!.schema, 'lsst.v11_1');
    const bad = r.stderr.split('\n').filter((l) => l.startsWith('inspect: /'));
    for (const l of bad) assert.match(l, /: ERR_[A-Z_]+: /, l);
    assert.ok(!r.stderr.includes('ERR_STEP_FAILED') && !r.stderr.includes('Cannot read properties'), r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
