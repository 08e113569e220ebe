/**
 * examples/antares-extendedness-consumer, run the way users run it
 * (`alertflow run examples/antares-extendedness-consumer …`): a simulated
 * night that crosses UTC midnight goes through the file and Kafka inputs; the
 * daily CSVs and cutouts are checked against the filter's own predicate, the
 * packets and astropy. Also unit tests of the seed-001 sink. This test is the
 * example's CI run.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { simulateToFile } from '../../src/cli/commands/simulate.js';
import { replayGraph } from '../../src/cli/commands/replay.js';
import { decodePackets } from '../../src/formats/avro/decode-packet.js';
import { builtInResolver } from '../../src/formats/avro/builtin.js';
import { csvCell } from '../../src/formats/avro/json.js';
import type { DecodedAlert } from '../../src/formats/types.js';
import { passesExtendedness, extendednessStats, hasSolarSystemAssociation, type ExtendednessConfig } from '../../src/filters/index.js';
import { physicalPixels, readFits } from '../../src/fits/index.js';
import { parseCsvGrid } from '../../src/io/csv.js';
import { runGraph } from '../../src/runtime/executor.js';
import { isAlertflowError } from '../../src/errors.js';
import { memorySink } from '../../src/testing/memory.js';
import { ensureBroker, createTopic, type TestBroker } from '../../src/testing/kafka.js';
import { PYTHON_ORACLE_MISSING, oracleScript, pythonOracle, runPython } from '../../src/testing/python.js';
import { createSeed001CsvSink } from '../../src/sinks/seed001-csv.js';
import { SEED001_COLUMNS, seed001Parts } from '../../src/sinks/seed001-row.js';
import { data, hasData } from '../formats/helpers.js';

const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const cli = join(repo, 'bin', 'alertflow.js');
const EXAMPLE = 'examples/antares-extendedness-consumer';
const SIZE = 16;
let dir: string;
let night: string;
let alerts: DecodedAlert[];

/** Runs the CLI from the repository root. */
function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

const consumer = (out: string, ...args: string[]) => run(['run', EXAMPLE, '--no-progress', '--out', out, '--date-from', 'observation', ...args]);

/** UTC day and `YYYYMMDD_HHMMSS` of a TAI MJD, computed here independently of the sink. */
function obsTime(mjdTai: number): { day: string; stamp: string } {
  const iso = new Date(Math.round((mjdTai - 40587) * 86_400_000 - 37_000)).toISOString();
  const day = iso.slice(0, 10).replaceAll('-', '');
  return { day, stamp: `${day}_${iso.slice(11, 19).replaceAll(':', '')}` };
}

interface Output {
  /** Day → raw file text. */
  files: Map<string, string>;
  /** Rows (cells by column) with the day of their file. */
  rows: { day: string; cells: Record<string, string> }[];
  cutouts: string[];
}

function readOutput(out: string): Output {
  const files = new Map<string, string>();
  const rows: Output['rows'] = [];
  for (const name of readdirSync(join(out, 'data')).sort()) {
    const day = /^lsst_alerts_(\d{8})\.csv$/.exec(name)?.[1];
    assert.ok(day, `unexpected file ${name}`);
    const text = readFileSync(join(out, 'data', name), 'utf8');
    files.set(day, text);
    const { header, rows: grid } = parseCsvGrid(text, name);
    assert.deepEqual(header, [...SEED001_COLUMNS]);
    for (const cells of grid) rows.push({ day, cells: Object.fromEntries(header.map((c, j) => [c, cells[j]!])) });
  }
  return { files, rows, cutouts: readdirSync(join(out, 'cutouts')).sort() };
}

/** A row without its processing timestamp, for comparing runs. */
const stable = (r: Output['rows'][number]) => JSON.stringify({ ...r.cells, timestamp: undefined, day: r.day });

function expectedPassing(cfg: ExtendednessConfig): DecodedAlert[] {
  return alerts.filter((a) => passesExtendedness(a, cfg));
}

