import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graph } from '../../src/runtime/builder.js';
import { validateGraph, type GraphSpec } from '../../src/runtime/graph.js';
import { toMermaid } from '../../src/runtime/mermaid.js';
import { isKnownType } from '../../src/runtime/registry.js';
import { AlertflowError } from '../../src/errors.js';

const valid = (): GraphSpec =>
  graph('g')
    .source('in', 'avro-file', { path: 'a.avro' })
    .step('decode', 'decode', {}, { pool: true })
    .step('keep', 'filter', { where: { field: 'alert.diaSource.snr', op: '>=', value: 5 } })
    .sink('archive', 'avro-file', { path: 'b.avro' })
    .sink('summary', 'jsonl', { path: 'c.jsonl' }, { from: 'keep', key: 'alert.diaSourceId' })
    .build();

function invalid(mutate: (s: GraphSpec) => void, step: string | undefined, pattern: RegExp): void {
  const spec = structuredClone(valid());
  mutate(spec);
  assert.throws(
    () => validateGraph(spec, isKnownType),
    (err: unknown) => err instanceof AlertflowError && err.code === 'ERR_GRAPH_INVALID' && err.details.step === step && pattern.test(err.message),
  );
}

test('builder chains inputs and the spec survives JSON', () => {
  const spec = valid();
  assert.deepEqual(spec.steps.map((s) => [s.id, s.inputs ?? []]), [
    ['in', []],
    ['decode', ['in']],
    ['keep', ['decode']],
    ['archive', ['keep']],
    ['summary', ['keep']],
  ]);
  assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
  const order = validateGraph(spec, isKnownType).map((s) => s.id);
  assert.ok(order.indexOf('in') < order.indexOf('decode') && order.indexOf('keep') < order.indexOf('summary'));
});

test('validation names the offending step', () => {
  invalid((s) => s.steps.push({ ...s.steps[1] }), 'decode', /duplicate/);
  invalid((s) => (s.steps[2].inputs = ['nope']), 'keep', /input "nope"/);
  invalid((s) => (s.steps[1].type = 'teleport'), 'decode', /unknown step type "teleport"/);
  invalid((s) => (s.steps[1].inputs = ['in', 'keep']), 'decode', /cycle/);
  invalid((s) => (s.steps[3].pool = true), 'archive', /only batch steps/);
  invalid((s) => (s.steps[0].inputs = ['keep']), 'in', /takes no inputs/);
  invalid((s) => s.steps.splice(3, 2), 'keep', /goes nowhere/);
  invalid((s) => (s.steps[2].inputs = ['archive']), 'keep', /is a sink/);
  invalid((s) => (s.steps[1].id = '1bad'), '1bad', /id must start/);
  invalid((s) => (s.steps[1].batchSize = 0), 'decode', /batchSize/);
});

test('mermaid rendering shows every node and edge', () => {
  const text = toMermaid(valid());
  assert.match(text, /^flowchart LR/);
  for (const id of ['in', 'decode', 'keep', 'archive', 'summary']) assert.match(text, new RegExp(`n_${id}`));
  assert.match(text, /n_decode\["decode: decode \(pool\)"\]/);
  assert.match(text, /n_keep --> n_summary/);
  assert.equal(text.split('-->').length - 1, 4);
});
