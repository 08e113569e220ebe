/**
 * The projected reader against avsc, an independent decoder of the same
 * schemas: on every real packet of the corpus, a full selection gives
 * avsc's value and a partial one gives exactly the selected part of it; on
 * mutated bodies it fails when avsc fails, with a typed ERR_AVRO_ code, and
 * agrees with avsc when both succeed. (avsc itself is checked against
 * fastavro on the same corpus in test/real-alerts/corpus.oracle.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type avro from 'avsc';
import { AlertflowError } from '../../src/errors.js';
import { ocfWriterSchema } from '../../src/formats/avro/decode-packet.js';
import { readOcfBuffer } from '../../src/formats/avro/ocf/read-buffer.js';
import { splitBlock } from '../../src/formats/avro/ocf/blocks.js';
import { skipperFor } from '../../src/formats/avro/skip.js';
import { projectedReader, selectionFromPaths, type FieldSelection } from '../../src/formats/avro/projection.js';
import type { AlertSchema } from '../../src/formats/avro/alert-schema.js';
import { EXTENDEDNESS_FIELDS } from '../../src/filters/extendedness.js';
import { SEED001_FIELDS } from '../../src/sinks/seed001-row.js';
import { data, hasData, repoRoot } from './helpers.js';
import { typeFromSchemas } from '../../src/formats/avro/load.js';
import { mutate, prng } from '../helpers/mutate.js';

interface Body {
  file: string;
  schema: AlertSchema;
  body: Uint8Array;
}

function containerFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.avro')) out.push(join(d, e.name));
    }
  };
  walk(join(repoRoot, 'test', 'data', 'real-alerts'));
  if (hasData) for (const f of ['boom-test-alerts/ztf/2695378462115010012.avro', 'boom-test-alerts/roman/alert.avro']) out.push(data(f));
  return out.sort();
}

/** Every record body of the real-packet corpus, with its writer schema. */
function corpusBodies(): Body[] {
  const out: Body[] = [];
  for (const file of containerFiles()) {
    const { header, blocks } = readOcfBuffer(readFileSync(file));
    const { schema } = ocfWriterSchema(header);
    const skip = skipperFor(schema.type);
    for (const block of blocks) for (const body of splitBlock(block, skip)) out.push({ file, schema, body });
  }
  return out;
}

const BODIES = corpusBodies();

/** Every top-level field of a record type: the whole record. */
function allFields(type: avro.Type): FieldSelection {
  return Object.fromEntries((type as avro.types.RecordType).fields.map((f) => [f.name, true as const]));
}

/** The part of a full decode that `sel` names (what the projection should build). */
function project(value: unknown, sel: FieldSelection | true): unknown {
  if (sel === true || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map((v) => project(v, sel));
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(sel)) if (k in (value as object)) out[k] = project((value as Record<string, unknown>)[k], s);
  return out;
}

/** avsc's value, or undefined when avsc refuses the body (or leaves bytes over). */
function avscDecode(type: avro.Type, body: Uint8Array): unknown {
  try {
    const r = type.decode(Buffer.from(body.buffer, body.byteOffset, body.byteLength), 0);
    return r.offset === body.length ? r.value : undefined;
  } catch {
    return undefined;
  }
}

/** Plain data for deepEqual: avsc builds record-class instances, we build plain objects. */
function plain(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return v;
  if (Array.isArray(v)) return v.map(plain);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
}

test('corpus: the full selection gives avsc’s value on every real packet', () => {
  assert.ok(BODIES.length >= 17, `only ${BODIES.length} real bodies`);
  for (const { file, schema, body } of BODIES) {
    const ours = projectedReader(schema.type, allFields(schema.type))(body);
    assert.deepEqual(plain(ours), plain(schema.type.decode(Buffer.from(body), 0).value), file);
  }
});

