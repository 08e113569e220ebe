/**
 * Reading the state of an existing HATS catalog: properties, partitions,
 * leaf files, the batch log; and building the properties we write.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AlertflowError } from '../errors.js';
import { leafStem, skyFraction, type HatsPixel } from './pixel.js';
import { hatsDate, intProperty, parsePartitionInfo, parseProperties, type HatsProperties } from './properties.js';
import { VERSION } from '../index.js';

/** Our record of ingested batches, kept at the catalog root (not a HATS file; hats ignores it). */
export const BATCH_LOG = 'alertflow_batches.csv';

/**
 * What {@link readCatalog} finds.
 *
 * @example
 * const c = readCatalog('/data/night'); c.pixels.length
 */
export interface CatalogState {
  root: string;
  properties: HatsProperties;
  pixels: HatsPixel[];
  /** `/` (directory leaves) or a file suffix such as `.parquet`. */
  suffix: string;
  /** Batch ids already ingested (from {@link BATCH_LOG}). */
  batches: Set<string>;
  batchLog: string;
}

/**
 * Reads properties, partition list and batch log of a catalog.
 *
 * @example
 * const { properties, pixels } = readCatalog('/data/night');
 */
export function readCatalog(root: string): CatalogState {
  const propsPath = [join(root, 'hats.properties'), join(root, 'properties')].find((p) => existsSync(p));
  if (!propsPath) throw new AlertflowError('ERR_HATS', `${root} is not a HATS catalog (no hats.properties)`, { root });
  const properties = parseProperties(readFileSync(propsPath, 'utf8'));
  const pi = join(root, 'partition_info.csv');
  if (!existsSync(pi)) throw new AlertflowError('ERR_HATS', `${root} has no partition_info.csv`, { root });
  const pixels = parsePartitionInfo(readFileSync(pi, 'utf8'));
  const logPath = join(root, BATCH_LOG);
  const batchLog = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
  const batches = new Set(
    batchLog
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0]!)
      .filter(Boolean),
  );
  return { root, properties, pixels, suffix: properties.get('hats_npix_suffix') ?? '.parquet', batches, batchLog };
}

/**
 * The Parquet files of one partition (a file leaf, or every data file of a directory leaf).
 *
 * @example
 * leafFiles('/data/night', { order: 1, pixel: 44 }, '/') // ['/data/night/dataset/Norder=1/Dir=0/Npix=44/b1.parquet', …]
 */
export function leafFiles(root: string, p: HatsPixel, suffix: string): string[] {
  const stem = join(root, 'dataset', leafStem(p));
  if (suffix !== '/') {
    const f = stem + suffix;
    if (!existsSync(f)) throw new AlertflowError('ERR_HATS', `partition file ${f} is missing`, { pixel: p });
    return [f];
  }
  if (!existsSync(stem)) throw new AlertflowError('ERR_HATS', `partition directory ${stem} is missing`, { pixel: p });
  return readdirSync(stem)
    .filter((n) => !n.startsWith('.') && !n.startsWith('_'))
    .sort()
    .map((n) => join(stem, n));
}

/**
 * Sum of file sizes under a directory, in bytes.
 *
 * @example
 * dirSize('/data/night/dataset')
 */
export function dirSize(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? dirSize(p) : statSync(p).size;
  }
  return total;
}

/**
 * Figures that go into `hats.properties`.
 *
 * @example
 * const f: PropertyFigures = { nrows: 10, pixels, maxRows: 1000, skymapOrder: 10, datasetBytes: 4096 };
 */
export interface PropertyFigures {
  nrows: number;
  pixels: readonly HatsPixel[];
  maxRows: number;
  skymapOrder: number;
  datasetBytes: number;
}

/**
 * Identity of a new catalog.
 *
 * @example
 * const id: CatalogIdentity = { name: 'rapid_night', type: 'object', ra: 'ra', dec: 'dec' };
 */
export interface CatalogIdentity {
  name: string;
  type: 'object' | 'source';
  ra: string;
  dec: string;
}

/**
 * Properties of a catalog we write, in hats-import's key order. `previous`
 * (on append/compaction) keeps its identity and provenance keys; computed keys
 * are refreshed.
 *
 * @example
 * buildProperties({ name: 'n', type: 'object', ra: 'ra', dec: 'dec' }, figures)
 */
export function buildProperties(id: CatalogIdentity | HatsProperties, f: PropertyFigures): HatsProperties {
  const prev: HatsProperties = id instanceof Map ? id : new Map();
  const ident = id instanceof Map ? undefined : id;
  const p: HatsProperties = new Map();
  const order = f.pixels.reduce((m, x) => Math.max(m, x.order), 0);
  p.set('obs_collection', ident?.name ?? prev.get('obs_collection') ?? 'catalog');
  p.set('dataproduct_type', ident?.type ?? prev.get('dataproduct_type') ?? 'object');
  p.set('hats_nrows', String(f.nrows));
  p.set('hats_col_ra', ident?.ra ?? prev.get('hats_col_ra')!);
  p.set('hats_col_dec', ident?.dec ?? prev.get('hats_col_dec')!);
  p.set('hats_col_healpix', '_healpix_29');
  p.set('hats_col_healpix_order', '29');
  p.set('hats_npix_suffix', '/');
  p.set('hats_skymap_order', String(f.skymapOrder));
  p.set('hats_builder', `alertflow v${VERSION}`);
  p.set('hats_creation_date', hatsDate());
  p.set('hats_estsize', String(Math.floor(f.datasetBytes / 1024)));
  p.set('hats_release_date', '2025-08-22');
  p.set('hats_version', 'v1.0');
  p.set('hats_max_rows', String(f.maxRows));
  p.set('hats_order', String(order));
  p.set('moc_sky_fraction', skyFraction(f.pixels).toFixed(5));
  // Keys we do not compute (provenance, hats_cols_default, …) carry over.
  for (const [k, v] of prev) if (!p.has(k) && k !== 'hats_skymap_alt_orders' && k !== 'hats_max_bytes') p.set(k, v);
  return p;
}

/**
 * Threshold recorded in a catalog (hats_max_rows), else `fallback`.
 *
 * @example
 * catalogMaxRows(props, 1_000_000)
 */
export function catalogMaxRows(props: HatsProperties, fallback: number): number {
  return intProperty(props, 'hats_max_rows', fallback);
}

/**
 * A batch-log line appended to the previous log text.
 *
 * @example
 * appendBatchLog('', 'b1', 100, 'night.parquet')
 */
export function appendBatchLog(previous: string, batchId: string, rows: number, source: string): string {
  const head = previous.trim() === '' ? 'batch_id,rows,created,source\n' : previous.endsWith('\n') ? previous : previous + '\n';
  return `${head}${batchId},${rows},${new Date().toISOString()},${source.replace(/[,\n\r]/g, '_')}\n`;
}

