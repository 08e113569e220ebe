/**
 * Crash safety for catalog writes. Everything is staged in sibling
 * directories of the catalog (same filesystem, never inside it, so nothing
 * shaped like `Norder=…/Dir=…/Npix=…` ever appears under the catalog root early)
 * and moved into place with renames:
 *
 * - a new catalog: staged whole, then one rename;
 * - a replacement (overwrite, compaction): a swap journal names the new and
 *   the old directory; the swap is rolled forward on the next run if killed;
 * - an append: leaves and new metadata files are staged, then `plan.json` is
 *   renamed into the staging dir (the commit point) and applied; an
 *   uncommitted staging dir is deleted on the next run, a committed one is
 *   rolled forward (its moves are idempotent).
 *
 * A lock file next to the catalog keeps two writers apart; a lock whose
 * process is gone is taken over.
 */
import { existsSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AlertflowError } from '../errors.js';

/**
 * The sibling paths used around a catalog directory.
 *
 * @example
 * const s = siblings('/data/night'); s.lock // '/data/.night.hats-lock'
 */
export interface CatalogSiblings {
  root: string;
  parent: string;
  lock: string;
  swapJournal: string;
  stagingPrefix: string;
  oldPrefix: string;
}

/**
 * Sibling paths of a catalog root.
 *
 * @example
 * siblings('/data/night').stagingPrefix // '/data/.night.hats-staging-'
 */
export function siblings(root: string): CatalogSiblings {
  const abs = resolve(root);
  const parent = dirname(abs);
  const base = basename(abs);
  return {
    root: abs,
    parent,
    lock: join(parent, `.${base}.hats-lock`),
    swapJournal: join(parent, `.${base}.hats-swap.json`),
    stagingPrefix: join(parent, `.${base}.hats-staging-`),
    oldPrefix: join(parent, `.${base}.hats-old-`),
  };
}

/**
 * One append's list of renames, written last (its rename is the commit point).
 *
 * @example
 * const plan: AppendPlanFile = { version: 1, moves: [{ from: 'leaves/0.parquet', to: 'dataset/Norder=1/Dir=0/Npix=44/b.parquet' }], replace: ['partition_info.csv'], remove: ['dataset/_metadata'] };
 */
export interface AppendPlanFile {
  version: 1;
  /** `from` relative to the staging dir, `to` relative to the catalog root. */
  moves: { from: string; to: string }[];
  /** Files under `<staging>/meta/` that replace the catalog's files of the same name. */
  replace: string[];
  /** Catalog files to delete last (a stale `_metadata`). */
  remove: string[];
}

const PLAN = 'plan.json';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the catalog's writer lock; returns its release function.
 * Throws ERR_HATS when a live process holds it.
 *
 * @example
 * const release = acquireLock('/data/night'); try { … } finally { release(); }
 */
