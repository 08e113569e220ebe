/**
 * The worker pool on a CPU-heavy chain: postage stamps cut from one image
 * (the `cutout` step: gzip FITS with its WCS plus a zscale PNG, 63×63 px)
 * for a stream of sky positions, run by the executor in-process and on 1
 * and 2 workers, next to the ideal (in-process × min(threads, cores)) and a
 * Python peer doing the same per alert (astropy Cutout2D, gzip FITS, Pillow
 * PNG). Inputs are small ({id, ra, dec}) and outputs are a few kB, so this
 * measures what the pool gives when the work, not the copying, dominates.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFits } from '../src/fits/write-hdus.js';
import { graph } from '../src/runtime/builder.js';
import { runGraph } from '../src/runtime/executor.js';
import { memorySource } from '../src/testing/memory.js';
import { pixelToWorld0, type CelestialWcs } from '../src/wcs/celestial.js';
import { wcsHeaderCards } from '../src/wcs/header.js';
import { prng } from '../test/imaging/fixtures.js';
import { log } from './lib/log.js';
import { pythonMissing, runPeer } from './lib/python.js';
import { runAsAlertflowRun } from './lib/run-as-command.js';
import { countingSink, STEADY_FROM, steadyRate, steadyTimingSink } from './lib/sinks.js';
import { median, ratio, round, since } from './lib/stats.js';
import type { BenchOptions, BenchReport } from './lib/types.js';

const SIDE = 2048;
const STAMP = 63;
const THREADS = [0, 1, 2];

interface Position {
  id: number;
  ra: number;
  dec: number;
}

/** A seeded float32 sky: noise, a sloped background and a few hundred Gaussian stars, on a TAN WCS at 0.2″/px. */
function writeImage(path: string, seed: number): CelestialWcs {
  const rnd = prng(seed);
  const s = 0.2 / 3600;
  const wcs: CelestialWcs = { projection: 'TAN', crval: [150.1, 2.2], crpix: [SIDE / 2 + 0.5, SIDE / 2 + 0.5], cd: [[-s, 0], [0, s]], radesys: 'ICRS' };
  const data = new Float32Array(SIDE * SIDE);
  for (let i = 0; i < data.length; i++) data[i] = 100 + (i % SIDE) * 0.01 + (rnd() - 0.5) * 20;
  for (let k = 0; k < 400; k++) {
    const [sx, sy, flux] = [rnd() * SIDE, rnd() * SIDE, 200 + rnd() * 20000];
    for (let y = Math.max(0, Math.floor(sy) - 8); y < Math.min(SIDE, Math.floor(sy) + 9); y++) {
      for (let x = Math.max(0, Math.floor(sx) - 8); x < Math.min(SIDE, Math.floor(sx) + 9); x++) data[y * SIDE + x]! += flux * Math.exp(-((x - sx) ** 2 + (y - sy) ** 2) / 4.5);
    }
  }
  writeFileSync(path, writeFits([{ data, axes: [SIDE, SIDE], cards: [...wcsHeaderCards(wcs), { key: 'BUNIT', value: 'nJy' }] }]));
  return wcs;
}

/** Seeded positions, a few near the edges so that some stamps are partial. */
function positions(wcs: CelestialWcs, n: number, seed: number): Position[] {
  const rnd = prng(seed + 1);
  return Array.from({ length: n }, (_, id) => {
    const [ra, dec] = pixelToWorld0(wcs, -10 + rnd() * (SIDE + 20), -10 + rnd() * (SIDE + 20));
    return { id, ra, dec };
  });
}

interface Pass {
  seconds: number;
  steadyPerSecond: number;
  stamps: number;
}

async function cutoutPass(image: string, list: Position[], threads: number, batchSize: number): Promise<Pass> {
  const spec = graph('bench-pool-cutout')
    .source('positions', 'external')
    .step('stamps', 'cutout', { image, size: STAMP, sizeUnit: 'pix', gzip: true, png: 'zscale' }, { pool: true })
    .sink('count', 'external')
    .build();
  const sink = steadyTimingSink(list.length, STEADY_FROM);
  const dead = countingSink<never>('dead letters');
  const t0 = performance.now();
  await runGraph(spec, { threads, batchSize, sources: { positions: memorySource(list, { batchSize }) }, sinks: { count: sink }, deadLetterSink: dead }).done;
  const end = performance.now();
  if (sink.count !== list.length || dead.count > 0) throw new Error(`cut ${sink.count} of ${list.length} stamps (${dead.count} dead letters)`);
  return { seconds: since(t0), steadyPerSecond: steadyRate(sink, end), stamps: sink.count };
}

