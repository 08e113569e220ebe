/**
 * The seed-001 consumer sink: daily CSV files `OUT/data/lsst_alerts_YYYYMMDD.csv`
 * (16 columns, RFC 4180, exact 64-bit ids) and FITS cutouts
 * `OUT/cutouts/<diaSourceId>_<science|template|difference>_<YYYYMMDD_HHMMSS>.fits`.
 *
 * Idempotent by diaSourceId: on the first write it reads the ids of every
 * daily CSV already in `OUT/data` and the names in `OUT/cutouts`, so a replay
 * (after a crash, or a rerun over the same file) appends no duplicate rows and
 * reuses cutouts already written. One consumer per OUT directory.
 */
import { closeSync, createReadStream, fstatSync, ftruncateSync, openSync, readSync } from 'node:fs';
import { mkdir, open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { AlertflowError } from '../errors.js';
import { csvLine } from '../io/csv.js';
import { createFileWriter, type FileToWrite } from '../io/file-writer.js';
import type { Sink, SinkRecord } from '../runtime/types.js';
import { CUTOUT_KINDS, SEED001_COLUMNS, csvFileName, cutoutFileName, cutoutKeyOfFile, dayOfCsvFile, plainFits, seed001Parts, utcDay, utcStamp, type CutoutKind, type Seed001Parts } from './seed001-row.js';

/** Config of {@link createSeed001CsvSink} (plain JSON). */
export interface Seed001CsvSinkConfig {
  /** Output folder; `data/` and `cutouts/` are made inside it. */
  out: string;
  /**
   * Which time names the daily file and the cutouts: `processing` (default,
   * as seed 001: the UTC time the row is written) or `observation`
   * (diaSource.midpointMjdTai − 37 s: deterministic, for replays and tests).
   */
  dateFrom?: 'processing' | 'observation';
  /** Cutout path cells: `relative` to OUT (default, e.g. `cutouts/1_science_…fits`) or `absolute`. */
  paths?: 'relative' | 'absolute';
  /** fsync files before acknowledging (survives power loss, not only a crash); default false. */
  fsync?: boolean;
}

const HEADER = csvLine(SEED001_COLUMNS);
/** Open daily files kept at once; a daemon crossing midnight closes the oldest. */
const MAX_OPEN = 4;
const TEMP = /^\..+\.tmp$/;
const DAY_MS = 86_400_000;

function configError(msg: string, key: string): AlertflowError {
  return new AlertflowError('ERR_STEP_CONFIG', `seed001-csv: ${msg}`, { key });
}

function readConfig(config: Record<string, unknown>): Required<Seed001CsvSinkConfig> {
  const known = ['out', 'dateFrom', 'paths', 'fsync', 'module', 'export'];
  for (const k of Object.keys(config)) if (!known.includes(k)) throw configError(`unknown config key "${k}"`, k);
  const { out, dateFrom = 'processing', paths = 'relative', fsync = false } = config as Partial<Seed001CsvSinkConfig>;
  if (typeof out !== 'string' || out === '') throw configError('needs "out" (the output folder)', 'out');
  if (dateFrom !== 'processing' && dateFrom !== 'observation') throw configError(`dateFrom must be "processing" or "observation", got ${String(dateFrom)}`, 'dateFrom');
  if (paths !== 'relative' && paths !== 'absolute') throw configError(`paths must be "relative" or "absolute", got ${String(paths)}`, 'paths');
  if (typeof fsync !== 'boolean') throw configError('fsync must be a boolean', 'fsync');
  return { out: resolve(out), dateFrom, paths, fsync };
}

/**
 * Cuts a last line that lacks its newline (a crash mid-append). Returns the
 * size after the repair.
 */
function cutTornTail(path: string): number {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return 0;
    const chunk = Buffer.alloc(Math.min(size, 1 << 16));
    let end = size;
    for (;;) {
      const start = Math.max(0, end - chunk.length);
      const n = readSync(fd, chunk, 0, end - start, start);
      if (end === size && chunk[n - 1] === 0x0a) return size;
      const nl = chunk.subarray(0, n).lastIndexOf(0x0a);
      if (nl >= 0 || start === 0) {
        const keep = nl >= 0 ? start + nl + 1 : 0;
        ftruncateSync(fd, keep);
        return keep;
      }
      end = start;
    }
  } finally {
    closeSync(fd);
  }
}

