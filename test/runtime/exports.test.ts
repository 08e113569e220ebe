/**
 * Subpath exports load on their own, and the light ones do not drag in the
 * heavy native dependencies (a broker embedding a filter must not load Kafka).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const pkg = JSON.parse(readFileSync(resolve(repo, 'package.json'), 'utf8')) as { exports: Record<string, string> };

function probe(subpath: string): { keys: string[]; rdkafka: boolean; duckdb: boolean } {
  const script = `
    const m = await import(${JSON.stringify(subpath)});
    const libs = process.report.getReport().sharedObjects.join('\\n');
    console.log(JSON.stringify({ keys: Object.keys(m), rdkafka: libs.includes('node-librdkafka'), duckdb: libs.includes('duckdb') }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8' }));
}

test('every subpath export loads and exports something', () => {
  const keys = Object.keys(pkg.exports).filter((k) => k !== './package.json').map((k) => k.replace('*', 'filterExtendedness'));
  for (const key of keys) {
    const name = key === '.' ? 'alertflow' : `alertflow/${key.slice(2)}`;
    const { keys } = probe(name);
    assert.ok(keys.length > 0, `${name} exports nothing`);
  }
});

test('only what a user imports loads: no node-rdkafka outside Kafka use, no DuckDB for a filter', () => {
  for (const name of ['alertflow', 'alertflow/runtime', 'alertflow/formats', 'alertflow/simulator', 'alertflow/fits', 'alertflow/kafka', 'alertflow/operators', 'alertflow/sky', 'alertflow/filters', 'alertflow/sinks']) {
    assert.equal(probe(name).rdkafka, false, `${name} loaded node-rdkafka at import time`);
  }
  const filter = probe('alertflow/operators/filterExtendedness');
  assert.equal(filter.duckdb || filter.rdkafka, false, 'the extendedness filter alone loads neither DuckDB nor Kafka');
});
