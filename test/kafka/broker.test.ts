import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { brokerStatus, startBroker, stopBroker } from '../../src/kafka/broker.js';
import type { BrokerState } from '../../src/kafka/broker.js';
import { freePort } from '../../src/kafka/broker-config.js';
import { registerKafkaCommand } from '../../src/cli/commands/kafka.js';

// One private broker for this file: its own state file, temp data dir and port.
const dir = mkdtempSync(join(tmpdir(), 'alertflow-broker-test-'));
const stateFile = join(dir, 'state.json');
let state: BrokerState;

before(async () => {
  state = await startBroker({ stateFile, port: await freePort(), partitions: 2 });
});

after(async () => {
  await stopBroker({ stateFile });
  rmSync(dir, { recursive: true, force: true });
});

test('up: broker answers and its state is recorded', async () => {
  assert.match(state.brokers, /^127\.0\.0\.1:\d+$/);
  assert.ok(existsSync(stateFile));
  assert.ok(existsSync(state.logFile));
  const st = await brokerStatus({ stateFile });
  assert.equal(st.running, true);
  assert.equal(st.reachable, true);
  assert.equal(st.state?.pid, state.pid);
});

test('up again returns the running broker instead of starting another', async () => {
  const again = await startBroker({ stateFile });
  assert.equal(again.pid, state.pid);
  assert.equal(again.brokers, state.brokers);
});

test('an explicit port that is taken is a typed error', async () => {
  await assert.rejects(startBroker({ stateFile: join(dir, 'other.json'), port: state.port }), (e: any) => e.code === 'ERR_KAFKA_BROKER');
});

test('down stops the process and deletes the temp data dir; status then says not running', async () => {
  assert.equal(await stopBroker({ stateFile }), true);
  const st = await brokerStatus({ stateFile });
  assert.equal(st.running, false);
  assert.equal(st.state, undefined);
  assert.equal(existsSync(state.dataDir), false);
  assert.equal(await stopBroker({ stateFile }), false);
});

test('cli: kafka up|down|status|create-topic|describe-topic are registered with help', () => {
  const program = new Command('alertflow');
  const kafka = registerKafkaCommand(program);
  assert.deepEqual(kafka.commands.map((c) => c.name()).sort(), ['create-topic', 'describe-topic', 'down', 'status', 'up']);
  const up = kafka.commands.find((c) => c.name() === 'up')!;
  assert.deepEqual(up.options.map((o) => o.long).sort(), ['--data-dir', '--json', '--partitions', '--port']);
  for (const c of kafka.commands) assert.ok(c.description().length > 0);
});
