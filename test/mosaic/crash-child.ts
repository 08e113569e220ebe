/**
 * Child process of the crash test: runs the pipeline over a night and, when
 * asked, SIGKILLs itself at the n-th checkpoint (between a file operation and
 * the database write that records it). Usage: crash-child.js ROOT INCOMING [KILL_AT]
 */
import { StreamingMosaic } from '../../src/mosaic/process.js';
import { fakeClock } from './helpers.js';

const [root, incoming, killAt] = process.argv.slice(2);
let n = 0;
const p = await StreamingMosaic.open({
  root,
  incoming,
  now: fakeClock(),
  onCheckpoint: (label) => {
    n++;
    if (killAt !== undefined && n === Number(killAt)) {
      process.stdout.write(`killed at checkpoint ${n} (${label})\n`);
      process.kill(process.pid, 'SIGKILL');
    }
  },
});
await p.processOnce();
await p.close();
process.stdout.write(`finished after ${n} checkpoints\n`);
