import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { parseCsvGrid as parseCsv, csvLine } from '../../src/io/csv.js';

const formatCsv = (header: string[], rows: string[][]): string => [header, ...rows].map((r) => csvLine(r)).join('');
import { associateCsv, registerAssociateCommand } from '../../src/cli/commands/associate.js';
import { isAlertflowError } from '../../src/errors.js';
import { offset } from './scene.js';

test('csv: RFC 4180 quoting, CRLF, embedded line breaks, BOM; errors are typed', () => {
  const t = parseCsv('\ufeffa,b\r\n"x, ""y""","line\nbreak"\r\n1,\r\n');
  assert.deepEqual(t, { header: ['a', 'b'], rows: [['x, "y"', 'line\nbreak'], ['1', '']] });
  assert.equal(csvLine(['a', 'b,c', 'q"'], '\n'), 'a,"b,c","q"""\n');
  assert.deepEqual(parseCsv(formatCsv(['h'], [['"'], ['a\r\nb']])).rows, [['"'], ['a\r\nb']]);
  assert.throws(() => parseCsv('a,b\n1\n'), (e) => isAlertflowError(e, 'ERR_IO'));
  assert.throws(() => parseCsv('a\n"open\n'), (e) => isAlertflowError(e, 'ERR_IO'));
});

test('associate CLI: exact 64-bit ids, fresh ids above OBJ, SSO, empty cells, visits in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-assoc-'));
  const big = '9223372036854775000';
  const [ra2, dec2] = offset(10, 20, 0.4, 0);
  writeFileSync(join(dir, 'obj.csv'), `diaObjectId,ra,dec\n${big},10,20\n17,359.99999,0\n`);
  writeFileSync(
    join(dir, 'src.csv'),
    ['diaSourceId,ra,dec,visit,midpointMjdTai,band,psfFlux,psfFluxErr', `9223372036854775807,${ra2},${dec2},1,61000,r,100,10`, '2,0.00001,0,1,61000,g,,', '3,50,50,1,61000,r,5,1', '4,120,-30,1,61000,r,5,1', '5,50,50.0001,2,61000.1,r,7,1'].join('\n'),
  );
  writeFileSync(join(dir, 'eph.csv'), 'ssObjectId,ra,dec,radius\n-5,120,-30.0005,3\n');
  const out = join(dir, 'out.csv');
  const program = new Command().exitOverride();
  registerAssociateCommand(program);
  await program.parseAsync(['node', 'alertflow', 'associate', '--objects', join(dir, 'obj.csv'), '--sources', join(dir, 'src.csv'), '--ephemerides', join(dir, 'eph.csv'), '--radius', '1', '--out', out]);
  const rows = parseCsv(readFileSync(out, 'utf8'));
  assert.deepEqual(rows.header, ['diaSourceId', 'diaObjectId', 'ssObjectId', 'separationArcsec', 'isNew']);
  const r = rows.rows.map(([s, o, ss, sep, n]) => [s, o, ss, sep === '' ? '' : Number(sep).toFixed(6), n]);
  const fresh = (BigInt(big) + 1n).toString();
  assert.deepEqual(r, [
    ['9223372036854775807', big, '', '0.400000', 'false'],
    ['2', '17', '', '0.072000', 'false'],
    ['3', fresh, '', '', 'true'],
    ['4', '', '-5', '1.800000', 'false'],
    // Visit 2 finds the object visit 1 created.
    ['5', fresh, '', '0.360000', 'false'],
  ]);
});

test('associate CLI: missing columns and bad ids are typed errors; --help documents the files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-assoc-'));
  writeFileSync(join(dir, 'obj.csv'), 'id,ra,dec\n1,2,3\n');
  writeFileSync(join(dir, 'src.csv'), 'diaSourceId,ra,dec\n1.5,2,3\n');
  writeFileSync(join(dir, 'ok.csv'), 'diaObjectId,ra,dec\n1,2,3\n');
  await assert.rejects(associateCsv({ objects: join(dir, 'obj.csv'), sources: join(dir, 'src.csv'), out: join(dir, 'o.csv') }), (e) => isAlertflowError(e, 'ERR_CLI_USAGE'));
  await assert.rejects(associateCsv({ objects: join(dir, 'ok.csv'), sources: join(dir, 'src.csv'), out: join(dir, 'o.csv') }), (e) => isAlertflowError(e, 'ERR_IO'));
  const program = new Command();
  registerAssociateCommand(program);
  const help = program.commands.find((c) => c.name() === 'associate')!.helpInformation();
  for (const word of ['--objects', '--sources', '--ephemerides', '--radius', '--out', 'diaSourceId,diaObjectId,ssObjectId,separationArcsec,isNew']) assert.ok(help.includes(word), word);
});
