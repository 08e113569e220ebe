/**
 * `filterExtendedness` bench: Rubin lsst.v11_0 wire packets through decode +
 * filter, and the filter alone on decoded alerts (the batch step and the
 * plain predicate), side by side with a Python peer (fastavro decode + the
 * same filter in Python) on the same packets, reported as ratios. The pass
 * counts of both sides are compared as a consistency check.
 */
import { createDecodeStep } from '../../src/formats/avro/decode-step.js';
import type { DecodedAlert, RawPacket } from '../../src/formats/types.js';
import { createFilterExtendednessStep } from '../../src/filters/extendedness-step.js';
import { passesExtendedness, type ExtendednessConfig } from '../../src/filters/extendedness.js';
import { runPython } from '../../src/testing/python.js';
import { loadPackets } from '../lib/inputs.js';
import { log } from '../lib/log.js';
import { officialSchemaDir } from '../lib/paths.js';
import { pythonMissing } from '../lib/python.js';
import { median, ratio, round, since } from '../lib/stats.js';
import { lastJsonLine, tailOf } from '../lib/child-output.js';

const CONFIG: ExtendednessConfig = { medianMin: 0.5, medianMax: 1, minThreshold: 0, maxThreshold: 1, requireSsSource: false };
const BATCH = 256;

/** The Python peer, inline: same statistics and rules as src/filters (ssObjectId ≠ 0, ssSource / mpc_orbits records). */
const PEER = `
import io, json, struct, sys, time
import fastavro
ORDER = ["diaSource", "diaForcedSource", "diaObject", "ssSource", "mpc_orbits", "alert"]
schema_dir, frames, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
cfg = json.loads(sys.argv[4])
named = {}
for n in ORDER:
    with open(f"{schema_dir}/lsst.v11_0.{n}.avsc") as fh:
        schema = fastavro.parse_schema(json.load(fh), named_schemas=named)
data = open(frames, "rb").read()
bodies, pos = [], 0
while pos + 4 <= len(data):
    (n,) = struct.unpack_from(">I", data, pos)
    bodies.append(data[pos + 9 : pos + 4 + n]); pos += 4 + n
def usable(v):
    return v is not None and v == v
def passes(a):
    ds = a["diaSource"]
    vals = [ds["extendedness"]] if usable(ds.get("extendedness")) else []
    for p in a.get("prvDiaSources") or []:
        if p["diaSourceId"] != ds["diaSourceId"] and usable(p.get("extendedness")):
            vals.append(p["extendedness"])
    if not vals:
        return False
    vals.sort(); k = len(vals); m = k // 2
    med = vals[m] if k % 2 else (vals[m - 1] + vals[m]) / 2
    ss = (ds.get("ssObjectId") or 0) != 0 or any(a.get(f) is not None for f in ("ssSource", "ssObject", "mpc_orbits", "MPCORB"))
    return ss == cfg["requireSsSource"] and cfg["medianMin"] <= med <= cfg["medianMax"] and vals[0] >= cfg["minThreshold"] and vals[-1] <= cfg["maxThreshold"]
read = fastavro.schemaless_reader
both, alone, cboth, calone, passed = [], [], [], [], 0
for _ in range(rounds):
    t0, c0 = time.perf_counter(), time.process_time(); decoded = [read(io.BytesIO(b), schema) for b in bodies]
    passed = sum(1 for a in decoded if passes(a)); both.append(time.perf_counter() - t0); cboth.append(time.process_time() - c0)
    t0, c0 = time.perf_counter(), time.process_time(); sum(1 for a in decoded if passes(a)); alone.append(time.perf_counter() - t0); calone.append(time.process_time() - c0)
print(json.dumps({"alerts": len(bodies), "passed": passed, "decodeFilter": both, "filterOnly": alone, "decodeFilterCpu": cboth, "filterOnlyCpu": calone, "fastavro": fastavro.__version__, "python": sys.version.split()[0]}))
`;

/**
 * Wall-clock and CPU figures of timed rounds. CPU time (process, one thread
 * on both sides) keeps the ratio meaningful on a shared, loaded machine.
 */
function rate(runs: number[], cpu: number[], alerts: number) {
  const s = median(runs);
  const c = median(cpu);
  return { runs: runs.map((r) => round(r, 4)), seconds: round(s, 4), alertsPerSecond: round(alerts / s, 1), cpuSeconds: round(c, 4), alertsPerCpuSecond: round(alerts / c, 1) };
}

async function timed(rounds: number, fn: () => Promise<number>): Promise<{ runs: number[]; cpu: number[]; passed: number }> {
  const runs: number[] = [];
  const cpu: number[] = [];
  let passed = 0;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    passed = await fn();
    const c = process.cpuUsage(c0);
    runs.push(since(t0));
    cpu.push((c.user + c.system) / 1e6);
  }
  return { runs, cpu, passed };
}