/** Reads the diaSourceIds (column 2) of one daily file into `seen`; checks its header. */
async function readIds(path: string, seen: Set<string>): Promise<void> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let first = true;
  for await (const line of lines) {
    if (first) {
      first = false;
      if (`${line}\r\n` !== HEADER) throw new AlertflowError('ERR_IO', `${path} is not a seed-001 CSV (header ${JSON.stringify(line.slice(0, 80))})`, { path });
      continue;
    }
    // The first two cells are integers we wrote, never quoted.
    const m = /^-?\d+,(-?\d+),/.exec(line);
    if (m) seen.add(m[1]!);
  }
}

/** A batch whose cutouts are with the writer thread and whose rows are not yet appended. */
interface StagedBatch {
  pending: Pending[];
  /** `<diaSourceId>_<kind>` and file name of each cutout it writes. */
  made: [string, string][];
  written: Promise<void>;
  timestamp: string;
}

interface Pending {
  parts: Seed001Parts;
  day: string;
  stamp: string;
  paths: Record<CutoutKind, string | null>;
}

/**
 * Creates the sink. Input: what the `filter-extendedness` step emits
 * (DecodedAlerts with `extendedness` stats) or bare Rubin v9–v11 alerts.
 * `write` resolves once every cutout file is renamed into place and every
 * row appended (fsynced too with `fsync: true`), so the runtime commits a
 * source position only after its rows exist. Cutouts are written before the
 * row that names them. A record that cannot be written (no diaSourceId) is
 * skipped with a warning on stderr; so is a stamp that is not FITS (its path
 * cell stays empty).
 *
 * @example
 * const sink = createSeed001CsvSink({ out: 'lsst_alerts', dateFrom: 'observation' });
 * await sink.write([{ value: passingAlert, position: { partition: 'night.avro', offset: 0 } }]);
 * await sink.close(); // lsst_alerts/data/lsst_alerts_20251121.csv, lsst_alerts/cutouts/…fits
 */
