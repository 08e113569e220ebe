/**
 * Compaction: rebuild a catalog with balanced partitions (merging the small
 * per-night files, splitting partitions that grew past the threshold) into a
 * fresh directory, then swap it in atomically. The stored `_healpix_29`
 * values are kept (never recomputed), so every row stays where it was indexed.
 */
import { join } from 'node:path';
import { AlertflowError } from '../errors.js';
import { catalogMaxRows, leafFiles, readCatalog } from './catalog.js';
import { HEALPIX_COLUMN, ident, lit, parquetColumns } from './duck.js';
import { closeQuietly, removeQuietly, sessionIn, swapInWholeCatalog, withCatalogLock, type HatsWriteResult } from './export.js';
import type { Healpix29Batch } from './spatial-index.js';
import { makeStagingDir } from './staging.js';
import { checkBatchId, DEFAULT_MAX_ROWS, writeCatalogDir, type PartitionKnobs } from './write-catalog.js';
import { intProperty } from './properties.js';

/**
 * Options of {@link compactHats}.
 *
 * @example
 * const o: CompactHatsOptions = { root: 'rapid_night', maxRows: 500_000 };
 */
export interface CompactHatsOptions extends PartitionKnobs {
  root: string;
  threads?: number;
  /** Unused by compaction itself (no positions are recomputed); accepted for symmetry. */
  healpix29?: Healpix29Batch;
}

/**
 * Rewrites the catalog at `root` with partitions balanced under `maxRows`
 * (default: the catalog's `hats_max_rows`), one file per partition, and swaps
 * it in. Works on file-leaf catalogs too (e.g. from hats-import) and converts
 * them to directory leaves, ready for appends.
 *
 * @example
 * await compactHats({ root: 'rapid_night' });
 */
export async function compactHats(o: CompactHatsOptions): Promise<HatsWriteResult> {
  const started = performance.now();
  return withCatalogLock(o.root, async (recovered) => {
    const state = readCatalog(o.root);
    const staging = makeStagingDir(o.root);
    // The session never calls the HEALPix function here; a stub keeps src/sky out of the way.
    const session = await sessionIn(staging, { healpix29: o.healpix29 ?? failOnUse, ...(o.threads ? { threads: o.threads } : {}) });
    try {
      const files = state.pixels.flatMap((p) => leafFiles(o.root, p, state.suffix));
      const common = join(o.root, 'dataset', '_common_metadata');
      const schema = await parquetColumns(session.connection, common);
      if (!schema.some((c) => c.name === HEALPIX_COLUMN)) {
        throw new AlertflowError('ERR_HATS', `${o.root} has no ${HEALPIX_COLUMN} column; compaction keeps stored indices and cannot run without them`);
      }
      const cols = [HEALPIX_COLUMN, ...schema.map((c) => c.name).filter((n) => n !== HEALPIX_COLUMN)].map(ident).join(', ');
      o.onProgress?.({ phase: 'load', done: 0, total: 1 });
      const from = files.length ? `read_parquet([${files.map(lit).join(', ')}], hive_partitioning = false)` : `read_parquet(${lit(common)}, hive_partitioning = false)`;
      await session.connection.run(`CREATE TABLE rows AS SELECT ${cols} FROM ${from} ORDER BY 1`);
      o.onProgress?.({ phase: 'load', done: 1, total: 1 });
      const maxRows = o.maxRows ?? catalogMaxRows(state.properties, DEFAULT_MAX_ROWS);
      const batchId = checkBatchId(`compacted-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`);
      const staged = join(staging, 'catalog');
      const mappingOrder = o.mappingOrder ?? intProperty(state.properties, 'hats_skymap_order', 10);
      const r = await writeCatalogDir(session, 'rows', staged, state.properties, batchId, state.batchLog, 'compaction', { ...o, maxRows, mappingOrder });
      return swapInWholeCatalog(session, o.root, staged, r, batchId, recovered, started);
    } finally {
      closeQuietly(session);
      removeQuietly(staging);
    }
  });
}

function failOnUse(): BigInt64Array {
  throw new AlertflowError('ERR_HATS', 'compaction must not recompute _healpix_29');
}
