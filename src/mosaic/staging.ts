/**
 * The pipeline's directory layout (seed 004) and the crash-safe file moves
 * it relies on: every product is written under a temporary name and renamed
 * into place, and every move can be repeated after a crash (a source that is
 * gone while its target exists means the move already happened).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { subbandFileName, SUBBANDS } from './groups.js';

/** The directories under a pipeline root (`/stage/dsa110-contimg` in the seed). */
export interface MosaicLayout {
  root: string;
  hdf5: string;
  ms: string;
  calibrators: string;
  science: string;
  failed: string;
  images: string;
  mosaics: string;
  database: string;
}

/**
 * The layout under `root`.
 *
 * @example
 * layoutOf('/stage/dsa110-contimg').science // '/stage/dsa110-contimg/ms/science'
 */
export function layoutOf(root: string): MosaicLayout {
  const ms = join(root, 'ms');
  return { root, hdf5: join(root, 'hdf5'), ms, calibrators: join(ms, 'calibrators'), science: join(ms, 'science'), failed: join(ms, 'failed'), images: join(root, 'images'), mosaics: join(root, 'mosaics'), database: join(root, 'products.duckdb') };
}

/**
 * The storage_locations rows the seed names.
 *
 * @example
 * storageLocations(layoutOf('/stage')).images // '/stage/images'
 */
export function storageLocations(l: MosaicLayout): Record<string, string> {
  return { ms_files: l.ms, calibration_tables: l.calibrators, science_ms: l.science, failed_ms: l.failed, images: l.images, mosaics: l.mosaics, hdf5_staging: l.hdf5 };
}

/**
 * `YYYY-MM-DD` of a DSA-110 timestamp.
 *
 * @example
 * dateOf('2025-10-29T13:54:17') // '2025-10-29'
 */
export const dateOf = (timestamp: string): string => timestamp.slice(0, 10);

/**
 * Where an MS lives at each point of its life.
 *
 * @example
 * msPaths(layout, ts).science // '<root>/ms/science/2025-10-29/<ts>.ms'
 */
export const msPaths = (l: MosaicLayout, ts: string) => ({
  converted: join(l.ms, `${ts}.ms`),
  calibrator: join(l.calibrators, dateOf(ts), `${ts}.ms`),
  science: join(l.science, dateOf(ts), `${ts}.ms`),
  failed: join(l.failed, dateOf(ts), `${ts}.ms`),
});

/**
 * Calibration table directories solved from MS `ts`, stored beside the calibrator MS.
 *
 * @example
 * tablePath(layout, ts, 'bpcal') // '<root>/ms/calibrators/2025-10-29/<ts>_bpcal'
 */
export const tablePath = (l: MosaicLayout, ts: string, kind: 'bpcal' | 'gpcal' | '2gcal'): string => join(l.calibrators, dateOf(ts), `${ts}_${kind}`);
/**
 * The primary-beam-corrected image of MS `ts` as imaged for group `groupId`
 * (WSClean naming, one folder per group: an overlap tile is re-imaged with
 * the next group's calibration, and the earlier mosaic keeps its own tiles).
 *
 * @example
 * imagePath(layout, 'mosaic_<ts0>', ts) // '<root>/images/mosaic_<ts0>/<ts>.img-image-pb.fits'
 */
export const imagePath = (l: MosaicLayout, groupId: string, ts: string): string => join(l.images, groupId, `${ts}.img-image-pb.fits`);
/**
 * A mosaic file.
 *
 * @example
 * mosaicPath(layout, 'mosaic_<ts0>') // '<root>/mosaics/mosaic_<ts0>.fits'
 */
export const mosaicPath = (l: MosaicLayout, groupId: string): string => join(l.mosaics, `${groupId}.fits`);

const TMP = '.tmp-';

/**
 * Produces `target` (a file or directory) by running `write` on a temporary
 * sibling and renaming it into place, replacing any earlier version.
 *
 * @example
 * await atomicWrite('/x/a.ms', async (tmp) => { mkdirSync(tmp); … });
 */
export async function atomicWrite(target: string, write: (tmp: string) => Promise<void> | void): Promise<void> {
  mkdirSync(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `${TMP}${basename(target)}`);
  rmSync(tmp, { recursive: true, force: true });
  await write(tmp);
  rmSync(target, { recursive: true, force: true });
  renameSync(tmp, target);
}

/**
 * Moves `from` to `to`, idempotently: when `from` is gone and `to` exists the
 * move has already happened. Returns false when neither exists.
 *
 * @example
 * moveIdempotent(paths.converted, paths.science)
 */
export function moveIdempotent(from: string, to: string): boolean {
  if (from === to) return existsSync(to);
  if (existsSync(from)) {
    mkdirSync(dirname(to), { recursive: true });
    rmSync(to, { recursive: true, force: true });
    renameSync(from, to);
    return true;
  }
  return existsSync(to);
}

/**
 * Copies one complete group of subbands from incoming to staging (the
 * incoming files are never touched): copy to a temporary directory, rename.
 *
 * @example
 * await stageGroup(layout, '/data/incoming', '2025-10-29T13:54:17') // '/stage/…/hdf5/2025-10-29T13:54:17'
 */
export async function stageGroup(l: MosaicLayout, incoming: string, ts: string): Promise<string> {
  const target = join(l.hdf5, ts);
  await atomicWrite(target, (tmp) => {
    mkdirSync(tmp, { recursive: true });
    for (let sb = 0; sb < SUBBANDS; sb++) cpSync(join(incoming, subbandFileName(ts, sb)), join(tmp, subbandFileName(ts, sb)));
  });
  return target;
}

/**
 * The staged subband files of `ts`.
 *
 * @example
 * stagedFiles(layout, ts).length // 16
 */
export function stagedFiles(l: MosaicLayout, ts: string): string[] {
  return Array.from({ length: SUBBANDS }, (_, sb) => join(l.hdf5, ts, subbandFileName(ts, sb)));
}

/**
 * Removes temporary leftovers of an interrupted run (anything named `.tmp-*`).
 *
 * @example
 * removeTemporaries(layout.root)
 */
export function removeTemporaries(dir: string): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.name.startsWith(TMP)) rmSync(p, { recursive: true, force: true });
    else if (e.isDirectory()) removeTemporaries(p);
  }
}
