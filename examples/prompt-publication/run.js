/**
 * Seed 003 end to end on simulated prompt outputs: writes N datasets into
 * WORK/pps/repos/embargo with their prompt-output messages, ingests the
 * messages (an alertflow graph, at least once), then runs the publication
 * tasks over a simulated clock (day 0, 5, 35 and 100 after the first
 * exposure) and prints the status after each. Re-running it resumes from
 * the state database and does nothing more. Usage:
 *
 *   node examples/prompt-publication/run.js [--work DIR] [--datasets 500]
 *
 * Plain ESM JavaScript importing alertflow by its package name. See README.md.
 *
 * @example
 * node examples/prompt-publication/run.js --work /tmp/pps-example --datasets 200
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PublicationService, simulatePromptOutput, localRepositories } from 'alertflow/publication';

const { values } = parseArgs({ options: { work: { type: 'string', default: 'prompt-publication-example' }, datasets: { type: 'string', default: '500' } } });
const work = resolve(values.work);
const root = join(work, 'pps');
const messages = join(work, 'messages');
const T0 = Date.parse('2026-03-01T00:00:00Z');
const DAY = 86_400_000;
if (!existsSync(messages)) {
  const msgs = await simulatePromptOutput({ embargo: localRepositories(join(root, 'repos')).embargo, messagesDir: messages, datasets: Number(values.datasets), days: 1, start: new Date(T0).toISOString() });
  console.log(`simulated ${values.datasets} datasets in ${msgs.length} prompt-output messages`);
}
let now = T0;
const pps = await PublicationService.open({ root, now: () => now });
try {
  const intake = await pps.ingest({ kind: 'files', dir: messages });
  console.log(`intake: received ${intake.received}, inserted ${intake.inserted}, rejected ${intake.deadLetters}`);
  for (const day of [0, 5, 35, 100]) {
    now = T0 + day * DAY;
    const pass = await pps.runUntilIdle();
    const s = await pps.status();
    const repo = (r) => Object.entries(s.byRepository[r]).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(' ');
    console.log(`day ${String(day).padStart(3)}: published ${pass.publish.done}, expired ${pass.expire.done} | embargo ${repo('embargo')} | public ${repo('public')} | ${Object.entries(s.collections).map(([c, n]) => `${c} ${n}`).join(', ')}`);
  }
  console.log(JSON.stringify((await pps.status()).byRepository));
} finally {
  await pps.close();
}
