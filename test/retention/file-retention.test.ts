import { test, beforeEach, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { applyFileRetention } from '../../src/archive/file-retention.js';
import { registerRetentionCommand } from '../../src/cli/commands/retention.js';
import { isAlertflowError } from '../../src/errors.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 3, 15, 12);
const root = mkdtempSync(join(tmpdir(), 'alertflow-retention-'));
const dir = join(root, 'lsst_alerts');
const outside = join(root, 'outside.fits');

function file(rel: string, ageDays: number): string {
  const p = join(dir, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, 'x'.repeat(100));
  const t = new Date(NOW - ageDays * DAY);
  utimesSync(p, t, t);
  return p;
}

let old: string[];
let young: string[];
let others: string[];

beforeEach(() => {
  rmSync(dir, { recursive: true, force: true });
  old = [file('data/lsst_alerts_20260101.csv', 90), file('cutouts/1234567_science_20260101_020315.fits', 61), file('cutouts/sub/1_template_20260101_020315.fits', 70)];
  // find -mtime +60: 60.9 days is "60 days" and stays.
  young = [file('data/lsst_alerts_20260410.csv', 5), file('cutouts/1234567_difference_20260410_020315.fits', 60.9)];
  others = [file('data/notes.txt', 400), file('data/other_20260101.csv', 400), file('cutouts/readme.md', 400), file('elsewhere/lsst_alerts_20250101.csv', 400)];
  writeFileSync(outside, 'y');
  utimesSync(outside, new Date(NOW - 400 * DAY), new Date(NOW - 400 * DAY));
  symlinkSync(outside, join(dir, 'cutouts', 'link_20250101_000000.fits'));
});

after(() => rmSync(root, { recursive: true, force: true }));

test('dry run lists the expired CSV and cutouts and removes nothing', async () => {
  const r = await applyFileRetention({ dir, days: 60, dryRun: true, now: NOW });
  assert.deepEqual(r.removed.slice().sort(), old.slice().sort());
  assert.equal(r.bytes, 300);
  assert.equal(r.kept, young.length);
  for (const p of [...old, ...young, ...others, outside]) assert.ok(existsSync(p), p);
});

test('by mtime removes exactly the expired files; other types, other folders and symlink targets stay', async () => {
  const seen: string[] = [];
  const r = await applyFileRetention({ dir, days: 60, now: NOW, onFile: (p) => seen.push(p) });
  assert.deepEqual(seen, r.removed);
  for (const p of old) assert.ok(!existsSync(p), `${p} removed`);
  for (const p of [...young, ...others, outside, join(dir, 'cutouts', 'link_20250101_000000.fits')]) assert.ok(existsSync(p), `${p} kept`);
});

test('by name uses the date in the file name, not the mtime', async () => {
  // Touch everything to "now": mtime mode would keep all, name mode still sees the dates.
  for (const p of [...old, ...young]) utimesSync(p, new Date(NOW), new Date(NOW));
  assert.equal((await applyFileRetention({ dir, days: 60, now: NOW, dryRun: true })).removed.length, 0);
  const undated = file('cutouts/nodate.fits', 0);
  const r = await applyFileRetention({ dir, days: 60, by: 'name', now: NOW });
  assert.deepEqual(r.removed.slice().sort(), old.slice().sort());
  assert.deepEqual(r.undated, [undated]);
  for (const p of young) assert.ok(existsSync(p));
});

test('bad arguments are typed errors', async () => {
  await assert.rejects(applyFileRetention({ dir, days: -1 }), (e) => isAlertflowError(e, 'ERR_ARCHIVE'));
  await assert.rejects(applyFileRetention({ dir: join(root, 'missing'), days: 1 }), (e) => isAlertflowError(e, 'ERR_IO'));
});

test('CLI: --help, --dry-run prints paths and a summary', async () => {
  const program = new Command().exitOverride();
  registerRetentionCommand(program);
  const help = program.commands.find((c) => c.name() === 'retention')!.helpInformation();
  assert.match(help, /--dry-run/);
  assert.match(help, /--by <mode>/);
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => (lines.push(String(s)), true)) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'alertflow', 'retention', '--dir', dir, '--days', '0', '--dry-run']);
  } finally {
    process.stdout.write = write;
  }
  const out = lines.join('');
  assert.match(out, /would remove \d+ files \([\d.]+ MB\), kept \d+/);
  for (const p of old) assert.ok(existsSync(p));
});
