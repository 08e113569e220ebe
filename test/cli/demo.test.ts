/**
 * The README's first command, small: `alertflow demo` on a seeded night runs
 * end to end, and every output holds what the summary says — checked by
 * decoding the archive independently and, for the HATS catalogs, with hats
 * and lsdb themselves.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodePackets } from '../../src/formats/avro/decode-packet.js';
import { builtInResolver } from '../../src/formats/avro/builtin.js';
import { oracleScript, pythonOracle, runPython, PYTHON_ORACLE_MISSING } from '../../src/testing/python.js';

const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
let dir: string;
let run: { status: number | null; stderr: string };

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'alertflow-demo-'));
  const r = spawnSync(process.execPath, [join(repo, 'bin', 'alertflow.js'), 'demo', '--alerts', '400', '--visits', '20', '--seed', '7', '--out', dir, '--threads', '2', '--no-progress'], { encoding: 'utf8' });
  run = { status: r.status, stderr: r.stderr };
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('demo: runs and prints the summary a user expects', () => {
  assert.equal(run.status, 0, run.stderr);
  for (const pattern of [/records in\s+400/, /throughput\s+\d+ records\/s/, /p50 [\d.]+ ms, p99 [\d.]+ ms/, /dead letters\s+0/, /archive\s+\S+archive\.avro/, /HATS\s+\S+diaSource/]) assert.match(run.stderr, pattern);
});

test('demo: the archive holds exactly the alerts that pass the predicate, and the summary one line per alert', async () => {
  const night = readdirSync(dir).find((f) => f.startsWith('night-'))!;
  const all = await decodePackets(readFileSync(join(dir, night)), builtInResolver(), { keepRaw: false });
  assert.equal(all.length, 400);
  const passing = all.filter((a) => (a.alert.diaSource.reliability ?? -1) >= 0.5 && (a.alert.diaSource.snr ?? -1) >= 5).map((a) => a.alert.diaSourceId as bigint);
  const archived = (await decodePackets(readFileSync(join(dir, 'archive.avro')), builtInResolver(), { keepRaw: false })).map((a) => a.alert.diaSourceId as bigint);
  assert.deepEqual(archived, passing);
  const summary = readFileSync(join(dir, 'summary.jsonl'), 'utf8').trim().split('\n');
  assert.deepEqual(summary.map((l) => BigInt(/"diaSourceId":(\d+)/.exec(l)![1])), passing);
  assert.ok(!summary[0].includes('"raw"') && !summary[0].includes('"diaSource"'), 'carried fields are left out of the summary');
  assert.ok(existsSync(join(dir, 'alertflow.duckdb')));
});

test('demo: the HATS catalogs are valid for hats and open in lsdb with every row', { skip: pythonOracle() ? false : PYTHON_ORACLE_MISSING }, async () => {
  const sources = join(dir, 'hats', 'diaSource');
  const objects = join(dir, 'hats', 'diaObject');
  const r = await runPython(oracleScript('hats_demo_check.py'), [sources, objects]);
  assert.equal(r.code, 0, r.stderr);
  const checked = JSON.parse(r.stdout.trim().split('\n').pop()!);
  const reliable = Number(/reliable\s+\d+ \/ (\d+)/.exec(run.stderr)![1]);
  assert.deepEqual(checked[sources].valid, true);
  assert.equal(checked[sources].rows, reliable);
  assert.deepEqual(checked[objects].valid, true);
  assert.ok(checked[objects].columns.includes('lightcurve'), 'diaObjects carry nested light curves');
  assert.match(run.stderr, new RegExp(`\\(${checked[objects].rows} diaObjects with nested light curves\\)`));
});
