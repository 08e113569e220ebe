import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { configFromOptions, registerFilterExtendednessCommand } from '../../src/cli/commands/filter-extendedness.js';
import { buildAlertPacket } from '../../src/alerts/package.js';
import { parseWire } from '../../src/formats/avro/wire.js';
import { encodeOcf } from '../../src/formats/avro/ocf/write.js';
import { requireBuiltInSchema, builtInResolver } from '../../src/formats/avro/builtin.js';
import { decodePackets } from '../../src/formats/avro/decode-packet.js';
import { evaluateExtendedness } from '../../src/filters/extendedness.js';
import { isAlertflowError } from '../../src/errors.js';
import { simulateNight } from '../../src/simulator/index.js';
import { data, hasData } from '../formats/helpers.js';

const command = fileURLToPath(new URL('../../src/cli/commands/filter-extendedness.js', import.meta.url));
const SCRIPT = `
import { Command } from 'commander';
import { registerFilterExtendednessCommand } from ${JSON.stringify(command)};
const p = new Command('alertflow');
registerFilterExtendednessCommand(p);
try { await p.parseAsync(JSON.parse(process.env.ARGS), { from: 'user' }); }
catch (e) { process.stderr.write(e.code + ': ' + e.message + '\\n'); process.exitCode = e.code === 'ERR_CLI_USAGE' ? 2 : 1; }
`;

function cli(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], { env: { ...process.env, ARGS: JSON.stringify(['filter-extendedness', ...args]) } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ stdout, stderr, code: code ?? -1 }));
  });
}

test('configFromOptions: numbers parsed, exactly one ss flag, bad values are ERR_CLI_USAGE', () => {
  assert.deepEqual(configFromOptions({ medianMin: '0.5', excludeSssource: true }), { medianMin: 0.5, requireSsSource: false });
  for (const o of [{}, { requireSssource: true, excludeSssource: true }, { requireSssource: true, medianMin: 'x' }, { requireSssource: true, medianMin: '0.9', medianMax: '0.1' }]) {
    assert.throws(() => configFromOptions(o), (e) => isAlertflowError(e, 'ERR_CLI_USAGE'), JSON.stringify(o));
  }
  const p = new Command('alertflow');
  registerFilterExtendednessCommand(p);
  assert.match(p.commands[0]!.helpInformation(), /--require-sssource/);
});

test('CLI: one line per packet (exact ids, empty cells for no stats); --out holds the passing packets; bad files reported, exit 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-fx-'));
  try {
    const alerts = [...simulateNight({ alerts: 30, seed: 4, ssFraction: 0.2, cutoutSize: 8 })].map((s) => buildAlertPacket(s.alert));
    const sim = join(dir, 'night.avro');
    writeFileSync(sim, encodeOcf(requireBuiltInSchema('lsst.v11_0').json, alerts.map((a) => parseWire(a.bytes).body)));
    const wire = join(dir, 'one.wire');
    writeFileSync(wire, alerts[0]!.bytes);
    const bad = join(dir, 'bad.wire');
    writeFileSync(bad, Buffer.from([0, 0, 0, 4, 76, 1, 2, 3]));
    const files = [sim, bad, wire, ...(hasData ? [data('lsst-alert-packet', '11.0', 'sample_data', 'fakeAlert.avro')] : [])];
    const out = join(dir, 'passing.avro');
    const r = await cli(['--median-min', '0.2', '--exclude-sssource', '--out', out, '--header', ...files]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /bad\.wire: ERR_AVRO_\w+/);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'diaSourceId,result,median,min,max,ssSource');
    const cfg = { medianMin: 0.2, requireSsSource: false };
    const expected: string[] = [];
    for (const a of [...alerts, alerts[0]!]) {
      const v = evaluateExtendedness(a.alert, cfg);
      const c = (x: number | null) => (x === null ? '' : String(x));
      expected.push(`${a.alert['diaSourceId']},${v.pass ? 'pass' : 'fail'},${c(v.stats.median)},${c(v.stats.min)},${c(v.stats.max)},${v.ssSource}`);
    }
    if (hasData) expected.push('1231321321,fail,,,,false');
    assert.deepEqual(lines.slice(1), expected);
    const passing = alerts.filter((a) => evaluateExtendedness(a.alert, cfg).pass);
    assert.ok(passing.length > 3 && passing.length < alerts.length);
    const written = await decodePackets(readFileSync(out), builtInResolver());
    // Passing packets from the container and the single wire file, bytes unchanged.
    const want = [...passing, ...(evaluateExtendedness(alerts[0]!.alert, cfg).pass ? [alerts[0]!] : [])];
    assert.deepEqual(written.map((w) => Buffer.from(w.raw!.bytes).toString('hex')), want.map((a) => Buffer.from(parseWire(a.bytes).body).toString('hex')));
    // Usage errors exit 2.
    const u = await cli([sim]);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /ERR_CLI_USAGE/);
    assert.ok(!existsSync(join(dir, 'none.avro')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: the BOOM v9 packet fails with empty stats and no ssSource', { skip: hasData ? false : 'needs ../shared/data' }, async () => {
  const r = await cli(['--require-sssource', data('boom-test-alerts', 'lsst', '7912941781254298.avro')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '7912941781254298,fail,,,,false\n');
});
