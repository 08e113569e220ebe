/**
 * Native HATS export: rows from Parquet, CSV or a DuckDB table → a new HATS
 * catalog (directory leaves, `hats_npix_suffix=/`, so that nights can be
 * appended later without rewriting files).
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AlertflowError } from '../errors.js';
import { openSession, type DuckSession } from './duck.js';
import { contentBatchId, loadRows, type RowSource } from './input.js';
import { defaultHealpix29, type Healpix29Batch } from './spatial-index.js';
import { acquireLock, makeStagingDir, recoverCatalog, swapInto } from './staging.js';
import { checkBatchId, writeCatalogDir, type CatalogDirResult, type PartitionKnobs } from './write-catalog.js';
import type { HatsPixel } from './pixel.js';

/**
 * Options of {@link exportHats}.
 *
 * @example
 * const o: ExportHatsOptions = { input: { kind: 'file', path: 'night.parquet' }, ra: 'ra', dec: 'dec', out: 'cat', maxRows: 500_000 };
 */
export interface ExportHatsOptions extends RowSource, PartitionKnobs {
  /** Catalog directory to create. */
  out: string;
  /** `obs_collection` (default: the directory name). */
  catalogName?: string;
  /** `dataproduct_type` (default `object`). */
  catalogType?: 'object' | 'source';
  /** Replace an existing catalog (atomically). */
  overwrite?: boolean;
  /** Name of the leaf files of this batch (default: derived from the input's content). */
  batchId?: string;
  /** The `_healpix_29` function (default: the project's, from `src/sky`). */
  healpix29?: Healpix29Batch;
  /** DuckDB worker threads (default: DuckDB's choice). */
  threads?: number;
}

/**
 * What an export, append or compaction did.
 *
 * @example
 * const r: HatsWriteResult = await exportHats(o); r.rows
 */
export interface HatsWriteResult {
  root: string;
  /** Rows written by this call. */
  rows: number;
  /** Rows in the catalog afterwards. */
  totalRows: number;
  /** Partitions of the catalog afterwards. */
  partitions: HatsPixel[];
  /** Partitions this call created. */
  created: HatsPixel[];
  mappingOrder: number;
  batchId: string;
  /** True when the batch had been ingested already and nothing was written. */
  alreadyIngested: boolean;
  /** Clean-up done for an earlier, interrupted writer. */
  recovered: string[];
  seconds: number;
}

/** Runs `fn` with the lock held, after recovering from an interrupted writer. */
export async function withCatalogLock<T>(root: string, fn: (recovered: string[]) => Promise<T>): Promise<T> {
  const release = acquireLock(root);
  try {
    return await fn(recoverCatalog(root));
  } finally {
    release();
  }
}

/**
 * Opens a DuckDB session spilling into `staging/duck`.
 *
 * @example
 * const s = await sessionIn(staging, o);
 */
export async function sessionIn(staging: string, o: { healpix29?: Healpix29Batch; threads?: number }): Promise<DuckSession> {
  const healpix = o.healpix29 ?? (await defaultHealpix29());
  return openSession(join(staging, 'duck'), healpix, o.threads ? { threads: o.threads } : {});
}

/**
 * Exports rows to a new HATS catalog at `out`. Crash-safe: the catalog is
 * staged next to `out` and renamed into place; a killed run leaves no catalog
 * (or, with `overwrite`, the previous one) and its leftovers are removed by
 * the next run.
 *
 * @example
 * await exportHats({ input: { kind: 'file', path: 'night.parquet' }, ra: 'ra', dec: 'dec', out: 'rapid_night', maxRows: 500_000 });
 */
export async function exportHats(o: ExportHatsOptions): Promise<HatsWriteResult> {
  return withCatalogLock(o.out, (recovered) => exportLocked(o, recovered));
}

/**
 * {@link exportHats} for a caller that already holds the catalog lock.
 *
 * @example
 * await withCatalogLock(out, (recovered) => exportLocked(o, recovered));
 */
export async function exportLocked(o: ExportHatsOptions, recovered: string[]): Promise<HatsWriteResult> {
  const started = performance.now();
  if (existsSync(o.out) && !o.overwrite) {
      throw new AlertflowError('ERR_HATS', `${o.out} exists: use append to add rows, or overwrite to replace it`, { out: o.out });
    }
    const staging = makeStagingDir(o.out);
    const session = await sessionIn(staging, o);
    try {
      const batchId = checkBatchId(o.batchId ?? (await contentBatchId(session, o.input)));
      o.onProgress?.({ phase: 'load', done: 0, total: 1 });
      await loadRows(session, o);
      o.onProgress?.({ phase: 'load', done: 1, total: 1 });
      const staged = join(staging, 'catalog');
      const name = o.catalogName ?? defaultName(o.out);
      const r = await writeCatalogDir(session, 'rows', staged, { name, type: o.catalogType ?? 'object', ra: o.ra, dec: o.dec }, batchId, '', sourceLabel(o), o);
      return swapInWholeCatalog(session, o.out, staged, r, batchId, recovered, started);
    } finally {
      closeQuietly(session);
      removeQuietly(staging);
    }
}

/**
 * Closes the session, renames the staged catalog over `root` and reports a
 * catalog written whole by this call (every row and partition is new).
 *
 * @example
 * return swapInWholeCatalog(session, o.out, staged, await writeCatalogDir(…), batchId, recovered, started);
 */
export function swapInWholeCatalog(session: DuckSession, root: string, staged: string, r: CatalogDirResult, batchId: string, recovered: string[], started: number): HatsWriteResult {
  session.close();
  swapInto(root, staged);
  return {
    root,
    rows: r.rows,
    totalRows: r.rows,
    partitions: r.pixels,
    created: r.pixels,
    mappingOrder: r.mappingOrder,
    batchId,
    alreadyIngested: false,
    recovered,
    seconds: (performance.now() - started) / 1000,
  };
}

/** `obs_collection` from a directory name, restricted to `[A-Za-z0-9._-]`. */
export function defaultName(out: string): string {
  const base = out.replace(/\/+$/, '').split('/').pop() ?? 'catalog';
  return base.replace(/[^A-Za-z0-9._-]/g, '_') || 'catalog';
}

/** A short description of the input, for the batch log. */
export function sourceLabel(o: RowSource): string {
  return o.input.kind === 'file' ? o.input.path : `${o.input.path}#${o.input.table}`;
}

/** Closes a session that may already be closed. */
export function closeQuietly(s: DuckSession): void {
  try {
    s.close();
  } catch {
    // already closed
  }
}

/** Removes a staging dir if it is still there (its catalog was renamed away on success). */
export function removeQuietly(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
