/**
 * DuckDB candidate-store bench: ingest rows/s through our appender path
 * (JS records → data chunks) and through the store's transactional write
 * (staging + anti-join), against DuckDB's own native ingest of the same rows
 * (`INSERT INTO … SELECT * FROM read_parquet(…)`) in the same run; and history
 * retrieval latency for 1 and 100 objects, with and without the diaObjectId index.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateNight } from '../../src/simulator/index.js';
import { appendRecords } from '../../src/stores/duckdb/append.js';
import { openCandidateStore } from '../../src/stores/duckdb/candidate-store.js';
import { queryRows, runSql } from '../../src/stores/duckdb/connection.js';
import { historyFor } from '../../src/stores/duckdb/history.js';
import { createTableSql, recordColumns } from '../../src/stores/duckdb/schema.js';

/** Seeded diaSource rows: a simulated night's sources and histories, cloned with fresh ids up to `rows`. */
function seededRows(rows: number, seed: number): Record<string, unknown>[] {
  // Unique by id: alerts of one object repeat the same prvDiaSources.
  const byId = new Map<bigint, Record<string, unknown>>();
  for (const { alert } of simulateNight({ alerts: 200, seed, cutoutSize: 4 })) for (const s of [alert.diaSource, ...(alert.prvDiaSources ?? [])]) byId.set(s.diaSourceId, s as unknown as Record<string, unknown>);
  const base = [...byId.values()];
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < rows; i++) {
    const b = base[i % base.length]!;
    const copy = Math.floor(i / base.length);
    // Each copy is a different object set observed later, so ids stay unique and time keeps increasing.
    out.push({ ...b, diaSourceId: (b.diaSourceId as bigint) + BigInt(copy) * 7919n * 1_000_000n, diaObjectId: b.diaObjectId === null ? null : (b.diaObjectId as bigint) + BigInt(copy), midpointMjdTai: (b.midpointMjdTai as number) + copy });
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const out = await fn();
  return [out, (performance.now() - t) / 1000];
}

/**
 * Runs the bench. Wall-clock figures are only comparable within one run (the
 * peer runs on the same machine at the same time); report the ratios.
 * and returns its figures (rows/s, seconds, ratios, latencies in ms).
 *
 * @example
 * const report = await benchDuckdb({ rows: 50000, seed: 1 });
 */
export async function benchDuckdb(opts: { rows?: number; seed?: number } = {}): Promise<Record<string, unknown>> {
  const rows = opts.rows ?? 50_000;
  const seed = opts.seed ?? 1;
  const dir = mkdtempSync(join(tmpdir(), 'af-bench-duckdb-'));
  const records = seededRows(rows, seed);
  const cols = recordColumns('diaSource');
  const result: Record<string, unknown> = { rows, seed, columns: cols.length };
  try {
    const store = await openCandidateStore(join(dir, 'bench.duckdb'), { indexes: true });
    const conn = store.db.connection;
    // 1. Raw appender into a plain table.
    await runSql(conn, createTableSql('diaSource', 'raw_append'));
    const [, tAppend] = await time(() => appendRecords(conn, 'raw_append', cols, records));
    // 2. The store's transactional write (stage → anti-join insert), in batches of 10k (about a visit).
    const [, tStore] = await time(async () => {
      for (let i = 0; i < records.length; i += 10_000) await store.write({ diaSources: records.slice(i, i + 10_000) });
    });
    // 3. Peer: DuckDB's native Parquet ingest of the same rows.
    const pq = join(dir, 'rows.parquet');
    await runSql(conn, `COPY raw_append TO '${pq}' (FORMAT parquet, COMPRESSION zstd)`);
    await runSql(conn, createTableSql('diaSource', 'peer_parquet'));
    const [, tPeer] = await time(() => runSql(conn, `INSERT INTO peer_parquet SELECT * FROM read_parquet('${pq}')`));
    const check = await queryRows(conn, `SELECT (SELECT count(*) FROM raw_append) AS a, (SELECT count(*) FROM "diaSource") AS s, (SELECT count(*) FROM peer_parquet) AS p`);
    result.ingest = {
      appenderRowsPerSec: Math.round(rows / tAppend),
      storeWriteRowsPerSec: Math.round(rows / tStore),
      peerReadParquetRowsPerSec: Math.round(rows / tPeer),
      appenderValuesPerSec: Math.round((rows * cols.length) / tAppend),
      ratioAppenderToPeer: +(tPeer / tAppend).toFixed(4),
      ratioStoreWriteToPeer: +(tPeer / tStore).toFixed(4),
      counts: { appender: Number(check[0]!.a), store: Number(check[0]!.s), peer: Number(check[0]!.p) },
    };
    // 4. History latency, with the ART index (store table) and without (peer table, same rows).
    const ids = (await queryRows(conn, `SELECT DISTINCT "diaObjectId" FROM "diaSource" WHERE "diaObjectId" IS NOT NULL USING SAMPLE 100 ROWS`)).map((r) => r.diaObjectId as bigint);
    const names = store.names;
    const peerNames = { ...names, diaSource: 'peer_parquet' };
    const latency = async (n: typeof names, batch: bigint[]) => {
      const ms: number[] = [];
      for (let r = 0; r < 7; r++) ms.push((await time(() => historyFor(conn, n, batch, { withoutForced: true })))[1] * 1000);
      return +median(ms).toFixed(3);
    };
    result.historyMs = {
      oneObjectIndexed: await latency(names, ids.slice(0, 1)),
      oneObjectNoIndex: await latency(peerNames, ids.slice(0, 1)),
      hundredObjectsIndexed: await latency(names, ids),
      hundredObjectsNoIndex: await latency(peerNames, ids),
    };
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

// Standalone: `node dist/bench/storage/duckdb.js [rows] [seed]` prints the JSON report.
if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await benchDuckdb({ rows: Number(process.argv[2] ?? 50_000), seed: Number(process.argv[3] ?? 1) });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}
