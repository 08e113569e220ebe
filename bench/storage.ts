/**
 * `storage` bench: DuckDB candidate ingest (appender vs DuckDB's own Parquet
 * load) and HATS export vs the Python peer on the same input, plus appending
 * one night vs a full re-import.
 */
import type { BenchOptions, BenchReport } from './lib/types.js';
import { composeBenches } from './lib/compose.js';
import { benchDuckdb } from './storage/duckdb.js';
import { benchHats } from './storage/hats.js';

export async function run(options: BenchOptions): Promise<BenchReport> {
  const rows = Number(process.env.ALERTFLOW_BENCH_HATS_ROWS ?? 10_000_000);
  const report = await composeBenches({
    duckdb: () => benchDuckdb({ rows: 50_000, seed: options.seed }),
    hats: () => benchHats({ rows, seed: options.seed }),
  });
  report.inputs = { seed: options.seed, duckdb: { rows: 50_000 }, hats: { rows } };
  return report;
}
