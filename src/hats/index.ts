/**
 * HATS (HEALPix Adaptive Tiling Scheme) catalogs written natively: export,
 * nightly append into directory leaves, compaction; crash-safe staging.
 *
 * @example
 * import { exportHats, appendHats, compactHats } from 'alertflow/hats';
 * await exportHats({ input: { kind: 'file', path: 'night1.parquet' }, ra: 'ra', dec: 'dec', out: 'rapid' });
 * await appendHats({ input: { kind: 'file', path: 'night2.parquet' }, ra: 'ra', dec: 'dec', out: 'rapid' });
 * await compactHats({ root: 'rapid' });
 */
export { exportHats, withCatalogLock } from './export.js';
export type { ExportHatsOptions, HatsWriteResult } from './export.js';
export { appendHats } from './append.js';
export type { AppendHatsOptions } from './append.js';
export { compactHats } from './compact.js';
export type { CompactHatsOptions } from './compact.js';
export { DEFAULT_MAPPING_ORDER, DEFAULT_MAX_ROWS } from './write-catalog.js';
export type { HatsProgress, PartitionKnobs } from './write-catalog.js';
export type { HatsInput, ParquetOptions } from './duck.js';
export { choosePartitions, MAX_MAPPING_ORDER } from './partitioning.js';
export type { Histogram, PartitionOptions, PartitionPlan, PartitionStrategy } from './partitioning.js';
export { assertDisjoint, compareBreadthFirst, dirOf, leafStem, pixelInterval, pixelOf, skyFraction } from './pixel.js';
export type { HatsPixel } from './pixel.js';
export { formatPartitionInfo, formatProperties, parsePartitionInfo, parseProperties } from './properties.js';
export type { HatsProperties } from './properties.js';
export { addHistograms, decodeHealpixMap, degradeHistogram, encodeHealpixMap } from './point-map.js';
export { readCatalog, BATCH_LOG } from './catalog.js';
export type { CatalogState } from './catalog.js';
export { recoverCatalog } from './staging.js';
export { defaultHealpix29, registerHealpix29 } from './spatial-index.js';
export type { Healpix29Batch } from './spatial-index.js';
