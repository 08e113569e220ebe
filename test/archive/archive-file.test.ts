import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateToFile } from '../../src/cli/commands/simulate.js';
import { runArchive } from '../../src/cli/commands/archive.js';
import { Archiver, tarballPath } from '../../src/archive/archiver.js';
import { readTarballAlerts } from '../../src/archive/pack.js';
import { verifyArchive } from '../../src/archive/verify.js';
import { listTar } from '../../src/archive/tar.js';
import { parsePeriod, periodOf } from '../../src/archive/period.js';
import { alertTime } from '../../src/archive/alert-info.js';
import { decodePackets } from '../../src/formats/avro/decode-packet.js';
import { createResolver } from '../../src/formats/avro/resolvers/chain.js';
import { encodeOcf } from '../../src/formats/avro/ocf/write.js';
import { requireBuiltInSchema } from '../../src/formats/avro/builtin.js';
import type { DecodedAlert } from '../../src/formats/types.js';
import { isAlertflowError } from '../../src/errors.js';

const N = 400;
const tmp = mkdtempSync(join(tmpdir(), 'alertflow-archive-'));
const input = join(tmp, 'night.avro');
let alerts: DecodedAlert[];

const idOf = (a: DecodedAlert): string => String(a.alert.diaSource.diaSourceId);
const tarballs = (dir: string): string[] =>
  readdirSync(dir)
    .filter((d) => d !== '.staging' && !d.endsWith('.jsonl'))
    .map((d) => tarballPath(dir, d))
    .filter((p) => existsSync(p))
    .sort();
const snapshot = (dir: string) => tarballs(dir).map((p) => ({ p, bytes: readFileSync(p), mtimeMs: statSync(p).mtimeMs }));

before(async () => {
  // ~300 visits ≈ 4 h of observing: several 1 h periods.
  await simulateToFile({ alerts: N, visits: 300, seed: 11, out: input, quiet: true });
  alerts = await decodePackets(readFileSync(input), createResolver());
});

after(() => rmSync(tmp, { recursive: true, force: true }));

