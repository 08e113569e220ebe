/**
 * Writes a complete catalog directory (leaves, `_common_metadata`, maps,
 * properties, partition list) from the sorted `rows` table of a DuckDB
 * session. Used for a new export, an overwrite and a compaction; the target
 * directory is always a staging directory that is renamed into place later.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AlertflowError } from '../errors.js';
import { appendBatchLog, BATCH_LOG, buildProperties, dirSize, type CatalogIdentity } from './catalog.js';
import { histogram, ident, writeLeaves, writeSchemaFile, type DuckSession, type ParquetOptions } from './duck.js';
import { choosePartitions, MAX_MAPPING_ORDER, type Histogram, type PartitionStrategy } from './partitioning.js';
import { leafStem, pixelInterval, type HatsPixel } from './pixel.js';
import { encodeHealpixMap } from './point-map.js';
import { formatPartitionInfo, formatProperties, type HatsProperties } from './properties.js';
import { stallHook } from './staging.js';

/**
 * Progress of a long HATS operation.
 *
 * @example
 * onProgress: (p) => console.error(p.phase, p.done, p.total)
 */
export interface HatsProgress {
  phase: 'load' | 'partition' | 'write' | 'apply';
  done: number;
  total: number;
}

/** Default row threshold per partition (hats-import's `pixel_threshold`). */
export const DEFAULT_MAX_ROWS = 1_000_000;
/** Default mapping (histogram) order (hats-import's `highest_healpix_order`). */
export const DEFAULT_MAPPING_ORDER = 10;

/**
 * Partitioning knobs shared by export, append and compaction.
 *
 * @example
 * const k: PartitionKnobs = { maxRows: 500_000, mappingOrder: 10, strategy: 'drop-empty-siblings' };
 */
export interface PartitionKnobs {
  maxRows?: number;
  mappingOrder?: number;
  strategy?: PartitionStrategy;
  parquet?: ParquetOptions;
  onProgress?: (p: HatsProgress) => void;
}

/**
 * A batch id: safe as a file name (`[A-Za-z0-9._-]`, not starting with `.` or `_`).
 *
 * @example
 * checkBatchId('2025-10-06') // ok
 */
export function checkBatchId(id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id) || /Npix=/i.test(id)) {
    throw new AlertflowError('ERR_HATS', `batch id ${JSON.stringify(id)} must be 1-128 characters of [A-Za-z0-9._-], starting with a letter or digit`);
  }
  return id;
}

/**
 * Histogram at the smallest mapping order ≥ `start` at which no single cell
 * exceeds `maxRows` (hats-import raises instead; a deeper histogram is one
 * more column scan). `table` must be sorted by `_healpix_29`.
 *
 * @example
 * const h = await fittedHistogram(session, 'rows', 10, 1_000_000); h.order // 10
 */
export async function fittedHistogram(session: DuckSession, table: string, start: number, maxRows: number): Promise<Histogram> {
  let h = await histogram(session.connection, table, start, true);
  while (h.order < MAX_MAPPING_ORDER && h.counts.reduce((m, n) => Math.max(m, n), 0) > maxRows) h = await histogram(session.connection, table, h.order + 1, true);
  return h;
}

/**
 * Outcome of writing a catalog directory.
 *
 * @example
 * const { pixels, rows } = await writeCatalogDir(…);
 */
export interface CatalogDirResult {
  rows: number;
  pixels: HatsPixel[];
  counts: number[];
  mappingOrder: number;
}

/**
 * Writes a whole catalog into `dir` (which must not exist yet or be empty)
 * from table `table` (sorted, `_healpix_29` first).
 *
 * @example
 * await writeCatalogDir(session, 'rows', staged, { name: 'n', type: 'object', ra: 'ra', dec: 'dec' }, 'b1', '', 'night.parquet', {});
 */
export async function writeCatalogDir(
  session: DuckSession,
  table: string,
  dir: string,
  identity: CatalogIdentity | HatsProperties,
  batchId: string,
  previousLog: string,
  source: string,
  knobs: PartitionKnobs,
): Promise<CatalogDirResult> {
  const c = session.connection;
  const maxRows = knobs.maxRows ?? DEFAULT_MAX_ROWS;
  const rows = Number((await c.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM ${ident(table)}`)).getRowObjectsJS()[0]!.n);
  knobs.onProgress?.({ phase: 'partition', done: 0, total: 1 });
  const hist = await fittedHistogram(session, table, knobs.mappingOrder ?? DEFAULT_MAPPING_ORDER, maxRows);
  const mappingOrder = hist.order;
  const plan = choosePartitions(hist, { maxRows, ...(knobs.strategy ? { strategy: knobs.strategy } : {}) });
  knobs.onProgress?.({ phase: 'partition', done: 1, total: 1 });

  const dataset = join(dir, 'dataset');
  mkdirSync(dataset, { recursive: true });
  const jobs = plan.pixels.map((p) => {
    const [lo, hi] = pixelInterval(p);
    const path = join(dataset, leafStem(p), `${batchId}.parquet`);
    mkdirSync(dirname(path), { recursive: true });
    return { lo, hi, path };
  });
  await writeLeaves(session, table, jobs, knobs.parquet ?? {}, (done) => {
    knobs.onProgress?.({ phase: 'write', done, total: jobs.length });
    stallHook('leaf', done);
  });
  await writeSchemaFile(c, table, join(dataset, '_common_metadata'));

  const map = encodeHealpixMap(hist);
  writeFileSync(join(dir, 'point_map.fits'), map);
  writeFileSync(join(dir, 'skymap.fits'), map);
  writeFileSync(join(dir, 'partition_info.csv'), formatPartitionInfo(plan.pixels));
  writeFileSync(join(dir, BATCH_LOG), appendBatchLog(previousLog, batchId, rows, source));
  const props = formatProperties(buildProperties(identity, { nrows: rows, pixels: plan.pixels, maxRows, skymapOrder: mappingOrder, datasetBytes: dirSize(dataset) }));
  writeFileSync(join(dir, 'hats.properties'), props);
  writeFileSync(join(dir, 'properties'), props);
  return { rows, pixels: plan.pixels, counts: plan.counts, mappingOrder };
}
