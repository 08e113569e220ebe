import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { simulateToFile } from '../../src/cli/commands/simulate.js';
import { registerArchiveCommand } from '../../src/cli/commands/archive.js';
import { graph } from '../../src/runtime/builder.js';
import { runGraph } from '../../src/runtime/executor.js';
import { openDuckdb } from '../../src/stores/duckdb/connection.js';
import { queryRows } from '../../src/stores/duckdb/connection.js';
import { memorySink } from '../../src/testing/memory.js';
import { isAlertflowError } from '../../src/errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'alertflow-archive-cli-'));
const input = join(tmp, 'night.avro');
const dbPath = join(tmp, 'l1.duckdb');

async function cli(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerArchiveCommand(program);
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => (lines.push(String(s)), true)) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'alertflow', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return lines.join('');
}

before(async () => {
  await simulateToFile({ alerts: 200, visits: 150, seed: 3, out: input, quiet: true });
  // A candidate store from the same alerts, for the Parquet products.
  const spec = graph('load').source('in', 'avro-file', { path: [input] }).step('decode', 'decode').sink('db', 'duckdb', { path: dbPath }).build();
  await runGraph(spec, { threads: 0, deadLetterSink: memorySink() }).done;
});

after(() => rmSync(tmp, { recursive: true, force: true }));

test('alertflow archive --db: tarball and Parquet products in each delivery folder', async () => {
  const out = join(tmp, 'deliveries');
  const text = await cli(['archive', '--input', input, '--out', out, '--period', '2h', '--db', dbPath, '--no-progress', '--dead-letters', join(tmp, 'dl.jsonl')]);
  assert.match(text, /archive: 200 alerts in, 0 duplicates, \d+ tarballs written, 0 unchanged/);
  const folders = readdirSync(out).filter((d) => d !== '.staging').sort();
  assert.ok(folders.length >= 1);
  const db = await openDuckdb(':memory:');
  let sources = 0;
  for (const f of folders) {
    for (const name of [`alerts_${f}.tar`, 'diaSource.parquet', 'diaObject.parquet', 'matches.parquet', 'lightcurves.parquet']) assert.ok(existsSync(join(out, f, name)), `${f}/${name}`);
    const [row] = await queryRows(db.connection, `SELECT count(*) AS n FROM read_parquet('${join(out, f, 'diaSource.parquet')}')`);
    sources += Number(row!.n);
  }
  await db.close();
  const src = await openDuckdb(dbPath);
  const [all] = await queryRows(src.connection, 'SELECT count(*) AS n FROM "diaSource"');
  await src.close();
  // The store also holds the alerts' history from earlier nights; the periods hold this night's 200.
  assert.equal(sources, 200, 'every diaSource of the night lands in exactly one period');
  assert.ok(Number(all!.n) > 200);

  const verify = await cli(['verify-archive', '--deep', ...folders.map((f) => join(out, f, `alerts_${f}.tar`))]);
  assert.equal(verify.split('\n').filter((l) => l.endsWith(')')).length, folders.length);
  assert.match(verify, /: ok \(\d+ alerts, \d+ members\)/);
});

test('alertflow archive usage errors', async () => {
  await assert.rejects(cli(['archive', '--out', join(tmp, 'x'), '--period', 'night']), (e) => isAlertflowError(e, 'ERR_CLI_USAGE'));
  await assert.rejects(cli(['archive', '--input', input, '--brokers', 'b:1', '--topic', 't', '--out', join(tmp, 'x'), '--period', 'night']), (e) => isAlertflowError(e, 'ERR_CLI_USAGE'));
  await assert.rejects(cli(['archive', '--input', input, '--out', join(tmp, 'x'), '--period', 'weekly']), (e) => isAlertflowError(e, 'ERR_ARCHIVE'));
  const program = new Command();
  registerArchiveCommand(program);
  const help = program.commands.find((c) => c.name() === 'archive')!.helpInformation();
  assert.match(help, /--period <p>/);
  assert.match(help, /--until-caught-up/);
});