/** Checks rows against the packets: values, ids, file day, cutout paths and bytes. */
function checkRows(out: string, got: Output, cfg: ExtendednessConfig): void {
  const want = expectedPassing(cfg);
  assert.ok(want.length > 0);
  assert.equal(got.rows.length, want.length, 'one row per passing alert');
  const byId = new Map(got.rows.map((r) => [r.cells['diaSourceId']!, r]));
  assert.equal(byId.size, want.length, 'no duplicate diaSourceIds');
  for (const a of want) {
    const ds = a.alert['diaSource'];
    const id = (a.alert['diaSourceId'] as bigint).toString();
    const row = byId.get(id);
    assert.ok(row, `row for ${id}`);
    const s = extendednessStats(a);
    const expect = [id, id, ds.diaObjectId, ds.ra, ds.dec, ds.midpointMjdTai, ds.band, ds.psfFlux, ds.psfFluxErr, s.median, s.min, s.max].map((v) => csvCell(v));
    assert.deepEqual(SEED001_COLUMNS.slice(0, 12).map((c) => row.cells[c]), expect);
    const { day, stamp } = obsTime(ds.midpointMjdTai);
    assert.equal(row.day, day, `${id} is in the file of its observation day`);
    assert.match(row.cells['timestamp']!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    for (const [kind, field] of [['science', 'cutoutScience'], ['template', 'cutoutTemplate'], ['difference', 'cutoutDifference']] as const) {
      const rel: string | undefined = row.cells[`${kind}_cutout_path`];
      assert.equal(rel, `cutouts/${id}_${kind}_${stamp}.fits`);
      assert.deepEqual(new Uint8Array(readFileSync(join(out, rel!))), new Uint8Array(a.alert[field] as Uint8Array), `${rel} holds the packet's stamp`);
    }
  }
  assert.equal(got.cutouts.length, 3 * want.length);
}

let fileOut: string;
let fileRun: Output;
const EXCLUDE: ExtendednessConfig = { requireSsSource: false, medianMin: 0.05 };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alertflow-antares-'));
  night = join(dir, 'night.avro');
  // Starts ~7 min before UTC midnight, so the night's visits span two UTC days.
  await simulateToFile({ alerts: 300, seed: 11, ssFraction: 0.1, startMjd: 61000.995, cutoutSize: SIZE, out: night, quiet: true });
  alerts = await decodePackets(readFileSync(night), builtInResolver());
  fileOut = join(dir, 'out');
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('file input: one row per passing alert, exact ids, CRLF + header, daily split, cutouts = packet stamps', { timeout: 120_000 }, async () => {
  const r = await consumer(fileOut, '--input', night, '--exclude-sssource', '--median-min', '0.05');
  assert.equal(r.code, 0, r.stderr);
  fileRun = readOutput(fileOut);
  assert.ok(fileRun.files.size >= 2, `rows on both sides of UTC midnight (days: ${[...fileRun.files.keys()]})`);
  for (const text of fileRun.files.values()) {
    assert.ok(text.startsWith(`${SEED001_COLUMNS.join(',')}\r\n`), 'exact header');
    assert.ok(text.endsWith('\r\n') && !/[^\r]\n/.test(text), 'RFC 4180 CRLF rows');
  }
  checkRows(fileOut, fileRun, EXCLUDE);
  assert.ok(expectedPassing(EXCLUDE).length < alerts.length, 'the filter removed some alerts');
  assert.ok(fileRun.rows.every((r) => BigInt(r.cells['diaSourceId']!) > 2n ** 53n), 'ids beyond 2^53 survive');
});

test('in-process run (--threads 0) writes the same rows as the pooled run', { timeout: 120_000 }, async () => {
  const out = join(dir, 'out-inproc');
  const r = await consumer(out, '--threads', '0', '--input', night, '--exclude-sssource', '--median-min', '0.05');
  assert.equal(r.code, 0, r.stderr);
  const got = readOutput(out);
  assert.deepEqual(got.rows.map(stable).sort(), fileRun.rows.map(stable).sort());
  assert.deepEqual(got.cutouts, fileRun.cutouts);
});

test('astropy opens the cutouts with the right shape and the same pixels', { timeout: 120_000, skip: pythonOracle() ? false : PYTHON_ORACLE_MISSING }, async () => {
  const paths = fileRun.cutouts.slice(0, 90).map((n) => join(fileOut, 'cutouts', n));
  const r = await runPython(oracleScript('consumer_fits_check.py'), [], JSON.stringify(paths));
  assert.equal(r.code, 0, r.stderr);
  const seen = JSON.parse(r.stdout) as Record<string, { shape: number[]; sum: number; finite: number }>;
  for (const p of paths) {
    assert.deepEqual(seen[p]!.shape, [SIZE, SIZE], p);
    const img = readFits(readFileSync(p));
    assert.deepEqual(img.axes, [SIZE, SIZE]);
    let sum = 0;
    let finite = 0;
    for (const v of physicalPixels(img)) {
      if (!Number.isFinite(v)) continue;
      sum += v;
      finite++;
    }
    assert.equal(seen[p]!.finite, finite);
    assert.ok(Math.abs(seen[p]!.sum - sum) <= 1e-6 * Math.max(1, Math.abs(sum)), `${p}: ${seen[p]!.sum} vs ${sum}`);
  }
});

test('rerun adds nothing; a torn last line is repaired and its row written once', { timeout: 120_000 }, async () => {
  const again = await consumer(fileOut, '--input', night, '--exclude-sssource', '--median-min', '0.05');
  assert.equal(again.code, 0, again.stderr);
  const after1 = readOutput(fileOut);
  assert.deepEqual(after1.files, fileRun.files, 'files unchanged byte for byte');
  assert.deepEqual(after1.cutouts, fileRun.cutouts);

  // A crash mid-append: drop the last row of the last day and leave half of it.
  const [day, text] = [...fileRun.files].at(-1)!;
  const path = join(fileOut, 'data', `lsst_alerts_${day}.csv`);
  const lines = text.split('\r\n');
  const last = lines.at(-2)!;
  writeFileSync(path, lines.slice(0, -2).join('\r\n') + '\r\n');
  appendFileSync(path, last.slice(0, 25));
  const repaired = await consumer(fileOut, '--input', night, '--exclude-sssource', '--median-min', '0.05');
  assert.equal(repaired.code, 0, repaired.stderr);
  const after2 = readOutput(fileOut);
  assert.deepEqual(after2.rows.map(stable).sort(), fileRun.rows.map(stable).sort());
  checkRows(fileOut, after2, EXCLUDE);
});

test('--require-sssource keeps only solar-system alerts', { timeout: 120_000 }, async () => {
  const out = join(dir, 'out-ss');
  const r = await consumer(out, '--input', night, '--require-sssource');
  assert.equal(r.code, 0, r.stderr);
  const got = readOutput(out);
  const cfg = { requireSsSource: true };
  checkRows(out, got, cfg);
  const ss = new Set(alerts.filter((a) => hasSolarSystemAssociation(a.alert)).map((a) => String(a.alert['diaSourceId'])));
  assert.ok(got.rows.length > 0 && got.rows.every((row) => ss.has(row.cells['diaSourceId']!)));
});

test('--help prints the usage; bad arguments are ERR_CLI_USAGE (exit 2)', { timeout: 60_000 }, async () => {
  const h = await run(['run', EXAMPLE, '--', '--help']);
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.stdout, /^Usage: alertflow run examples\/antares-extendedness-consumer/);
  for (const flag of ['--input', '--brokers', '--until-caught-up', '--date-from', '--require-sssource', '--median-min']) assert.ok(h.stdout.includes(flag), flag);
  for (const args of [['--out', 'x', '--exclude-sssource'], ['--input', night, '--out', 'x'], ['--input', night, '--out', 'x', '--exclude-sssource', '--median-min', 'abc'], ['--input', night, '--out', 'x', '--exclude-sssource', '--until-caught-up']]) {
    const r = await run(['run', EXAMPLE, ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /ERR_CLI_USAGE/);
  }
});

test('Kafka: --until-caught-up exits 0 with the file run\'s rows, a second run adds nothing; daemon mode drains and commits on SIGTERM', { timeout: 300_000 }, async () => {
  const kafka: TestBroker = await ensureBroker();
  try {
    const topic = `antares-consumer-${Date.now()}`;
    await createTopic(kafka.brokers, topic, 2);
    const produced = await runGraph(replayGraph([night], { brokers: kafka.brokers, topic }), { threads: 0, deadLetterSink: memorySink() }).done;
    assert.equal(produced.metrics.recordsOut, alerts.length);
    const out = join(dir, 'out-kafka');
    const args = ['--brokers', kafka.brokers, '--topic', topic, '--group', 'antares-test', '--until-caught-up', '--exclude-sssource', '--median-min', '0.05'];
    const r = await consumer(out, ...args);
    assert.equal(r.code, 0, r.stderr);
    const got = readOutput(out);
    assert.deepEqual(got.rows.map(stable).sort(), fileRun.rows.map(stable).sort());
    assert.deepEqual(got.cutouts, fileRun.cutouts);
    const again = await consumer(out, ...args);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(readOutput(out).files, got.files);

    // Daemon mode (no --until-caught-up): runs until SIGTERM, then drains and commits.
    const daemonOut = join(dir, 'out-daemon');
    const daemonArgs = ['--brokers', kafka.brokers, '--topic', topic, '--group', 'antares-daemon', '--exclude-sssource', '--median-min', '0.05'];
    const child = spawn(process.execPath, [cli, 'run', EXAMPLE, '--no-progress', '--out', daemonOut, '--date-from', 'observation', ...daemonArgs], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // Counts complete lines only: the daemon may be mid-append.
    const rowsIn = () => {
      const d = join(daemonOut, 'data');
      if (!existsSync(d)) return 0;
      return readdirSync(d).reduce((n, f) => n + readFileSync(join(d, f), 'utf8').split('\r\n').length - 2, 0);
    };
    const deadline = Date.now() + 120_000;
    while (rowsIn() < fileRun.rows.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 300));
    assert.equal(child.exitCode, null, `the daemon keeps running after the topic's end: ${stderr}`);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /SIGTERM received/);
    assert.deepEqual(readOutput(daemonOut).rows.map(stable).sort(), fileRun.rows.map(stable).sort());
    // The drain committed: the same group has nothing left to read.
    const metrics = join(dir, 'caught-up.json');
    const caughtUp = await consumer(daemonOut, ...daemonArgs, '--until-caught-up', '--metrics', metrics);
    assert.equal(caughtUp.code, 0, caughtUp.stderr);
    assert.equal((JSON.parse(readFileSync(metrics, 'utf8')) as { metrics: { recordsIn: number } }).metrics.recordsIn, 0);
  } finally {
    await kafka.stop();
  }
});

