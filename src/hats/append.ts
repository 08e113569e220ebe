/**
 * Incremental append of a batch (a night) to a catalog with directory leaves:
 * rows inside existing partitions become a NEW file in `Npix=n/`; rows in sky
 * regions without a partition get new partitions that overlap none of the
 * existing ones (incremental alignment, HATS spec §5.2). Existing files are
 * never rewritten; `_metadata` (stale) is deleted; partition_info, both
 * properties files, the maps and the batch log are replaced after the leaves.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlertflowError } from '../errors.js';
import { appendBatchLog, BATCH_LOG, buildProperties, catalogMaxRows, dirSize, leafFiles, readCatalog, type CatalogState } from './catalog.js';
import { histogram, lit, parquetColumns, writeLeaves, type DuckSession } from './duck.js';
import { closeQuietly, exportLocked, removeQuietly, sessionIn, sourceLabel, withCatalogLock, type ExportHatsOptions, type HatsWriteResult } from './export.js';
import { contentBatchId, loadRows } from './input.js';
import { choosePartitions, type Histogram } from './partitioning.js';
import { assertDisjoint, leafStem, pixelInterval, type HatsPixel } from './pixel.js';
import { addHistograms, decodeHealpixMap, degradeHistogram, encodeHealpixMap } from './point-map.js';
import { formatPartitionInfo, formatProperties, intProperty } from './properties.js';
import { applyAppend, commitAppend, makeStagingDir, stallHook, type AppendPlanFile } from './staging.js';
import { checkBatchId, DEFAULT_MAPPING_ORDER, DEFAULT_MAX_ROWS, fittedHistogram } from './write-catalog.js';

/**
 * Options of {@link appendHats}: those of an export; `out` is the catalog to extend.
 *
 * @example
 * const o: AppendHatsOptions = { input: { kind: 'file', path: 'night2.parquet' }, ra: 'ra', dec: 'dec', out: 'cat' };
 */
export type AppendHatsOptions = Omit<ExportHatsOptions, 'overwrite'>;

const META_FILES = ['point_map.fits', 'skymap.fits', BATCH_LOG, 'partition_info.csv', 'properties', 'hats.properties'];

/**
 * Appends a batch to the catalog at `out` (creating it if absent). A batch
 * whose id is already in the catalog's batch log is skipped, so re-running an
 * append after a crash never duplicates rows.
 *
 * @example
 * await appendHats({ input: { kind: 'file', path: 'night2.parquet' }, ra: 'ra', dec: 'dec', out: 'rapid_night' });
 */
export async function appendHats(o: AppendHatsOptions): Promise<HatsWriteResult> {
  return withCatalogLock(o.out, async (recovered) => {
    if (!existsSync(o.out)) return exportLocked(o, recovered);
    const started = performance.now();
    const state = readCatalog(o.out);
    if (state.suffix !== '/') {
      throw new AlertflowError('ERR_HATS', `${o.out} has file leaves (hats_npix_suffix=${state.suffix}); run \`alertflow hats compact\` once to convert it to directory leaves before appending`, { suffix: state.suffix });
    }
    for (const [key, col] of [['hats_col_ra', o.ra], ['hats_col_dec', o.dec]] as const) {
      if (state.properties.get(key) !== col) throw new AlertflowError('ERR_HATS', `catalog ${key} is ${state.properties.get(key)}, not ${col}`, { key });
    }
    const staging = makeStagingDir(o.out);
    const session = await sessionIn(staging, o);
    try {
      const batchId = checkBatchId(o.batchId ?? (await contentBatchId(session, o.input)));
      const base = { root: o.out, totalRows: intProperty(state.properties, 'hats_nrows'), partitions: state.pixels, batchId, recovered };
      if (state.batches.has(batchId)) {
        return { ...base, rows: 0, created: [], mappingOrder: intProperty(state.properties, 'hats_skymap_order', 0), alreadyIngested: true, seconds: (performance.now() - started) / 1000 };
      }
      const common = join(o.out, 'dataset', '_common_metadata');
      if (!existsSync(common)) throw new AlertflowError('ERR_HATS', `${common} is missing: cannot check the schema of the new rows`);
      o.onProgress?.({ phase: 'load', done: 0, total: 1 });
      const rows = await loadRows(session, o, await parquetColumns(session.connection, common));
      o.onProgress?.({ phase: 'load', done: 1, total: 1 });
      const r = await stageAppend(session, state, staging, batchId, rows, o);
      session.close();
      commitAppend(staging, r.plan);
      stallHook('commit', 1);
      applyAppend(o.out, staging, (n) => {
        o.onProgress?.({ phase: 'apply', done: n, total: r.plan.moves.length });
        stallHook('apply', n);
      });
      return { ...base, rows, totalRows: base.totalRows + rows, partitions: r.pixels, created: r.created, mappingOrder: r.mappingOrder, alreadyIngested: false, seconds: (performance.now() - started) / 1000 };
    } finally {
      closeQuietly(session);
      removeQuietly(staging);
    }
  });
}