test('corpus: the seed-001 selection builds exactly the selected fields, equal to avsc’s', () => {
  const sel = selectionFromPaths([...EXTENDEDNESS_FIELDS, ...SEED001_FIELDS]);
  let rubin = 0;
  for (const { file, schema, body } of BODIES) {
    const full = plain(schema.type.decode(Buffer.from(body), 0).value);
    const ours = plain(projectedReader(schema.type, sel)(body));
    assert.deepEqual(ours, project(full, sel), file);
    if (schema.survey === 'lsst' && 'diaSource' in (ours as object)) rubin++;
  }
  assert.ok(rubin >= 10, `only ${rubin} Rubin packets had a diaSource`);
});

test('corpus: nested history selections (prvDiaSources.extendedness) and unknown fields', () => {
  const sel = selectionFromPaths(['prvDiaSources.extendedness', 'diaObject.ra', 'noSuchField', 'diaSource.noSuchEither']);
  for (const { file, schema, body } of BODIES) {
    const full = plain(schema.type.decode(Buffer.from(body), 0).value);
    assert.deepEqual(plain(projectedReader(schema.type, sel)(body)), project(full, sel), file);
  }
});

test('5,000 mutated real bodies: the full selection fails exactly when avsc does (typed ERR_AVRO_) and otherwise agrees', () => {
  const rnd = prng(11);
  const sel = selectionFromPaths([...EXTENDEDNESS_FIELDS, ...SEED001_FIELDS]);
  const counts = { bothOk: 0, bothFailed: 0, partialFailed: 0 };
  for (let i = 0; i < 5000; i++) {
    const { schema, body } = BODIES[i % BODIES.length]!;
    const bad = mutate(body, rnd);
    const theirs = avscDecode(schema.type, bad);
    let ours: unknown;
    let why = '';
    try {
      ours = projectedReader(schema.type, allFields(schema.type))(bad);
    } catch (err) {
      assert.ok(err instanceof AlertflowError && /^ERR_AVRO_/.test(err.code), `mutant ${i}: ${String(err)}`);
      why = String(err);
    }
    if (ours !== undefined && theirs !== undefined) {
      assert.deepEqual(plain(ours), plain(theirs), `mutant ${i}`);
      counts.bothOk++;
    } else if (theirs !== undefined) assert.fail(`mutant ${i}: avsc decodes it, the projection refuses it: ${why} (${BODIES[i % BODIES.length]!.file})`);
    else if (ours !== undefined) assert.fail(`mutant ${i}: avsc refuses it, the projection decodes it`);
    else counts.bothFailed++;
    // The partial reader skips most fields (the branch-free runs included): where avsc reads
    // the mutant it must read it too, with the same selected values; else a typed error or a value.
    let partial: unknown;
    try {
      partial = projectedReader(schema.type, sel)(bad);
    } catch (err) {
      assert.ok(err instanceof AlertflowError && /^ERR_AVRO_/.test(err.code), `mutant ${i} (partial): ${String(err)}`);
      counts.partialFailed++;
    }
    if (theirs !== undefined) assert.deepEqual(plain(partial), plain(project(theirs, sel)), `mutant ${i} (partial)`);
  }
  assert.ok(counts.bothOk > 100 && counts.bothFailed > 1000, JSON.stringify(counts));
});

/** A record of the shapes the branch-free skip handles, around a long that is read. */
const RUN_TYPE = typeFromSchemas({
  type: 'record',
  name: 'run',
  fields: [
    { name: 'a', type: ['null', 'float'] },
    { name: 'b', type: 'double' },
    { name: 'c', type: ['float', 'null'] },
    { name: 'd', type: ['null', 'boolean'] },
    { name: 'e', type: ['null', 'double'] },
    { name: 'keep', type: 'long' },
  ],
});

/** Hand-made encodings: a branch index as the canonical byte, padded (legal Avro), or out of range. */
function branch(index: number, form: 'canonical' | 'padded' | 'bad'): number[] {
  if (form === 'bad') return [2 * (index + 2)];
  return form === 'canonical' ? [2 * index] : [0x80 | (2 * index), 0x00];
}