test('sink: gzipped stamps are written inflated, non-FITS stamps leave the path empty, bad config is ERR_STEP_CONFIG', async () => {
  const out = join(dir, 'sink-unit');
  const [a, b] = alerts.slice(0, 2).map((x) => ({ ...x, alert: { ...x.alert } }));
  const science = a!.alert['cutoutScience'] as Uint8Array;
  a!.alert['cutoutScience'] = gzipSync(science);
  b!.alert['cutoutTemplate'] = new Uint8Array([1, 2, 3]);
  b!.alert['cutoutDifference'] = null;
  const sink = createSeed001CsvSink({ out, dateFrom: 'observation', paths: 'absolute' });
  await sink.write([a!, b!].map((value, offset) => ({ value, position: { partition: 'p', offset } })));
  await sink.close();
  const got = readOutput(out);
  const rowA = got.rows.find((r) => r.cells['diaSourceId'] === String(a!.alert['diaSourceId']))!;
  assert.ok(rowA.cells['science_cutout_path']!.startsWith(resolve(out, 'cutouts')), 'absolute paths');
  assert.deepEqual(new Uint8Array(readFileSync(rowA.cells['science_cutout_path']!)), new Uint8Array(science));
  const rowB = got.rows.find((r) => r.cells['diaSourceId'] === String(b!.alert['diaSourceId']))!;
  assert.equal(rowB.cells['template_cutout_path'], '');
  assert.equal(rowB.cells['difference_cutout_path'], '');
  assert.ok(existsSync(rowB.cells['science_cutout_path']!));
  for (const bad of [{}, { out, dateFrom: 'tomorrow' }, { out, paths: 'x' }, { out, typo: 1 }]) {
    assert.throws(() => createSeed001CsvSink(bad), (e) => isAlertflowError(e, 'ERR_STEP_CONFIG'), JSON.stringify(bad));
  }
});

