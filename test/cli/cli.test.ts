import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProgram } from '../../src/cli/main.js';

const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const shared = resolve(repo, '../shared/data');
const haveShared = existsSync(shared);
const SKIP_SHARED = haveShared ? false : `skipped: ${shared} not found (a clone without ../shared)`;
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'alertflow-cli-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [join(repo, 'bin', 'alertflow.js'), ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 256 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('every command has --help', () => {
  const names = buildProgram().commands.map((c) => c.name());
  for (const name of ['demo', 'simulate', 'inspect', 'replay', 'run', 'kafka']) assert.ok(names.includes(name), `missing command ${name}`);
  for (const name of names) {
    const r = cli([name, '--help']);
    assert.equal(r.code, 0, `${name} --help failed: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`Usage: alertflow ${name}`));
  }
  assert.equal(cli(['--help']).code, 0);
});

test('inspect decodes the real LSST, ZTF and Roman packets and finds each schema by itself', { skip: SKIP_SHARED }, () => {
  const files = ['boom-test-alerts/lsst/7912941781254298.avro', 'boom-test-alerts/ztf/2695378462115010012.avro', 'boom-test-alerts/roman/alert.avro', 'lsst-alert-packet/11.0/sample_data/fakeAlert.avro'].map((f) => join(shared, f));
  const r = cli(['inspect', ...files]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 4);
  const [lsst, ztf, roman, fake] = lines;
  assert.match(lsst, /^\{"survey":"lsst","schema":"lsst.v9_0","diaSourceId":7912941781254298,/);
  assert.match(lsst, /"cutoutDifference":\{"bytes":\d+,"format":"fits"\}/);
  assert.match(ztf, /^\{"survey":"ztf","schema":"ztf 4.02",/);
  assert.match(ztf, /"objectId":"ZTF18abudxnw"/);
  assert.match(ztf, /"stampData":\{"bytes":\d+,"format":"fits.gz"\}/);
  assert.match(roman, /^\{"survey":"roman","schema":"rapid.v00_02",/);
  assert.match(fake, /^\{"survey":"lsst","schema":"lsst.v11_0",/);
});

test('inspect reports bad packets on stderr with their code, prints every good one, and exits non-zero', { skip: SKIP_SHARED }, () => {
  const good = join(shared, 'boom-test-alerts/lsst/7912941781254298.avro');
  const bytes = readFileSync(good);
  const bad: Record<string, Buffer> = {
    'empty.avro': Buffer.alloc(0),
    'magic.avro': Buffer.concat([Buffer.from([1]), bytes.subarray(1)]),
    'unknown-id.avro': Buffer.concat([Buffer.from([0, 0, 0, 0x30, 0x39]), bytes.subarray(5)]),
    'truncated.avro': bytes.subarray(0, 5000),
  };
  for (const [name, b] of Object.entries(bad)) writeFileSync(join(dir, name), b);
  const r = cli(['inspect', good, 'empty.avro', 'magic.avro', good, 'unknown-id.avro', 'truncated.avro', good]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout.trim().split('\n').length, 3, 'the three good packets are printed');
  assert.match(r.stderr, /empty\.avro: ERR_WIRE_EMPTY/);
  assert.match(r.stderr, /magic\.avro: ERR_WIRE_MAGIC/);
  assert.match(r.stderr, /unknown-id\.avro: ERR_SCHEMA_UNKNOWN/);
  assert.match(r.stderr, /truncated\.avro: ERR_AVRO_TRUNCATED/);
});

test('simulate writes a container file that inspect reads back, record for record', () => {
  const s = cli(['simulate', '--alerts', '40', '--visits', '20', '--seed', '3', '--out', 'night.avro', '--quiet']);
  assert.equal(s.code, 0, s.stderr);
  const r = cli(['inspect', 'night.avro']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 40);
  for (const line of lines) {
    assert.match(line, /^\{"survey":"lsst","schema":"lsst.v11_0","diaSourceId":\d+,/);
    assert.match(line, /"cutoutScience":\{"bytes":\d+,"format":"fits"\}/);
  }
  // Deterministic: the same seed gives the same bytes.
  assert.equal(cli(['simulate', '--alerts', '40', '--visits', '20', '--seed', '3', '--out', 'again.avro', '--quiet']).code, 0);
  const a = readFileSync(join(dir, 'night.avro'));
  const b = readFileSync(join(dir, 'again.avro'));
  // Container files differ only in their random sync marker.
  assert.equal(a.length, b.length);
});

test('run executes a JSON graph; --mermaid and --validate work; bad specs fail with a typed error', () => {
  assert.equal(cli(['simulate', '--alerts', '30', '--out', 'in.avro', '--quiet']).code, 0);
  const spec = {
    name: 'json-graph',
    steps: [
      { id: 'in', kind: 'source', type: 'avro-file', config: { path: 'in.avro' } },
      { id: 'decode', kind: 'step', type: 'decode', inputs: ['in'], pool: true },
      { id: 'rows', kind: 'step', type: 'select', inputs: ['decode'], config: { fields: { id: 'alert.diaSourceId' } } },
      { id: 'out', kind: 'sink', type: 'jsonl', inputs: ['rows'], key: 'id', config: { path: 'out.jsonl' } },
    ],
  };
  writeFileSync(join(dir, 'graph.json'), JSON.stringify(spec));
  const r = cli(['run', 'graph.json', '--threads', '1', '--no-progress', '--metrics', 'm.json', '--prometheus', 'm.prom']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /records in\s+30/);
  assert.equal(readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n').length, 30);
  assert.equal(JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')).metrics.recordsOut, 30);
  assert.match(readFileSync(join(dir, 'm.prom'), 'utf8'), /alertflow_records_out_total\{graph="json-graph"\} 30/);
  assert.match(cli(['run', 'graph.json', '--mermaid']).stdout, /n_in --> n_decode/);
  assert.match(cli(['run', 'graph.json', '--validate']).stdout, /valid/);
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...spec, steps: spec.steps.slice(0, 3) }));
  const bad = cli(['run', 'bad.json']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /ERR_GRAPH_INVALID: step "rows": its output goes nowhere/);
});