export function createSeed001CsvSink(config: Seed001CsvSinkConfig | Record<string, unknown>): Sink {
  const c = readConfig(config as Record<string, unknown>);
  const dataDir = join(c.out, 'data');
  const cutoutDir = join(c.out, 'cutouts');
  const seen = new Set<string>();
  /** `<diaSourceId>_<kind>` → file name of cutouts already on disk. */
  const cutouts = new Map<string, string>();
  const handles = new Map<string, FileHandle>();
  let ready: Promise<void> | undefined;
  let chain: Promise<void> = Promise.resolve();
  // Cutouts are made on their own thread: see io/file-writer.ts.
  const writer = createFileWriter({ fsync: c.fsync });
  const warn = (msg: string): void => void process.stderr.write(`seed001-csv: ${msg}\n`);

  const init = async (): Promise<void> => {
    await mkdir(dataDir, { recursive: true });
    await mkdir(cutoutDir, { recursive: true });
    for (const name of (await readdir(dataDir)).sort()) {
      if (!dayOfCsvFile(name)) continue;
      const path = join(dataDir, name);
      if (cutTornTail(path) > 0) await readIds(path, seen);
    }
    for (const name of await readdir(cutoutDir)) {
      const key = cutoutKeyOfFile(name);
      if (key) cutouts.set(key, name);
      // Temp files of a run that died; a day old so that a live writer is never disturbed.
      else if (TEMP.test(name)) {
        const p = join(cutoutDir, name);
        if (Date.now() - (await stat(p)).mtimeMs > DAY_MS) await rm(p, { force: true });
      }
    }
  };

  const handleFor = async (day: string): Promise<FileHandle> => {
    const open_ = handles.get(day);
    if (open_) return open_;
    const path = join(dataDir, csvFileName(day));
    const h = await open(path, 'a');
    // A file made by this append (or emptied by a torn-header repair) needs its header.
    if ((await h.stat()).size === 0) await h.write(HEADER);
    handles.set(day, h);
    if (handles.size > MAX_OPEN) {
      const [oldDay, oldHandle] = handles.entries().next().value as [string, FileHandle];
      handles.delete(oldDay);
      await oldHandle.close();
    }
    return h;
  };

  /** diaSourceIds of batches handed off but not yet appended: a later batch must not take them again. */
  const staged = new Set<string>();

  /**
   * First half of a batch, run as soon as it arrives: picks its new rows and
   * hands their cutouts to the writer thread, which writes them while the
   * previous batch's rows are appended.
   */
  const stage = (batch: SinkRecord[]): StagedBatch => {
    const now = Date.now();
    const pending: Pending[] = [];
    const files: FileToWrite[] = [];
    const made: [string, string][] = [];
    for (const record of batch) {
      let parts: Seed001Parts;
      try {
        parts = seed001Parts(record.value);
      } catch (err) {
        warn(`${record.position.partition} record ${record.position.offset} skipped: ${(err as Error).message}`);
        continue;
      }
      const id = parts.diaSourceId;
      if (seen.has(id) || staged.has(id)) continue;
      staged.add(id);
      const when = c.dateFrom === 'observation' && parts.observedMs !== undefined ? parts.observedMs : now;
      const p: Pending = { parts, day: utcDay(when), stamp: utcStamp(when), paths: { science: null, template: null, difference: null } };
      for (const kind of CUTOUT_KINDS) {
        const raw = parts.cutouts[kind];
        if (!raw) continue;
        const key = `${id}_${kind}`;
        let name = cutouts.get(key);
        if (name === undefined) {
          const fits = plainFits(raw);
          if (!fits) {
            warn(`diaSourceId ${id}: ${kind} cutout is not FITS (${raw.length} bytes); path left empty`);
            continue;
          }
          const fresh = cutoutFileName(id, kind, p.stamp);
          name = fresh;
          files.push({ path: cutoutDir + sep + fresh, bytes: fits });
          made.push([key, fresh]);
        }
        // Concatenation, not join: a plain file name in a normalised folder, three times per alert.
        p.paths[kind] = c.paths === 'absolute' ? cutoutDir + sep + name : `cutouts/${name}`;
      }
      pending.push(p);
    }
    const written = writer.writeAll(files);
    written.catch(() => {}); // awaited by append; a failure must not also surface as unhandled
    return { pending, made, written, timestamp: new Date(now).toISOString() };
  };

  /** Second half, in batch order: once the batch's cutouts are in place, appends its rows. */
  const append = async (b: StagedBatch): Promise<void> => {
    try {
      await b.written;
      for (const [key, name] of b.made) cutouts.set(key, name);
      const byDay = new Map<string, string>();
      for (const p of b.pending) {
        const row = csvLine([...p.parts.cells, p.paths.science, p.paths.template, p.paths.difference, b.timestamp]);
        byDay.set(p.day, (byDay.get(p.day) ?? '') + row);
      }
      for (const [day, text] of byDay) {
        const h = await handleFor(day);
        await h.write(text);
        if (c.fsync) await h.sync();
      }
      for (const p of b.pending) seen.add(p.parts.diaSourceId);
    } finally {
      for (const p of b.pending) staged.delete(p.parts.diaSourceId);
    }
  };

  return {
    // Two batches at once: the next one's cutouts are written while this one's rows are appended.
    writesInFlight: 2,
    write(batch: SinkRecord[]): Promise<void> {
      // Staged in call order (callbacks on the one `ready` promise run in the order they were added)
      // and appended in call order: the seen-set and the appends never interleave.
      const handedOff = (ready ??= init()).then(() => stage(batch));
      const run = chain.then(() => handedOff).then(append);
      chain = run.catch(() => {});
      return run;
    },
    describe: () => `${dataDir}/lsst_alerts_*.csv + ${cutoutDir}/`,
    async close(): Promise<void> {
      await chain;
      for (const h of handles.values()) await h.close();
      handles.clear();
      await writer.close();
    },
  };
}
