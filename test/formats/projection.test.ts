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
    try {
      projectedReader(schema.type, sel)(bad);
    } catch (err) {
      assert.ok(err instanceof AlertflowError && /^ERR_AVRO_/.test(err.code), `mutant ${i} (partial): ${String(err)}`);
      counts.partialFailed++;
    }
  }
  assert.ok(counts.bothOk > 100 && counts.bothFailed > 1000, JSON.stringify(counts));
});
