import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { forcedPhotometryToFile, registerForcedPhotometryCommand } from '../../src/cli/commands/forced-photometry.js';
import { parseCsv } from '../../src/io/csv.js';
import { synthField } from './synth.js';

function program(writeOut?: (s: string) => void): Command {
  const p = new Command('alertflow').exitOverride();
  // Subcommands copy these settings when they are created.
  if (writeOut) p.configureOutput({ writeOut });
  registerForcedPhotometryCommand(p);
  return p;
}

test('forced-photometry: CSV in, CSV out with x, y, psfFlux, psfFluxErr and compact flags', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-fp-cli-'));
  const saved = process.exitCode;
  const stderr = process.stderr.write;
  try {
    const f = synthField({ width: 150, height: 150, fwhm: 3, spacing: 30, seed: 31, sigma: 0 });
    const { image, variance } = f.write(dir);
    const positions = join(dir, 'pos.csv');
    const rows = f.sources.map((s, i) => `${i === 0 ? '"id, quoted"' : 9007199254740993n + BigInt(i)},${s.ra},${s.dec}`);
    rows.push(`edge,${f.sources[0].ra},${f.sources[0].dec - 3 / 3600}`, 'bad,abc,1');
    writeFileSync(positions, `id,ra,dec\r\n${rows.join('\r\n')}\r\n`);
    const out = join(dir, 'out.csv');
    const messages: string[] = [];
    process.stderr.write = ((s: string) => (messages.push(s), true)) as typeof process.stderr.write;
    await program().parseAsync(['forced-photometry', '--image', image, '--variance', variance, '--psf-fwhm', '3', '--positions', positions, '--out', out, '--fit-shape', '9'], { from: 'user' });
    process.stderr.write = stderr;
    assert.equal(process.exitCode, 1, 'a bad row sets a non-zero exit status');
    assert.match(messages.join(''), /row \d+ \(id bad\): ERR_PHOTOMETRY/);
    const table = parseCsv(readFileSync(out, 'utf8'));
    assert.deepEqual(table.columns, ['id', 'ra', 'dec', 'x', 'y', 'psfFlux', 'psfFluxErr', 'flags']);
    assert.equal(table.rows.length, f.sources.length + 1);
    assert.equal(table.rows[0].id, 'id, quoted');
    assert.equal(table.rows[1].id, String(9007199254740993n + 1n), 'ids are copied exactly');
    f.sources.forEach((s, i) => {
      const r = table.rows[i];
      assert.ok(Math.abs(Number(r.psfFlux) / s.flux - 1) < 1e-5);
      assert.ok(Math.abs(Number(r.x) - s.x) < 1e-6);
      assert.equal(r.flags, 'forced');
    });
    assert.equal(table.rows.at(-1)!.flags, 'forced|edge');
    // Programmatic form, with --sigma; sigma scales only the errors.
    const r2 = await forcedPhotometryToFile({ image, sigma: 2, psfFwhm: 3, positions, out: join(dir, 'out2.csv'), fitShape: 9 }, { write: () => true } as never);
    assert.deepEqual([r2.measured, r2.failed], [f.sources.length + 1, 1]);
    const t2 = parseCsv(readFileSync(r2.path, 'utf8'));
    assert.ok(Math.abs(Number(t2.rows[3].psfFluxErr) / Number(table.rows[3].psfFluxErr) - 2) < 1e-9);
    await assert.rejects(forcedPhotometryToFile({ image, psfFwhm: 3, positions, out: join(dir, 'x.csv') }), (e: any) => e.code === 'ERR_CLI_USAGE');
    await assert.rejects(forcedPhotometryToFile({ image: join(dir, 'missing.fits'), sigma: 1, psfFwhm: 3, positions, out: join(dir, 'x.csv') }), (e: any) => e.code === 'ERR_IO');
  } finally {
    process.stderr.write = stderr;
    process.exitCode = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('forced-photometry --help names every option', () => {
  let text = '';
  const p = program((s) => (text += s));
  assert.throws(() => p.parse(['forced-photometry', '--help'], { from: 'user' }), (e: any) => e.code === 'commander.helpDisplayed');
  for (const opt of ['--image', '--variance', '--sigma', '--psf-fwhm', '--psf ', '--positions', '--out', '--fit-shape', '--hdu', '--background']) assert.ok(text.includes(opt), opt);
});
