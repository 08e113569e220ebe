/**
 * HATS bench: native export (ours) vs the Python peer on the same seeded
 * Parquet input, and a nightly append vs a full re-import.
 *
 * The peer is hats-import when the oracle venv has it, else lsdb's
 * `from_dataframe(...).to_hats(...)` (test/oracles/bench_hats_lsdb.py), which
 * runs hats' own partitioning. Both build the same kind of catalog: same
 * threshold, same mapping order, no margin. Figures are rows per second of
 * wall time including reading the input; ratios > 1 mean ours is faster.
 *
 * @example
 * const report = await benchHats({ rows: 1_000_000 });
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendHats, exportHats } from '../../src/hats/index.js';
import { cacheDir } from '../lib/paths.js';
import { pythonMissing, runPeer } from '../lib/python.js';
import { runPython } from '../../src/testing/python.js';

interface PeerResult {
  seconds: number;
  read_seconds: number;
  rows: number;
  partitions: number;
}

/** Seeded all-sky rows (uniform on the sphere), cached by size and seed. */
async function seededInput(rows: number, seed: number, idStart: number, tag: string): Promise<string> {
  const path = join(cacheDir(), `hats-${tag}-s${seed}-n${rows}.parquet`);
  if (existsSync(path)) return path;
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  const u = (k: number) => `((hash(i, ${seed * 10 + k}) % 1000000007)::DOUBLE / 1000000007.0)`;
  await c.run(`COPY (SELECT i::BIGINT AS id, (360 * ${u(1)})::DOUBLE AS ra, degrees(asin(2 * ${u(2)} - 1))::DOUBLE AS dec,
      (18 + 6 * ${u(3)})::DOUBLE AS mag, (['g','r','i','z'])[1 + (i % 4)::INTEGER] AS band, (60000 + i / 1e6)::DOUBLE AS mjd
    FROM range(${idStart}, ${idStart + rows}) r(i)) TO '${path}.partial' (FORMAT parquet, COMPRESSION zstd)`);
  c.closeSync();
  inst.closeSync();
  renameSync(`${path}.partial`, path);
  return path;
}

async function hatsImportAvailable(): Promise<boolean> {
  if (pythonMissing()) return false;
  const r = await runPython('-c', ['import hats_import']).catch(() => ({ code: 1 }));
  return r.code === 0;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - t) / 1000, value };
}

const rate = (rows: number, seconds: number) => Math.round(rows / seconds);

/**
 * Runs the bench and returns its JSON report.
 *
 * @example
 * console.log(JSON.stringify(await benchHats({ rows: 2_000_000, seed: 1 }), null, 2));
 */
export async function benchHats(opts: { rows?: number; seed?: number } = {}): Promise<Record<string, unknown>> {
  const rows = opts.rows ?? 10_000_000;
  const seed = opts.seed ?? 1;
  const nightRows = Math.max(1, Math.round(rows / 10));
  const maxRows = Math.max(1000, Math.round(rows / 40));
  const mappingOrder = 10;
  const base = await seededInput(rows, seed, 0, 'base');
  const night = await seededInput(nightRows, seed + 1, rows, 'night');
  const work = mkdtempSync(join(tmpdir(), 'alertflow-bench-hats-'));
  const notes: string[] = [
    `threshold ${maxRows} rows per partition, mapping order ${mappingOrder}, top-down partitioning (ours); the peer uses hats' default (drop_empty_siblings).`,
    'Times include reading the input Parquet; ours also hashes it (batch id) and checks ra/dec.',
  ];
  const results: Record<string, unknown> = {};
  const ratios: Record<string, number | null> = {};
  try {
    const ours = await timed(() => exportHats({ input: { kind: 'file', path: base }, ra: 'ra', dec: 'dec', out: join(work, 'ours'), maxRows, mappingOrder }));
    results.ours_export = { seconds: ours.seconds, rows_per_s: rate(rows, ours.seconds), partitions: ours.value.partitions.length };

    // Append one night to a copy, vs re-exporting everything.
    cpSync(join(work, 'ours'), join(work, 'ours-append'), { recursive: true });
    const app = await timed(() => appendHats({ input: { kind: 'file', path: night }, ra: 'ra', dec: 'dec', out: join(work, 'ours-append') }));
    results.ours_append = { seconds: app.seconds, rows: nightRows, rows_per_s: rate(nightRows, app.seconds), files_added: app.value.partitions.length };
    const union = join(work, 'union.parquet');
    const inst = await DuckDBInstance.create(':memory:');
    const c = await inst.connect();
    await c.run(`COPY (SELECT * FROM read_parquet(['${base}', '${night}'])) TO '${union}' (FORMAT parquet, COMPRESSION zstd)`);
    c.closeSync();
    inst.closeSync();
    const full = await timed(() => exportHats({ input: { kind: 'file', path: union }, ra: 'ra', dec: 'dec', out: join(work, 'ours-full'), maxRows, mappingOrder }));
    results.ours_full_reexport = { seconds: full.seconds, rows: rows + nightRows, rows_per_s: rate(rows + nightRows, full.seconds) };
    ratios.append_vs_our_full_reexport = full.seconds / app.seconds;

    const missing = pythonMissing();
    if (missing) {
      results.peer = { skipped: missing };
    } else {
      // hats-import is the reference bulk importer; lsdb's writer stands in when it is missing.
      const useImport = await hatsImportAvailable();
      const peerName = useImport ? 'hats-import (2 dask workers)' : 'lsdb.from_dataframe(...).to_hats (hats-import not in the venv)';
      const script = useImport ? 'bench_hats_import.py' : 'bench_hats_lsdb.py';
      const peer = await runPeer<PeerResult>(script, [join(work, 'peer'), 'ra', 'dec', String(maxRows), String(mappingOrder), base]);
      results.peer_export = { peer: peerName, seconds: peer.seconds, rows_per_s: rate(rows, peer.seconds), partitions: peer.partitions, read_seconds: peer.read_seconds };
      ratios.export_ours_vs_peer = peer.seconds / ours.seconds;
      const peerFull = await runPeer<PeerResult>(script, [join(work, 'peer-full'), 'ra', 'dec', String(maxRows), String(mappingOrder), base, night]);
      results.peer_full_reimport = { peer: peerName, seconds: peerFull.seconds, rows: rows + nightRows, rows_per_s: rate(rows + nightRows, peerFull.seconds) };
      ratios.append_vs_peer_full_reimport = peerFull.seconds / app.seconds;
      notes.push(`${useImport ? 'hats-import' : 'lsdb'} has no append; a night for the peer means a full re-import.`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { bench: 'hats', inputs: { rows, night_rows: nightRows, seed, max_rows: maxRows, mapping_order: mappingOrder }, results, ratios, notes };
}
