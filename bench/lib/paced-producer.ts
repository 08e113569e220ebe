/**
 * A paced Kafka producer in its own process, for the latency bench: it
 * sends prepared wire packets (a frames file) at a steady rate, so the load
 * is not held back by whatever else the bench process is doing. Every 5 ms
 * it sends what the schedule owes (bursts catch up after a stall), keeps at
 * most a second of messages awaiting delivery, and prints one JSON line.
 *
 *   node dist/bench/lib/paced-producer.js --brokers B --topic T --frames F --rate R [--count N]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafkaSink } from '../../src/kafka/index.js';
import { splitFrames } from './inputs.js';

const USAGE = 'usage: paced-producer --brokers B --topic T --frames FILE --rate PER_SECOND [--count N]';
const { values } = parseArgs({ options: { brokers: { type: 'string' }, topic: { type: 'string' }, frames: { type: 'string' }, rate: { type: 'string' }, count: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (values.help || !values.brokers || !values.topic || !values.frames || !values.rate) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(values.help ? 0 : 2);
}
const rate = Number(values.rate);
const packets = splitFrames(readFileSync(values.frames));
const count = Math.min(packets.length, Number(values.count ?? packets.length));
const sink = await createKafkaSink({ brokers: values.brokers, topic: values.topic });
const pending = new Set<Promise<void>>();
let sent = 0;
let failed: unknown;
const t0 = performance.now();
while (sent < count && failed === undefined) {
  const due = Math.min(count, Math.floor(((performance.now() - t0) / 1000) * rate));
  if (due > sent && pending.size < rate / 50) {
    const batch = packets.slice(sent, due).map((value, i) => ({ value, position: { partition: '0', offset: sent + i } }));
    const p = sink.write(batch).catch((err: unknown) => void (failed ??= err));
    pending.add(p);
    void p.finally(() => pending.delete(p));
    sent = due;
  }
  await sleep(5);
}
await Promise.all(pending);
await sink.close();
if (failed !== undefined) throw failed;
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(`${JSON.stringify({ produced: sent, seconds, perSecond: sent / seconds })}\n`);