export function acquireLock(root: string): () => void {
  const s = siblings(root);
  mkdirSync(s.parent, { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(s.lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(s.lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(s.lock, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
        throw new AlertflowError('ERR_HATS', `catalog ${s.root} is being written by process ${pid}`, { lock: s.lock, pid });
      }
      rmSync(s.lock, { force: true }); // stale: its writer died
    }
  }
  throw new AlertflowError('ERR_HATS', `cannot take the lock ${s.lock}`);
}

/**
 * A fresh staging directory next to the catalog.
 *
 * @example
 * const dir = makeStagingDir('/data/night'); // '/data/.night.hats-staging-1234-ab12cd34'
 */
export function makeStagingDir(root: string): string {
  const dir = `${siblings(root).stagingPrefix}${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Writes a small file atomically (temp file in the same directory, then rename).
 *
 * @example
 * writeFileAtomic('/data/.x/plan.json', JSON.stringify(plan));
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * Commits an append: writes its plan into the staging dir (the commit point).
 *
 * @example
 * commitAppend(staging, plan); applyAppend(root, staging);
 */
export function commitAppend(staging: string, plan: AppendPlanFile): void {
  writeFileAtomic(join(staging, PLAN), JSON.stringify(plan));
}

/**
 * Applies a committed append (idempotent: moves already done are skipped),
 * then deletes the staging dir. `onMove` runs after each leaf rename.
 *
 * @example
 * applyAppend('/data/night', staging);
 */
export function applyAppend(root: string, staging: string, onMove?: (done: number) => void): void {
  const plan = JSON.parse(readFileSync(join(staging, PLAN), 'utf8')) as AppendPlanFile;
  let done = 0;
  for (const m of plan.moves) {
    const from = join(staging, m.from);
    const to = join(root, m.to);
    if (existsSync(from)) {
      mkdirSync(dirname(to), { recursive: true });
      renameSync(from, to);
    } else if (!existsSync(to)) {
      throw new AlertflowError('ERR_HATS', `committed append lost a leaf: neither ${from} nor ${to} exists`, { staging });
    }
    onMove?.(++done);
  }
  // Metadata after the leaves: readers never see a partition before its files.
  for (const name of plan.replace) {
    const from = join(staging, 'meta', name);
    if (existsSync(from)) renameSync(from, join(root, name));
  }
  for (const rel of plan.remove) rmSync(join(root, rel), { force: true });
  rmSync(staging, { recursive: true, force: true });
}

/**
 * Replaces (or creates) the catalog directory with a fully staged one,
 * through the swap journal so that a kill at any point is rolled forward.
 *
 * @example
 * swapInto('/data/night', join(staging, 'catalog'));
 */
export function swapInto(root: string, staged: string): void {
  const s = siblings(root);
  if (!existsSync(s.root)) {
    renameSync(staged, s.root);
    return;
  }
  const old = `${s.oldPrefix}${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileAtomic(s.swapJournal, JSON.stringify({ staged, old }));
  finishSwap(s.root, staged, old, true);
  rmSync(s.swapJournal, { force: true });
}

function finishSwap(root: string, staged: string, old: string, hook = false): void {
  if (existsSync(staged)) {
    if (existsSync(root)) renameSync(root, old);
    if (hook) stallHook('swap', 1); // the one moment without a catalog at `root`
    renameSync(staged, root);
  }
  rmSync(old, { recursive: true, force: true });
}

/**
 * Cleans up after a writer that was killed: finishes a journaled swap, rolls
 * committed appends forward, deletes uncommitted staging and old catalog
 * copies. Call with the lock held. Returns what it did.
 *
 * @example
 * const release = acquireLock(root); recoverCatalog(root);
 */
export function recoverCatalog(root: string): string[] {
  const s = siblings(root);
  const actions: string[] = [];
  if (existsSync(s.swapJournal)) {
    const j = JSON.parse(readFileSync(s.swapJournal, 'utf8')) as { staged: string; old: string };
    finishSwap(s.root, j.staged, j.old);
    rmSync(s.swapJournal, { force: true });
    actions.push('finished an interrupted catalog swap');
  }
  if (!existsSync(s.parent)) return actions;
  for (const name of readdirSync(s.parent)) {
    const path = join(s.parent, name);
    if (path.startsWith(s.stagingPrefix)) {
      if (existsSync(join(path, PLAN)) && existsSync(s.root)) {
        applyAppend(s.root, path);
        actions.push(`rolled a committed append forward (${name})`);
      } else {
        rmSync(path, { recursive: true, force: true });
        actions.push(`removed unfinished staging ${name}`);
      }
    } else if (path.startsWith(s.oldPrefix)) {
      rmSync(path, { recursive: true, force: true });
      actions.push(`removed old catalog copy ${name}`);
    }
  }
  return actions;
}

/**
 * Test hook: when `ALERTFLOW_HATS_TEST_STALL=<phase>:<n>` names this phase and
 * count, print a marker on stderr and block the thread for good, so a test can
 * SIGKILL the writer at a known point. Never set outside tests.
 *
 * @example
 * stallHook('leaf', filesWritten);
 */
export function stallHook(phase: string, count: number): void {
  const want = process.env.ALERTFLOW_HATS_TEST_STALL;
  if (!want || want !== `${phase}:${count}`) return;
  writeSync(2, `ALERTFLOW_HATS_STALLED ${phase}:${count}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}
