/**
 * `alertflow demo` (what `npm run demo` runs): the main job on its embedded
 * default. A seeded simulated night of Rubin v11 alerts flows through a graph
 * on the worker pool that decodes, keeps reliable detections, and writes an
 * Avro archive plus a JSONL summary. No broker and no network needed.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { graph } from '../../runtime/builder.js';
import type { GraphSpec } from '../../runtime/graph.js';
import { toMermaid } from '../../runtime/mermaid.js';
import type { Predicate } from '../../runtime/predicate.js';
import { simulateToFile } from './simulate.js';
import { runWithReporting } from './run.js';
import { buildDemoCandidates } from '../demo-candidates.js';
import type { DiaSourceRecord } from '../../association/types.js';
import type { Sink } from '../../runtime/types.js';

/** The demo's predicate: real (reliability ≥ 0.5) and significant (S/N ≥ 5) detections. */
export const DEMO_PREDICATE: Predicate = {
  all: [
    { field: 'alert.diaSource.reliability', op: '>=', value: 0.5 },
    { field: 'alert.diaSource.snr', op: '>=', value: 5 },
  ],
};

/** Fields of each summary line. */
export const DEMO_SUMMARY_FIELDS: Record<string, string> = {
  diaSourceId: 'alert.diaSourceId',
  diaObjectId: 'alert.diaSource.diaObjectId',
  ssObjectId: 'alert.diaSource.ssObjectId',
  visit: 'alert.diaSource.visit',
  band: 'alert.diaSource.band',
  midpointMjdTai: 'alert.diaSource.midpointMjdTai',
  ra: 'alert.diaSource.ra',
  dec: 'alert.diaSource.dec',
  psfFlux: 'alert.diaSource.psfFlux',
  psfFluxErr: 'alert.diaSource.psfFluxErr',
  snr: 'alert.diaSource.snr',
  reliability: 'alert.diaSource.reliability',
  extendedness: 'alert.diaSource.extendedness',
  prvDiaSources: 'alert.prvDiaSources.length',
};

/**
 * The demo graph over `input`, writing into `outDir`.
 *
 * @example
 * const spec = demoGraph('night.avro', 'demo-output');
 */
export function demoGraph(input: string, outDir: string): GraphSpec {
  // decode -> reliable -> summarise fuse into one worker task: the large decoded
  // alerts stay in the worker, and only a summary row with the packet's raw bytes
  // comes back (the archive writes those bytes unchanged).
  return graph('demo-night')
    .source('night', 'avro-file', { path: input, batchSize: 256 })
    .step('decode', 'decode', { keepRaw: true }, { pool: true, batchSize: 64 })
    .step('reliable', 'filter', { where: DEMO_PREDICATE }, { pool: true })
    .step('summarise', 'select', { fields: { ...DEMO_SUMMARY_FIELDS, raw: 'raw', diaSource: 'alert.diaSource' } }, { pool: true })
    .sink('archive', 'avro-file', { path: join(outDir, 'archive.avro'), codec: 'null' })
    .sink('summary', 'jsonl', { path: join(outDir, 'summary.jsonl'), omit: ['raw', 'diaSource'] }, { key: 'diaSourceId', from: 'summarise' })
    .sink('candidates', 'external', {}, { from: 'summarise' })
    .deadLetters('jsonl', { path: join(outDir, 'dead-letters.jsonl'), bytes: 'base64' })
    .build();
}

interface DemoOptions {
  candidates?: boolean;
  alerts: string;
  visits: string;
  seed: string;
  out: string;
  threads?: string;
  progress?: boolean;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Run the main job on its embedded default: simulate a night of Rubin alerts, then decode (worker pool), filter, and write an Avro archive and a JSONL summary')
    .option('--alerts <n>', 'alerts in the simulated night', '20000')
    .option('--visits <n>', 'visits in the night', '20')
    .option('--seed <n>', 'simulation seed', '42')
    .option('--out <dir>', 'output folder', 'demo-output')
    .option('--threads <n>', 'worker threads (default: cores)')
    .option('--no-candidates', 'skip the candidate database (DuckDB, via associate) and the HATS catalogs')
    .option('--no-progress', 'no progress bars')
    .action(async (o: DemoOptions) => {
      const out = resolve(o.out);
      mkdirSync(out, { recursive: true });
      const night = join(out, `night-seed${o.seed}-${o.alerts}x${o.visits}.avro`);
      if (existsSync(night)) {
        process.stderr.write(`using the simulated night already in ${night}\n`);
      } else {
        const sim = await simulateToFile({ alerts: Number(o.alerts), visits: Number(o.visits), seed: Number(o.seed), out: night, quiet: o.progress === false });
        process.stderr.write(`simulated ${sim.alerts} alerts in ${o.visits} visits (${sim.solarSystem} solar-system), mean packet ${(sim.meanPacketBytes / 1024).toFixed(1)} KiB, in ${sim.seconds.toFixed(1)} s -> ${night}\n`);
      }
      // Each run starts from empty outputs (the summary sink would otherwise skip keys it already holds).
      for (const f of ['archive.avro', 'summary.jsonl', 'dead-letters.jsonl', 'metrics.json', 'hats']) rmSync(join(out, f), { force: true, recursive: true });
      const spec = demoGraph(night, out);
      writeFileSync(join(out, 'graph.mmd'), toMermaid(spec));
      const diaSources: DiaSourceRecord[] = [];
      const candidates: Sink = {
        async write(batch) {
          for (const r of batch) diaSources.push((r.value as { diaSource: DiaSourceRecord }).diaSource);
        },
        describe: () => 'the candidate database (below)',
        async close() {},
      };
      await runWithReporting(spec, { sinks: { candidates } }, { ...(o.threads ? { threads: o.threads } : {}), progress: o.progress !== false, metrics: join(out, 'metrics.json'), total: o.alerts });
      process.stderr.write(`  graph           ${join(out, 'graph.mmd')} (Mermaid)\n  metrics         ${join(out, 'metrics.json')}\n`);
      if (o.candidates === false) return;
      const c = await buildDemoCandidates(diaSources, out, { quiet: o.progress === false });
      process.stderr.write(
        `associated ${c.sources} reliable DiaSources over ${c.visits} visits: ${c.newObjects} new DiaObjects, ${c.solarSystem} solar-system matches\n` +
          `  database        ${c.database} (diaObject with versions, diaSource)\n` +
          `  HATS            ${c.hatsSources} (diaSource)\n` +
          `                  ${c.hatsObjects} (${c.objects} diaObjects with nested light curves)\n`,
      );
    });
}