test('archive --period 1h: one tarball per hour, counts sum to N, manifests verify, members decode to the same alerts', async () => {
  const dir = join(tmp, 'a');
  const r = await runArchive({ input: { files: [input] }, archive: { dir, period: '1h', alertsPerFile: 40 } });
  const paths = tarballs(dir);
  const spec = parsePeriod('1h');
  const expectedKeys = [...new Set(alerts.map((a) => periodOf(spec, alertTime(a).ms).key))].sort();
  assert.ok(expectedKeys.length >= 3, `input spans ${expectedKeys.length} periods`);
  assert.deepEqual(paths.map((p) => p.split('/').at(-2)), expectedKeys);
  assert.equal(r.closed.length, expectedKeys.length);
  assert.equal(r.stats.alertsIn, N);
  assert.equal(r.stats.tarballsWritten, expectedKeys.length);
  assert.equal(r.run.metrics.deadLetters, 0);
  assert.deepEqual(readdirSync(join(dir, '.staging')), [], 'no spools left');

  let total = 0;
  const seen: string[] = [];
  for (const p of paths) {
    const v = await verifyArchive(p, { deep: true });
    assert.ok(v.ok, v.problems.join('; '));
    const m = v.manifest!;
    total += m.count;
    assert.equal(m.schemas[0]!.name, 'lsst.v11_0');
    assert.equal(m.mjdScale, 'TAI');
    assert.ok(m.members.length >= 1 && m.members.every((x) => x.count <= 40));
    const key = p.split('/').at(-2)!;
    const inTar: DecodedAlert[] = [];
    for await (const { alert } of readTarballAlerts(p)) inTar.push(alert);
    assert.equal(inTar.length, m.count);
    for (const a of inTar) assert.equal(periodOf(spec, alertTime(a).ms).key, key, 'alert in the right period');
    assert.equal(m.first!.key, idOf(inTar[0]!));
    assert.equal(m.last!.key, idOf(inTar.at(-1)!));
    assert.equal(m.first!.mjd, inTar[0]!.alert.diaSource.midpointMjdTai);
    assert.match(m.first!.iso, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    seen.push(...inTar.map(idOf));
  }
  assert.equal(total, N);
  assert.deepEqual(seen.slice().sort(), alerts.map(idOf).sort());

  // The archived bodies are the input's bytes, not a re-encoding.
  const byId = new Map(alerts.map((a) => [idOf(a), Buffer.from(a.raw!.bytes)]));
  for await (const { alert, body } of readTarballAlerts(paths[0]!)) assert.ok(byId.get(idOf(alert))!.equals(body));
});

test('rerun is idempotent: completed tarballs are not rewritten; a deleted one is rebuilt byte-identical', async () => {
  const dir = join(tmp, 'b');
  await runArchive({ input: { files: [input] }, archive: { dir, period: '1h' } });
  const first = snapshot(dir);
  await new Promise((r) => setTimeout(r, 20));
  const again = await runArchive({ input: { files: [input] }, archive: { dir, period: '1h' } });
  assert.equal(again.stats.tarballsWritten, 0);
  assert.equal(again.stats.duplicates, N);
  const second = snapshot(dir);
  assert.deepEqual(second.map((s) => s.mtimeMs), first.map((s) => s.mtimeMs), 'files untouched');
  rmSync(first[1]!.p);
  const third = await runArchive({ input: { files: [input] }, archive: { dir, period: '1h' } });
  assert.equal(third.stats.tarballsWritten, 1);
  assert.ok(readFileSync(first[1]!.p).equals(first[1]!.bytes), 'rebuilt tarball has the same bytes');
});

test('alerts arriving later for a closed period are merged; result equals a single run over everything', async () => {
  const schema = requireBuiltInSchema('lsst.v11_0');
  const bodies = alerts.map((a) => a.raw!.bytes);
  const firstHalf = join(tmp, 'half.avro');
  const reversed = join(tmp, 'reversed.avro');
  writeFileSync(firstHalf, encodeOcf(schema.json, bodies.filter((_, i) => i % 2 === 0)));
  writeFileSync(reversed, encodeOcf(schema.json, bodies.slice().reverse()));
  const dirA = join(tmp, 'c1');
  const dirB = join(tmp, 'c2');
  await runArchive({ input: { files: [firstHalf] }, archive: { dir: dirA, period: '1h' } });
  const merged = await runArchive({ input: { files: [input] }, archive: { dir: dirA, period: '1h' } });
  assert.equal(merged.stats.duplicates, N / 2);
  // Reverse order in one go: the watermark jumps to the end at once, so every period closes at end of input.
  await runArchive({ input: { files: [reversed] }, archive: { dir: dirB, period: '1h' } });
  const a = snapshot(dirA);
  const b = snapshot(dirB);
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(a[i]!.bytes.equals(b[i]!.bytes), `${a[i]!.p} equals ${b[i]!.p}`);
});

test('decoding on the worker pool gives byte-identical tarballs', async () => {
  const inProcess = join(tmp, 'p0');
  const pooled = join(tmp, 'p2');
  await runArchive({ input: { files: [input] }, archive: { dir: inProcess, period: '1h' } });
  await runArchive({ input: { files: [input] }, archive: { dir: pooled, period: '1h' }, threads: 2 });
  const a = snapshot(inProcess);
  const b = snapshot(pooled);
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(a[i]!.bytes.equals(b[i]!.bytes));
});

test('verifyArchive fails when a member is corrupted', async () => {
  const dir = join(tmp, 'd');
  await runArchive({ input: { files: [input] }, archive: { dir, period: 'night' } });
  const [p] = tarballs(dir);
  assert.equal(tarballs(dir).length, 1, 'the simulated night is one dayObs');
  assert.equal((await verifyArchive(p!)).ok, true);
  const bad = join(tmp, 'bad.tar');
  copyFileSync(p!, bad);
  const fh = await open(bad, 'r+');
  const entries = await listTar(fh, bad);
  const member = entries.find((e) => e.name.endsWith('.avro'))!;
  const at = member.offset + Math.floor(member.size / 2);
  const one = Buffer.alloc(1);
  await fh.read(one, 0, 1, at);
  one[0] = one[0]! ^ 0xff;
  await fh.write(one, 0, 1, at);
  await fh.close();
  const v = await verifyArchive(bad);
  assert.equal(v.ok, false);
  assert.ok(v.problems.some((x) => x.includes(member.name) && x.includes('sha256')), v.problems.join('; '));
});

test('a crash leaves spools, not half tarballs; the next run finishes them', async () => {
  const dir = join(tmp, 'e');
  const a1 = await Archiver.create({ dir, period: 'night' });
  await a1.add(alerts.slice(0, 150));
  // "crash": a1 is never closed.
  assert.deepEqual(tarballs(dir), []);
  writeFileSync(join(dir, '.staging', 'x.partial'), 'junk');
  const a2 = await Archiver.create({ dir, period: 'night' });
  assert.equal(a2.openPeriods().length, 1);
  await a2.add(alerts.slice(100));
  const closed = await a2.closeAll();
  assert.equal(closed.length, 1);
  assert.equal(closed[0]!.count, N);
  assert.equal(a2.stats.duplicates, 50);
  assert.ok((await verifyArchive(closed[0]!.path, { deep: true })).ok);
});

test('a period closes once the stream is a grace past its end, not before', async () => {
  const dir = join(tmp, 'g');
  const spec = parsePeriod('1h');
  const sorted = alerts.slice().sort((x, y) => alertTime(x).ms - alertTime(y).ms);
  const firstKey = periodOf(spec, alertTime(sorted[0]!).ms);
  const a = await Archiver.create({ dir, period: '1h', graceMs: 10 * 60_000 });
  const inFirst = sorted.filter((x) => alertTime(x).ms < firstKey.endMs);
  const withinGrace = sorted.filter((x) => alertTime(x).ms >= firstKey.endMs && alertTime(x).ms < firstKey.endMs + 10 * 60_000);
  const afterGrace = sorted.filter((x) => alertTime(x).ms >= firstKey.endMs + 10 * 60_000);
  assert.ok(inFirst.length && withinGrace.length && afterGrace.length);
  await a.add(inFirst);
  await a.add(withinGrace);
  assert.equal(existsSync(tarballPath(dir, firstKey.key)), false, 'still open within the grace');
  await a.add(afterGrace.slice(0, 1));
  assert.equal(existsSync(tarballPath(dir, firstKey.key)), true, 'closed past the grace');
  assert.equal(a.closed[0]!.count, inFirst.length);
});

test('bad period and non-alert input are typed errors', async () => {
  await assert.rejects(Archiver.create({ dir: join(tmp, 'f'), period: '90m' }), (e) => isAlertflowError(e, 'ERR_ARCHIVE'));
  const a = await Archiver.create({ dir: join(tmp, 'f'), period: 'night' });
  await assert.rejects(a.add([{ kind: 'raw', bytes: new Uint8Array(1) } as unknown as DecodedAlert]), (e) => isAlertflowError(e, 'ERR_ARCHIVE'));
});

test('periods: night is the Rubin dayObs (12:00 UTC boundaries), Nh are UTC bins', () => {
  const night = parsePeriod('night');
  assert.equal(periodOf(night, Date.UTC(2025, 10, 21, 3)).key, '20251120');
  assert.equal(periodOf(night, Date.UTC(2025, 10, 21, 11, 59)).key, '20251120');
  assert.equal(periodOf(night, Date.UTC(2025, 10, 21, 12)).key, '20251121');
  const six = periodOf(parsePeriod('6h'), Date.UTC(2025, 10, 21, 13, 5));
  assert.equal(six.key, '20251121T12Z');
  assert.equal(six.endMs - six.startMs, 6 * 3600_000);
});
