/**
 * At-least-once through a real broker: 10,000 simulated alerts on a topic are
 * consumed by `alertflow run` (decode on the worker pool, JSONL sink keyed by
 * diaSourceId); the consumer is SIGKILLed mid-stream and restarted, and every
 * alert reaches the sink exactly once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBroker, createTopic, type TestBroker } from '../../src/testing/kafka.js';
import { graph } from '../../src/runtime/builder.js';
import { runGraph } from '../../src/runtime/executor.js';
import { memorySink } from '../../src/testing/memory.js';

const ALERTS = 10_000;
const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const cli = join(repo, 'bin', 'alertflow.js');
let kafka: TestBroker;
let dir: string;

before(async () => {
  kafka = await ensureBroker();
  dir = mkdtempSync(join(tmpdir(), 'alertflow-restart-'));
});
after(async () => {
  await kafka?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function lineCount(path: string): number {
  if (!existsSync(path)) return 0;
  const text = readFileSync(path, 'utf8');
  return text.length === 0 ? 0 : text.split('\n').length - 1;
}

function runCli(args: string[]): { child: ReturnType<typeof spawn>; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [cli, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, stderr: () => err };
}

test('kill the consumer mid-stream, restart it: every alert reaches the sink once', { timeout: 600_000 }, async () => {
  const topic = `restart-${Date.now()}`;
  await createTopic(kafka.brokers, topic, 3);

  // Produce 10,000 simulated alerts through the runtime itself (simulate -> frame -> kafka).
  // Produce 10,000 simulated alerts through the runtime itself (simulate -> frame -> kafka),
  // noting each id on a second branch.
  const produce = graph('produce')
    .source('sim', 'simulate', { alerts: ALERTS, seed: 2024 })
    .step('frame', 'frame')
    .sink('kafka', 'kafka', { brokers: kafka.brokers, topic })
    .step('decode', 'decode', {}, { from: 'sim' })
    .step('id', 'select', { fields: { id: 'alert.diaSourceId' } })
    .sink('ids', 'external')
    .build();
  const ids = memorySink<{ id: bigint }>();
  const produced = await runGraph(produce, { threads: 0, sinks: { ids }, deadLetterSink: memorySink() }).done;
  assert.equal(produced.metrics.recordsOut, 2 * ALERTS);
  const expected = new Set(ids.records.map((r) => r.value.id.toString()));
  assert.equal(expected.size, ALERTS);

  const out = join(dir, 'seen.jsonl');
  const spec = graph('consume')
    .source('alerts', 'kafka', { brokers: kafka.brokers, topic, groupId: 'restart-test', fromBeginning: true, untilCaughtUp: true, batchSize: 200 })
    .step('decode', 'decode', {}, { pool: true, batchSize: 50 })
    .step('ids', 'select', { fields: { diaSourceId: 'alert.diaSourceId', band: 'alert.diaSource.band' } })
    .sink('seen', 'jsonl', { path: out }, { key: 'diaSourceId', batchSize: 100 })
    .build();
  writeFileSync(join(dir, 'graph.json'), JSON.stringify(spec, null, 2));

  // First run: SIGKILL once part of the stream is through (no drain, no final commit).
  const first = runCli(['run', 'graph.json', '--threads', '2', '--no-progress']);
  while (lineCount(out) < 2500) {
    const code = await Promise.race([first.exited, new Promise((r) => setTimeout(() => r('running'), 100))]);
    assert.equal(code, 'running', `first run ended before the kill: ${first.stderr()}`);
  }
  first.child.kill('SIGKILL');
  await first.exited;
  // With a worker on every core the command runs in a child of the launcher, which dies a moment after it.
  await new Promise((r) => setTimeout(r, 500));
  const atKill = lineCount(out);
  assert.ok(atKill < ALERTS, 'the kill happened mid-stream');

  // Second run: resumes from the committed offsets and finishes once caught up.
  const second = runCli(['run', 'graph.json', '--threads', '2', '--no-progress', '--metrics', 'metrics.json']);
  assert.equal(await second.exited, 0, second.stderr());
  const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')).metrics;

  const lines = readFileSync(out, 'utf8').trim().split('\n');
  const seen = lines.map((l) => /"diaSourceId":(\d+)/.exec(l)![1]);
  assert.equal(seen.length, ALERTS, 'one line per alert');
  assert.equal(new Set(seen).size, ALERTS, 'no duplicates');
  assert.deepEqual(new Set(seen), expected, 'exactly the produced alerts');
  // At-least-once: the restart re-read at least what the first run had not committed.
  assert.ok(metrics.recordsIn >= ALERTS - atKill, `second run read ${metrics.recordsIn}, ${ALERTS - atKill} were missing`);
  assert.equal(metrics.deadLetters, 0);
});
