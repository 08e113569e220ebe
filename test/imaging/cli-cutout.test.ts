import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerCutoutCommand, runCutout } from '../../src/cli/commands/cutout.js';
import { readFits } from '../../src/fits/read.js';
import { skyImageFromFits } from '../../src/imaging/image.js';
import { pixelToWorld0 } from '../../src/wcs/celestial.js';
import { isAlertflowError } from '../../src/errors.js';
import { testImageFits } from './fixtures.js';

test('alertflow cutout: writes <id>.fits(.gz) and <id>.png, counts partial and outside, reports bad rows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-cli-cutout-'));
  try {
    const image = join(dir, 'img.fits');
    writeFileSync(image, testImageFits());
    const wcs = skyImageFromFits(readFileSync(image)).wcs;
    const pos = (x: number, y: number): string => pixelToWorld0(wcs, x, y).join(',');
    writeFileSync(join(dir, 'pos.csv'), `id,ra,dec\r\nsrc-1,${pos(60, 45)}\r\n"odd, id/2",${pos(1, 1)}\r\nfar,${pos(500, 500)}\r\nbad,1,95\r\n`);
    const logs: string[] = [];
    const out = join(dir, 'stamps');
    const s = await runCutout({ image, positions: join(dir, 'pos.csv'), size: '15', sizeUnit: 'pix', out, gzip: true, png: true, stretch: 'asinh' }, (l) => logs.push(l));
    assert.deepEqual(s, { written: 3, partial: 1, outside: 1, failed: 1 });
    assert.deepEqual(readdirSync(out).sort(), ['far.fits.gz', 'far.png', 'odd__id_2.fits.gz', 'odd__id_2.png', 'src-1.fits.gz', 'src-1.png']);
    assert.deepEqual(readFits(readFileSync(join(out, 'src-1.fits.gz'))).axes, [15, 15]);
    assert.match(logs[0]!, /^cutout: bad: ERR_WCS/);
    const plain = join(dir, 'plain');
    const s2 = await runCutout({ image, positions: join(dir, 'pos.csv'), size: '2', sizeUnit: 'arcsec', out: plain, stretch: 'zscale', skipOutside: true }, () => {});
    assert.deepEqual(s2, { written: 2, partial: 1, outside: 1, failed: 1 });
    assert.ok(existsSync(join(plain, 'src-1.fits')) && !existsSync(join(plain, 'src-1.png')) && !existsSync(join(plain, 'far.fits')));
    await assert.rejects(runCutout({ image, positions: join(dir, 'pos.csv'), size: '-1', sizeUnit: 'pix', out, stretch: 'zscale' }), (e) => isAlertflowError(e, 'ERR_CLI_USAGE'));
    await assert.rejects(runCutout({ image, positions: join(dir, 'pos.csv'), size: '5', sizeUnit: 'pix', out, stretch: 'log' }), (e) => isAlertflowError(e, 'ERR_CLI_USAGE'));
    writeFileSync(join(dir, 'nodec.csv'), 'id,ra\n1,2\n');
    await assert.rejects(runCutout({ image, positions: join(dir, 'nodec.csv'), size: '5', sizeUnit: 'pix', out, stretch: 'zscale' }), (e) => isAlertflowError(e, 'ERR_IO'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('alertflow cutout --help documents the options', () => {
  const program = new Command('alertflow');
  registerCutoutCommand(program);
  const help = program.commands.find((c) => c.name() === 'cutout')!.helpInformation();
  for (const flag of ['--image', '--positions', '--size', '--size-unit', '--out', '--gzip', '--png', '--stretch', '--hdu', '--skip-outside']) assert.ok(help.includes(flag), flag);
});