interface ChildPass extends Pass {
  execArgv: string[];
}

/**
 * One pass in a fresh process started as `alertflow run --threads N` would
 * be (the same V8 flags, from gc-choice), over positions [start, end): no
 * mode inherits another's JIT or loaded image.
 */
async function childPass(image: string, positionsFile: string, range: [number, number], threads: number, batchSize: number): Promise<ChildPass> {
  const args = ['--child', image, positionsFile, String(range[0]), String(range[1]), String(threads), String(batchSize)];
  return runAsAlertflowRun<ChildPass>(fileURLToPath(import.meta.url), threads, args, `pool child (threads ${threads})`);
}

/**
 * The machine's own limit for parallel work: the in-process chain in
 * `copies` processes at once, each on its share of the positions. Rate =
 * all positions / the slowest pass. Cores that share caches, memory
 * bandwidth or a host's hyper-threads show here, not only in the pool.
 */
async function separateProcessesPass(image: string, positionsFile: string, total: number, copies: number, batchSize: number): Promise<number> {
  const share = Math.ceil(total / copies);
  const passes = await Promise.all(Array.from({ length: copies }, (_, k) => childPass(image, positionsFile, [k * share, Math.min(total, (k + 1) * share)], 0, batchSize)));
  return total / Math.max(...passes.map((p) => p.seconds));
}

/** Child side of {@link childPass}: one pass, its figures as a JSON line. */
async function childMain(args: string[]): Promise<void> {
  const [image, positionsFile, start, end, threads, batchSize] = args as [string, string, string, string, string, string];
  const all = JSON.parse(readFileSync(positionsFile, 'utf8')) as [number, number][];
  const list = all.slice(Number(start), Number(end)).map(([ra, dec], i) => ({ id: Number(start) + i, ra, dec }));
  const p = await cutoutPass(image, list, Number(threads), Number(batchSize));
  process.stdout.write(`${JSON.stringify({ ...p, execArgv: process.execArgv })}\n`);
}

/**
 * Runs the pool bench.
 *
 * @example
 * const report = await run({ alerts: 10000, seed: 1, repeat: 3, batchSize: 64, partitions: 1 });
 */
