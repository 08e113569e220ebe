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
import { histogram, ident, maxCellCount, writeLeaf, writeSchemaFile, type DuckSession, type ParquetOptions } from './duck.js';
import { choosePartitions, MAX_MAPPING_ORDER, type PartitionStrategy } from './partitioning.js';
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
 * Smallest mapping order ≥ `start` at which no single cell exceeds `maxRows`
 * (hats-import raises instead; a deeper histogram is cheap in DuckDB).
 *
 * @example
 * await fitMappingOrder(session, 'rows', 10, 1_000_000) // 10
 */
export async function fitMappingOrder(session: DuckSession, table: string, start: number, maxRows: number): Promise<number> {
  let m = start;
  while (m < MAX_MAPPING_ORDER && (await maxCellCount(session.connection, table, m)) > maxRows) m++;
  return m;
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
  const mappingOrder = await fitMappingOrder(session, table, knobs.mappingOrder ?? DEFAULT_MAPPING_ORDER, maxRows);
  const hist = await histogram(c, table, mappingOrder);
  const plan = choosePartitions(hist, { maxRows, ...(knobs.strategy ? { strategy: knobs.strategy } : {}) });
  knobs.onProgress?.({ phase: 'partition', done: 1, total: 1 });

  const dataset = join(dir, 'dataset');
  mkdirSync(dataset, { recursive: true });
  for (let i = 0; i < plan.pixels.length; i++) {
    const p = plan.pixels[i]!;
    const [lo, hi] = pixelInterval(p);
    const file = join(dataset, leafStem(p), `${batchId}.parquet`);
    mkdirSync(dirname(file), { recursive: true });
    await writeLeaf(c, table, lo, hi, file, knobs.parquet ?? {});
    knobs.onProgress?.({ phase: 'write', done: i + 1, total: plan.pixels.length });
    stallHook('leaf', i + 1);
  }
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