test('branch-free skip of nullable runs: padded and bad union indexes and every truncation agree with avsc', () => {
  const read = projectedReader(RUN_TYPE, { keep: true });
  const forms = ['canonical', 'padded', 'bad'] as const;
  let cases = 0;
  for (const fa of forms)
    for (const fc of forms)
      for (const aNull of [0, 1])
        for (const eNull of [0, 1]) {
          const bytes = [
            ...branch(aNull ? 0 : 1, fa), ...(aNull ? [] : [0, 0, 0x80, 0x3f]),
            ...[0, 0, 0, 0, 0, 0, 0xf0, 0x3f],
            ...branch(0, fc), 0, 0, 0, 0x40,
            ...branch(1, 'canonical'), 1,
            ...branch(eNull ? 0 : 1, 'canonical'), ...(eNull ? [] : [0, 0, 0, 0, 0, 0, 0, 0x40]),
            0xac, 0x02, // keep = 150
          ];
          for (let cut = 0; cut <= bytes.length; cut++) {
            const body = Buffer.from(bytes.slice(0, cut));
            const theirs = avscDecode(RUN_TYPE, body) as { keep: bigint } | undefined;
            let ours: Record<string, unknown> | undefined;
            try {
              ours = read(body);
            } catch (err) {
              assert.ok(err instanceof AlertflowError && /^ERR_AVRO_/.test(err.code), String(err));
            }
            if (theirs === undefined) assert.equal(ours, undefined, `${fa}/${fc}/${aNull}/${eNull} cut ${cut}: avsc refuses it`);
            else assert.deepEqual(ours, { keep: theirs.keep }, `${fa}/${fc}/${aNull}/${eNull} cut ${cut}`);
            cases++;
          }
        }
  assert.ok(cases > 800, String(cases));
});

test('runs of equal and alternating longs (one id repeated down a history) read as avsc reads them', () => {
  const type = typeFromSchemas({ type: 'record', name: 'h', fields: [{ name: 'ids', type: { type: 'array', items: 'long' } }, { name: 'last', type: 'long' }] });
  const read = projectedReader(type, { ids: true, last: true });
  const id = 170_000_000_000_000_123n;
  const ids = [id, id, id, -id, id, 0n, 0n, 63n, -64n, 64n, -65n, 2n ** 32n, 2n ** 32n + 1n, 2n ** 32n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 63n - 1n, id];
  const body = type.toBuffer({ ids, last: id });
  const theirs = avscDecode(type, body) as { ids: bigint[]; last: bigint };
  assert.deepEqual(theirs.ids, ids);
  assert.deepEqual(read(body), { ids: theirs.ids, last: theirs.last });
});

test('longs of 8 to 10 bytes (Rubin ids) read exactly, as avsc reads them', () => {
  const type = typeFromSchemas({ type: 'record', name: 'l', fields: [{ name: 'v', type: 'long' }] });
  const read = projectedReader(type, { v: true });
  const values = [0n, 1n, -1n, 2n ** 31n, 2n ** 49n - 1n, 2n ** 49n, -(2n ** 49n), 2n ** 53n + 1n, 170_000_000_000_000_123n, -(2n ** 58n) - 7n, 2n ** 62n, 2n ** 63n - 1n, -(2n ** 63n)];
  for (const v of values) {
    const body = type.toBuffer({ v });
    assert.equal(read(body)['v'], v, String(v));
  }
  // Varints of 10 bytes whose last byte carries bits beyond 64, and padded ones: as avsc.
  for (const bytes of [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x03], [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]]) {
    const body = Buffer.from(bytes);
    const theirs = avscDecode(type, body) as { v: bigint } | undefined;
    let ours: unknown;
    try {
      ours = read(body)['v'];
    } catch (err) {
      assert.ok(err instanceof AlertflowError, String(err));
    }
    assert.equal(ours, theirs?.v, bytes.join(','));
  }
});