export async function run(o: BenchOptions): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-bench-pool-'));
  const image = join(dir, 'image.fits');
  const notes: string[] = [];
  const results: Record<string, unknown> = {};
  const ratios: Record<string, number | null> = {};
  // Stamps are small work items: batches of 64 keep both workers fed without long tails.
  const batchSize = Math.min(o.batchSize, 64);
  try {
    const wcs = writeImage(image, o.seed);
    const list = positions(wcs, o.alerts, o.seed);
    const positionsFile = join(dir, 'positions.json');
    writeFileSync(positionsFile, JSON.stringify(list.map((p) => [p.ra, p.dec])));
    log(`pool: ${o.alerts} positions on a ${SIDE}×${SIDE} image`);
    const runs = new Map<number, ChildPass[]>(THREADS.map((t) => [t, []]));
    const python: number[] = [];
    const separate: number[] = [];
    const copies = Math.min(2, cpus().length);
    const skip = pythonMissing();
    for (let lap = 1; lap <= o.repeat; lap++) {
      for (const threads of THREADS) {
        const p = await childPass(image, positionsFile, [0, list.length], threads, batchSize);
        runs.get(threads)!.push(p);
        log(`pool round ${lap}/${o.repeat}: threads ${threads} ${p.seconds.toFixed(2)} s (${Math.round(o.alerts / p.seconds)}/s, steady ${Math.round(p.steadyPerSecond)}/s)`);
      }
      separate.push(await separateProcessesPass(image, positionsFile, list.length, copies, batchSize));
      log(`pool round ${lap}/${o.repeat}: ${copies} separate in-process runs at once ${Math.round(separate.at(-1)!)}/s`);
      if (!skip) {
        const r = await runPeer<{ stamps: number; seconds: number; astropy: string; pillow: string; python: string }>('bench_cutout_png.py', [image, positionsFile, String(STAMP)]);
        python.push(r.seconds);
        results.python = { describe: 'Python: astropy Cutout2D + gzip FITS + ZScaleInterval + Pillow PNG per position, one process (loop timed inside the script)', astropy: r.astropy, pillow: r.pillow, python: r.python, stamps: r.stamps };
        log(`pool round ${lap}/${o.repeat}: python ${r.seconds.toFixed(2)} s (${Math.round(r.stamps / r.seconds)}/s)`);
      }
    }
    for (const threads of THREADS) {
      const passes = runs.get(threads)!;
      const seconds = median(passes.map((p) => p.seconds));
      results[`cutout-${threads}`] = {
        describe: `runGraph: memory source → cutout (gzip FITS + zscale PNG, ${STAMP}×${STAMP} px; pool: true, threads: ${threads}${threads === 0 ? ', so in-process' : ''}) → counting sink; each pass in a fresh process (node ${passes[0]!.execArgv.join(' ') || 'without flags'}, as alertflow run would start it), timed from runGraph to its end: pool start, module loading and the image read included`,
        runs: passes.map((p) => round(p.seconds, 3)),
        seconds: round(seconds, 3),
        stampsPerSecond: round(o.alerts / seconds, 1),
        steadyStampsPerSecond: round(median(passes.map((p) => p.steadyPerSecond)), 1),
      };
    }
    results['separate-processes'] = {
      describe: `the in-process chain in ${copies} fresh processes at once, each on 1/${copies} of the positions; all positions / the slowest pass: what ${copies} cores give to independent work on this machine`,
      runs: separate.map((r) => round(r, 1)),
      stampsPerSecond: round(median(separate), 1),
    };
    if (skip) {
      results.python = { skipped: skip };
      notes.push(`Python peer skipped: ${skip}`);
    } else {
      const seconds = median(python);
      Object.assign(results.python as object, { runs: python.map((s) => round(s, 3)), seconds: round(seconds, 3), stampsPerSecond: round(o.alerts / seconds, 1) });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const rate = (name: string, key = 'stampsPerSecond'): number | undefined => (results[name] as Record<string, number> | undefined)?.[key];
  const cores = cpus().length;
  for (const t of [1, 2]) {
    ratios[`cutout-${t}/cutout-0`] = ratio(rate(`cutout-${t}`), rate('cutout-0'));
    ratios[`cutout-${t}/cutout-0 (steady)`] = ratio(rate(`cutout-${t}`, 'steadyStampsPerSecond'), rate('cutout-0', 'steadyStampsPerSecond'));
    ratios[`cutout-${t}/ideal`] = ratio(rate(`cutout-${t}`), (rate('cutout-0') ?? NaN) * Math.min(t, cores));
  }
  ratios['separate-processes/cutout-0'] = ratio(rate('separate-processes'), rate('cutout-0'));
  ratios['cutout-2/separate-processes'] = ratio(rate('cutout-2'), rate('separate-processes'));
  for (const t of THREADS) ratios[`cutout-${t}/python`] = ratio(rate(`cutout-${t}`), rate('python'));
  notes.push(
    'Figures are medians of the rounds; each round runs every mode once, so load drift hits all modes alike.',
    `"steady" counts the records after the first ${STEADY_FROM * 100} % of a pass, leaving out start-up (worker start, module loading, each worker reading the image) and JIT warm-up.`,
    `ideal is the in-process rate times min(threads, cores) (${cores} cores here); separate-processes is what this machine actually gives two independent copies of the work, the pool's practical limit.`,
  );
  return {
    inputs: { positions: o.alerts, seed: o.seed, image: `${SIDE}×${SIDE} float32, TAN, 0.2″/px`, stamp: `${STAMP}×${STAMP} px, gzip FITS + zscale PNG`, batchSize, cores },
    results,
    ratios,
    notes,
  };
}

if (process.argv[2] === '--child' && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await childMain(process.argv.slice(3));
