/**
 * Seed 004 end to end on the simulated DSA-110: writes a night of 16-subband
 * observations into WORK/incoming, runs the streaming mosaic over it (stage,
 * convert, groups of 10 sliding by 8, calibration from the registry,
 * per-tile imaging, weighted mosaics), prints the products and the status
 * counts as JSON on the last line. Re-running it resumes from the database
 * and does nothing more. Usage:
 *
 *   node examples/streaming-mosaic/run-night.js [--work DIR] [--observations 40] [--seed TEXT]
 *
 * Plain ESM JavaScript importing alertflow by its package name. See README.md.
 *
 * @example
 * node examples/streaming-mosaic/run-night.js --work /tmp/night --observations 26
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { StreamingMosaic, simulateNight } from 'alertflow/mosaic';
import { readFitsHdus } from 'alertflow/fits';

const { values } = parseArgs({ options: { work: { type: 'string', default: 'streaming-mosaic-night' }, observations: { type: 'string', default: '40' }, seed: { type: 'string', default: 'example-night' } } });
const work = resolve(values.work);
const incoming = join(work, 'incoming');
const root = join(work, 'stage');
if (!existsSync(incoming)) {
  const stamps = simulateNight({ incoming, observations: Number(values.observations), seed: values.seed });
  console.log(`simulated ${stamps.length} observations ${stamps[0]} .. ${stamps.at(-1)} into ${incoming}`);
}
const pipeline = await StreamingMosaic.open({ root, incoming, log: (m) => console.log(`  ${m}`) });
try {
  const pass = await pipeline.processOnce();
  console.log(`this run: staged ${pass.staged}, converted ${pass.converted}, groups formed ${pass.groupsFormed}, finished ${pass.groupsFinished}`);
  for (const g of await pipeline.ctx.db.groups()) {
    const file = join(root, 'mosaics', `${g.group_id}.fits`);
    const head = existsSync(file) ? readFitsHdus(readFileSync(file))[0] : undefined;
    const card = (k) => head?.cards.find((c) => c.key === k)?.value;
    console.log(`${g.group_id}  ${g.status.padEnd(18)} ${head ? `${head.axes.join('x')} ${card('CTYPE1')} tiles=${card('NTILES')}` : ''}`);
  }
  const calibrators = readdirSync(join(root, 'ms', 'calibrators')).flatMap((d) => readdirSync(join(root, 'ms', 'calibrators', d)));
  console.log(`calibration tables: ${calibrators.filter((n) => /_(bpcal|gpcal|2gcal)$/.test(n)).join(' ')}`);
  console.log(JSON.stringify(await pipeline.status()));
} finally {
  await pipeline.close();
}