/** Writes the new leaves and metadata into `staging` and returns the plan. */
async function stageAppend(session: DuckSession, state: CatalogState, staging: string, batchId: string, rows: number, o: AppendHatsOptions) {
  const maxRows = o.maxRows ?? catalogMaxRows(state.properties, DEFAULT_MAX_ROWS);
  const deepest = state.pixels.reduce((m, p) => Math.max(m, p.order), 0);
  const mapOrder = intProperty(state.properties, 'hats_skymap_order', -1);
  const start = Math.max(o.mappingOrder ?? (mapOrder >= 0 ? mapOrder : DEFAULT_MAPPING_ORDER), deepest);
  const hist = await fittedHistogram(session, 'rows', start, maxRows);
  const mappingOrder = hist.order;
  const plan = choosePartitions(hist, { maxRows, existing: state.pixels, ...(o.strategy ? { strategy: o.strategy } : {}) });
  o.onProgress?.({ phase: 'partition', done: 1, total: 1 });

  mkdirSync(join(staging, 'leaves'), { recursive: true });
  mkdirSync(join(staging, 'meta'), { recursive: true });
  const moves: AppendPlanFile['moves'] = plan.pixels.map((p, i) => ({ from: `leaves/${i}.parquet`, to: `dataset/${leafStem(p)}/${batchId}.parquet` }));
  for (const m of moves) if (existsSync(join(state.root, m.to))) throw new AlertflowError('ERR_HATS', `${m.to} exists already (batch id reused?)`, { batchId });
  const jobs = plan.pixels.map((p, i) => {
    const [lo, hi] = pixelInterval(p);
    return { lo, hi, path: join(staging, moves[i]!.from) };
  });
  await writeLeaves(session, 'rows', jobs, o.parquet ?? {}, (done) => {
    o.onProgress?.({ phase: 'write', done, total: jobs.length });
    stallHook('leaf', done);
  });
  const newBytes = jobs.reduce((sum, j) => sum + statSync(j.path).size, 0);

  const pixels: HatsPixel[] = [...state.pixels, ...plan.created];
  assertDisjoint(pixels);
  const meta = join(staging, 'meta');
  const map = await mergedMap(session, state, hist, mapOrder);
  writeFileSync(join(meta, 'point_map.fits'), map.bytes);
  writeFileSync(join(meta, 'skymap.fits'), map.bytes);
  writeFileSync(join(meta, BATCH_LOG), appendBatchLog(state.batchLog, batchId, rows, sourceLabel(o)));
  writeFileSync(join(meta, 'partition_info.csv'), formatPartitionInfo(pixels));
  const totalRows = intProperty(state.properties, 'hats_nrows') + rows;
  const props = formatProperties(
    buildProperties(state.properties, { nrows: totalRows, pixels, maxRows, skymapOrder: map.order, datasetBytes: dirSize(join(state.root, 'dataset')) + newBytes }),
  );
  writeFileSync(join(meta, 'properties'), props);
  writeFileSync(join(meta, 'hats.properties'), props);
  const filePlan: AppendPlanFile = { version: 1, moves, replace: META_FILES, remove: ['dataset/_metadata'] };
  return { plan: filePlan, pixels, created: plan.created, mappingOrder };
}

/**
 * Old map + the new rows' histogram, at the old map's order (a coarser map
 * stays valid as a coverage map). Without a readable old map the whole
 * catalog's histogram is recomputed from the stored `_healpix_29` values.
 */
async function mergedMap(session: DuckSession, state: CatalogState, hist: Histogram, oldOrder: number): Promise<{ order: number; bytes: Buffer }> {
  const path = join(state.root, 'point_map.fits');
  if (oldOrder >= 0 && oldOrder <= hist.order && existsSync(path)) {
    try {
      const old = decodeHealpixMap(readFileSync(path));
      if (old.order === oldOrder) return { order: oldOrder, bytes: encodeHealpixMap(addHistograms(old, degradeHistogram(hist, oldOrder))) };
    } catch {
      // unreadable map: rebuild below
    }
  }
  const files = state.pixels.flatMap((p) => leafFiles(state.root, p, state.suffix));
  let all = hist;
  if (files.length) {
    await session.connection.run(`CREATE OR REPLACE TEMP VIEW old_rows AS SELECT _healpix_29 FROM read_parquet([${files.map(lit).join(', ')}], hive_partitioning = false)`);
    all = addHistograms(await histogram(session.connection, 'old_rows', hist.order), hist);
  }
  return { order: hist.order, bytes: encodeHealpixMap(all) };
}