test('sink: two writes in flight (writesInFlight 2) write each diaSourceId once, every cutout in place', async () => {
  const out = join(dir, 'sink-overlap');
  const sink = createSeed001CsvSink({ out, dateFrom: 'observation' });
  assert.equal(sink.writesInFlight, 2);
  const [a, b, c] = alerts.slice(0, 3);
  const records = (values: unknown[], from: number) => values.map((value, i) => ({ value, position: { partition: 'p', offset: from + i } }));
  // The second batch repeats the first one's last alert: it must not be written twice.
  await Promise.all([sink.write(records([a!, b!], 0)), sink.write(records([b!, c!], 2))]);
  await sink.close();
  const got = readOutput(out);
  const ids = got.rows.map((r) => r.cells['diaSourceId']).sort();
  assert.deepEqual(ids, [a!, b!, c!].map((x) => String(x.alert['diaSourceId'])).sort());
  for (const r of got.rows) for (const k of ['science_cutout_path', 'template_cutout_path', 'difference_cutout_path']) assert.ok(existsSync(join(out, r.cells[k]!)), `${k} of ${r.cells['diaSourceId']}`);
});

test('row mapping of a real Rubin v9 packet (alertId = diaSourceId, band, psfFlux)', { skip: hasData ? false : 'skipped: ../shared/data not found (fresh clone without ../shared)' }, async () => {
  const [v9] = await decodePackets(readFileSync(data('lsst-alert-packet', '9.0', 'sample_data', 'fakeAlert.avro')), builtInResolver());
  assert.equal(v9!.schema, 'lsst.v9_0');
  const ds = v9!.alert['diaSource'];
  const parts = seed001Parts(v9);
  assert.equal(parts.diaSourceId, String(v9!.alert['diaSourceId']));
  assert.deepEqual(parts.cells.slice(0, 9), [v9!.alert['diaSourceId'], v9!.alert['diaSourceId'], ds.diaObjectId, ds.ra, ds.dec, ds.midpointMjdTai, ds.band, ds.psfFlux, ds.psfFluxErr]);
});
