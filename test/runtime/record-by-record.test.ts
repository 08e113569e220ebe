/**
 * A chain that starts with a full decode runs record by record (its decoded
 * alerts are large); its results must equal running each step over the
 * whole batch, failures and counts included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StepSpec } from '../../src/runtime/graph.js';
import { recordByRecord, runChainBatch, runStepBatch, type ChainResult } from '../../src/runtime/step-runner.js';
import { simulateNight } from '../../src/simulator/index.js';
import { encodeSimulatedAlert } from '../../src/sources/simulated.js';
import { stringifyExact } from '../../src/formats/avro/json.js';

const decode: StepSpec = { id: 'decode', kind: 'step', type: 'decode', config: { keepRaw: false } };
const bright: StepSpec = { id: 'bright', kind: 'step', type: 'filter', config: { where: { field: 'alert.diaSource.snr', op: '>=', value: 25 } } };
const row: StepSpec = { id: 'row', kind: 'step', type: 'select', config: { fields: { id: 'alert.diaSourceId', snr: 'alert.diaSource.snr' } } };

/** 80 Rubin packets, every 9th cut short and every 13th with a bad magic byte. */
function packets(): Array<{ kind: 'raw'; bytes: Buffer }> {
  return [...simulateNight({ alerts: 80, seed: 9 })].map(({ alert }, i) => {
    const wire = encodeSimulatedAlert(alert);
    if (i % 13 === 6) wire[0] = 7;
    return { kind: 'raw' as const, bytes: i % 9 === 4 ? wire.subarray(0, 400) : wire };
  });
}

/** The chain the slow way: each step over everything that is left, as batch steps run alone. */
async function stepByStep(steps: StepSpec[], batch: unknown[]): Promise<ChainResult[]> {
  const results: ChainResult[] = batch.map(() => ({ out: [], failed: [] }));
  let values = batch.map((v, owner) => ({ v, owner }));
  for (const step of steps) {
    const rs = await runStepBatch(step, values.map((x) => x.v));
    const next: typeof values = [];
    rs.forEach((r, k) => {
      if (r.ok) for (const v of r.out) next.push({ v, owner: values[k]!.owner });
      else results[values[k]!.owner]!.failed.push({ step: step.id, error: r.error });
    });
    values = next;
  }
  for (const { v, owner } of values) results[owner]!.out.push(v);
  return results;
}

test('record by record only for record-wise chains that start with a full decode', () => {
  assert.ok(recordByRecord([decode, bright, row]));
  assert.ok(!recordByRecord([{ ...decode, config: { fields: ['diaSourceId'] } }, row]), 'a projected decode builds little');
  assert.ok(!recordByRecord([decode]), 'one step is not a chain');
  assert.ok(!recordByRecord([decode, { id: 'a', kind: 'step', type: 'associate', config: {} }]), 'associate looks at the whole batch');
});

test('a full-decode chain run record by record equals the chain run step by step over the batch', async () => {
  const batch = packets();
  const chained = await runChainBatch([decode, bright, row], batch);
  const reference = await stepByStep([decode, bright, row], batch);
  // Error stacks say where each path ran; everything else must be equal.
  const text = (rs: ChainResult[]) => rs.map((r) => stringifyExact(r).replace(/"stack":"(?:[^"\\]|\\.)*"/g, '"stack":""'));
  assert.deepEqual(text(chained.results), text(reference));
  const failed = reference.filter((r) => r.failed.length > 0).length;
  const kept = reference.filter((r) => r.out.length > 0).length;
  assert.ok(failed >= 10 && kept >= 10, `failed ${failed}, kept ${kept}`);
  assert.deepEqual(chained.counts['decode'], { in: 80, out: 80 - failed, failed });
  assert.equal(chained.counts['row']!.out, kept);
});
