/**
 * Child process of the crash test: ingests a message directory, then runs
 * the task loop over a simulated clock (every 4 days from the first exposure
 * to day 112; a restart resumes at the day reached, as a wall clock would), and when asked SIGKILLs itself at the n-th checkpoint (after
 * a repository operation, before or after a transaction). Prints `ready`
 * once the service is open, so the parent can time a kill from there.
 * Usage: crash-child.js ROOT MESSAGES [KILL_AT]
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PublicationService } from '../../src/publication/service.js';
import { DAY, T0 } from './helpers.js';

const [root, messages, killAt] = process.argv.slice(2);
let n = 0;
let t = T0;
const pps = await PublicationService.open({
  root,
  now: () => t,
  // Smaller batches than the default, so a kill throws away little work and the kills spread over the whole run.
  batchSize: 200,
  onCheckpoint: (label) => {
    n++;
    if (killAt !== undefined && n === Number(killAt)) {
      process.stdout.write(`killed at checkpoint ${n} (${label})\n`);
      process.kill(process.pid, 'SIGKILL');
    }
  },
});
process.stdout.write('ready\n');
const started = performance.now();
await pps.ingest({ kind: 'files', dir: messages });
// The simulated wall clock never runs backwards: a restarted child resumes at the day it had reached.
const dayFile = join(root, 'sim-day.json');
const firstDay = existsSync(dayFile) ? Number(readFileSync(dayFile, 'utf8')) : 0;
for (let day = firstDay; day <= 112; day += 4) {
  writeFileSync(`${dayFile}.tmp`, String(day));
  renameSync(`${dayFile}.tmp`, dayFile);
  t = T0 + day * DAY;
  await pps.runUntilIdle(50, t);
}
await pps.close();
process.stdout.write(`finished after ${n} checkpoints in ${Math.round(performance.now() - started)} ms\n`);