/**
 * Runs the bench and returns its report (JSON-safe).
 *
 * @example
 * const report = await benchFilter({ alerts: 2000, seed: 1 });
 */
export async function benchFilter(opts: { alerts?: number; seed?: number; repeat?: number } = {}): Promise<Record<string, unknown>> {
  const alerts = opts.alerts ?? 5000;
  const rounds = Math.max(1, opts.repeat ?? 3);
  const seed = opts.seed ?? 1;
  const set = await loadPackets(alerts, seed);
  const raw: RawPacket[] = set.packets.map((bytes) => ({ kind: 'raw', bytes }));
  const batches: RawPacket[][] = [];
  for (let i = 0; i < raw.length; i += BATCH) batches.push(raw.slice(i, i + BATCH));
  const decode = createDecodeStep({ keepRaw: false });
  const filter = createFilterExtendednessStep(CONFIG);
  const count = (rs: Awaited<ReturnType<typeof filter>>) => rs.reduce((n, r) => n + (r.ok ? r.out.length : 0), 0);

  log('filter bench: decoding once for the filter-only modes');
  const decoded: DecodedAlert[][] = [];
  for (const b of batches) decoded.push((await decode(b)).flatMap((r) => (r.ok ? r.out : [])));
  // Warm-up of every path before timing.
  await filter(decoded[0] ?? []);
  const decodeFilter = await timed(rounds, async () => {
    let n = 0;
    for (const b of batches) n += count(await filter((await decode(b)).flatMap((r) => (r.ok ? r.out : []))));
    return n;
  });
  const stepOnly = await timed(rounds, async () => {
    let n = 0;
    for (const b of decoded) n += count(await filter(b));
    return n;
  });
  const predicate = await timed(rounds, async () => {
    let n = 0;
    for (const b of decoded) for (const a of b) if (passesExtendedness(a, CONFIG)) n++;
    return n;
  });

  const ours = {
    'decode+filter': rate(decodeFilter.runs, decodeFilter.cpu, alerts),
    'filter-step': rate(stepOnly.runs, stepOnly.cpu, alerts),
    'filter-predicate': rate(predicate.runs, predicate.cpu, alerts),
  };
  let python: Record<string, unknown> = { skipped: pythonMissing() ?? (officialSchemaDir() ? undefined : '../shared/data schemas not found') };
  const schemaDir = officialSchemaDir();
  if (!python['skipped'] && schemaDir) {
    log('filter bench: Python peer (fastavro + the same filter)');
    const r = await runPython('-c', [PEER, schemaDir, set.file, String(rounds), JSON.stringify(CONFIG)]);
    if (r.code !== 0) python = { skipped: `peer failed: ${tailOf(r.stderr)}` };
    else {
      const p = lastJsonLine<{ alerts: number; passed: number; decodeFilter: number[]; filterOnly: number[]; decodeFilterCpu: number[]; filterOnlyCpu: number[]; fastavro: string; python: string }>(r.stdout, 'filter peer');
      python = { 'decode+filter': rate(p.decodeFilter, p.decodeFilterCpu, p.alerts), 'filter-only': rate(p.filterOnly, p.filterOnlyCpu, p.alerts), passed: p.passed, fastavro: p.fastavro, python: p.python };
    }
  }
  const pyRate = (k: string, f: 'alertsPerSecond' | 'alertsPerCpuSecond' = 'alertsPerSecond') => (python[k] as Record<string, number> | undefined)?.[f];
  return {
    bench: 'filter',
    schema: 'lsst.v11_0',
    alerts,
    seed,
    bytes: set.totalBytes,
    batchSize: BATCH,
    rounds,
    config: CONFIG,
    passed: decodeFilter.passed,
    passCountsAgree: python['passed'] === undefined ? null : python['passed'] === decodeFilter.passed && stepOnly.passed === predicate.passed,
    ours,
    python,
    ratios: {
      'decode+filter ours/python': ratio(ours['decode+filter'].alertsPerSecond, pyRate('decode+filter')),
      'filter-only ours(step)/python': ratio(ours['filter-step'].alertsPerSecond, pyRate('filter-only')),
      'decode+filter ours/python (CPU time)': ratio(ours['decode+filter'].alertsPerCpuSecond, pyRate('decode+filter', 'alertsPerCpuSecond')),
      'filter-only ours(step)/python (CPU time)': ratio(ours['filter-step'].alertsPerCpuSecond, pyRate('filter-only', 'alertsPerCpuSecond')),
    },
  };
}
