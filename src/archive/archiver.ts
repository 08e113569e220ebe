/**
 * The archiver: routes decoded alerts to their period's spool and turns a
 * period into its tarball once the stream has moved past it.
 *
 * Closing rule: the watermark is the latest observation time seen. A period
 * `[start, end)` closes when the watermark reaches `end + grace`, and every
 * open period closes at the end of input ({@link Archiver.closeAll}).
 *
 * Alerts for a period whose tarball already exists (a rerun, or late alerts)
 * reopen it: the tarball's alerts are loaded back into a spool, new alerts
 * are merged (de-duplicated by diaSourceId/candid) and the tarball is
 * rebuilt when the period closes again. Because packing is deterministic, a
 * rerun over the same input rebuilds nothing: a reopened period that gained
 * no new alert is dropped without packing, and a rebuilt tarball identical
 * to the one in place is not rewritten. A reopened period closes one grace
 * after the watermark at which it was reopened, so a trickle of late alerts
 * costs one rebuild per grace, not one per batch.
 *
 * Layout: `DIR/<key>/alerts_<key>.tar` (the delivery folder of the period)
 * and spools in `DIR/.staging/<key>.spool`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AlertflowError } from '../errors.js';
import type { DecodedAlert } from '../formats/types.js';
import type { OcfCodecName } from '../formats/avro/ocf/codecs.js';
import { alertKey, alertTime, archiveBody, archiveSchema } from './alert-info.js';
import { loadTarballIntoSpool, packSpool, type PackResult } from './pack.js';
import { defaultGraceMs, parsePeriod, periodOf, type Period, type PeriodSpec } from './period.js';
import { Spool, type SpoolItem } from './spool.js';

/** Config of {@link Archiver} (plain JSON, so a graph spec can carry it). */
export interface ArchiverConfig {
  /** Output directory: one delivery folder per period. */
  dir: string;
  /** `night` (Rubin dayObs, noon-to-noon UTC−12 h) or `<N>h` UTC bins. */
  period: string;
  /** Wait this long (ms of observation time) past a period's end before closing it. Default: {@link defaultGraceMs}. */
  graceMs?: number;
  /** Alerts per container file inside a tarball (default 1000). */
  alertsPerFile?: number;
  codec?: OcfCodecName;
  /** fsync each spooled batch before acknowledging it (default true). */
  fsync?: boolean;
}

/** A period that was closed, and what packing did. */
export interface ClosedPeriod extends PackResult {
  period: Period;
  /** True when the period had a tarball before and gained nothing: nothing was packed. */
  unchanged: boolean;
}

/** Counters for the run summary. */
export interface ArchiverStats {
  alertsIn: number;
  /** Alerts already held (same key) and so not added again. */
  duplicates: number;
  tarballsWritten: number;
  tarballsUnchanged: number;
}

interface OpenPeriod {
  period: Period;
  spool: Spool;
  closeAtMs: number;
  added: number;
  reopened: boolean;
}

/** File of a period's tarball under `dir`. */
export function tarballPath(dir: string, key: string): string {
  return join(dir, key, `alerts_${key}.tar`);
}

/**
 * @example
 * const a = await Archiver.create({ dir: 'deliveries', period: 'night' });
 * await a.add(decodedAlerts);
 * const closed = await a.closeAll(); // [{ path: 'deliveries/20251120/alerts_20251120.tar', count: 12000, … }]
 */
export class Archiver {
  readonly stats: ArchiverStats = { alertsIn: 0, duplicates: 0, tarballsWritten: 0, tarballsUnchanged: 0 };
  readonly closed: ClosedPeriod[] = [];
  private readonly open = new Map<string, OpenPeriod>();
  private watermark = -Infinity;
  private readonly spec: PeriodSpec;
  private readonly graceMs: number;

  private constructor(private readonly config: ArchiverConfig) {
    this.spec = parsePeriod(config.period);
    this.graceMs = config.graceMs ?? defaultGraceMs(this.spec);
    if (!(this.graceMs >= 0)) throw new AlertflowError('ERR_ARCHIVE', 'graceMs must be >= 0', { graceMs: config.graceMs });
  }

  /** Creates the archiver and picks up spools a crashed run left behind. */
  static async create(config: ArchiverConfig): Promise<Archiver> {
    if (typeof config.dir !== 'string' || config.dir === '') throw new AlertflowError('ERR_ARCHIVE', 'archive: dir must be a non-empty string');
    const a = new Archiver(config);
    await mkdir(a.stagingDir, { recursive: true });
    await a.recover();
    return a;
  }

  private get stagingDir(): string {
    return join(this.config.dir, '.staging');
  }

  /** Spools a batch of alerts (durably, unless fsync is off), then closes the periods the stream has left. */
  async add(alerts: DecodedAlert[]): Promise<void> {
    const byPeriod = new Map<string, { period: Period; items: SpoolItem[] }>();
    let latest = this.watermark;
    for (const a of alerts) {
      if (a?.kind !== 'alert') throw new AlertflowError('ERR_ARCHIVE', 'archive accepts decoded alerts only (add a decode step)');
      const schema = archiveSchema(a);
      const body = archiveBody(a, schema);
      const t = alertTime(a);
      const period = periodOf(this.spec, t.ms);
      latest = Math.max(latest, t.ms);
      let g = byPeriod.get(period.key);
      if (!g) byPeriod.set(period.key, (g = { period, items: [] }));
      g.items.push({ key: alertKey(a, body), mjd: t.mjd, ms: t.ms, schema: schema.name, body });
    }
    for (const { period, items } of byPeriod.values()) {
      const p = await this.openPeriod(period);
      const added = await p.spool.append(items);
      p.added += added;
      this.stats.alertsIn += items.length;
      this.stats.duplicates += items.length - added;
      if (this.config.fsync !== false && added > 0) await p.spool.sync();
    }
    this.watermark = latest;
    for (const p of [...this.open.values()]) if (p.closeAtMs <= this.watermark) await this.finish(p);
  }

  /** Closes every open period (end of input). */
  async closeAll(): Promise<ClosedPeriod[]> {
    for (const p of [...this.open.values()].sort((a, b) => a.period.startMs - b.period.startMs)) await this.finish(p);
    return this.closed;
  }

  /** Keys of the periods currently open. */
  openPeriods(): string[] {
    return [...this.open.keys()].sort();
  }

  private async openPeriod(period: Period): Promise<OpenPeriod> {
    const existing = this.open.get(period.key);
    if (existing) return existing;
    const spool = await Spool.open(join(this.stagingDir, `${period.key}.spool`));
    const tarball = tarballPath(this.config.dir, period.key);
    const reopened = existsSync(tarball);
    if (reopened) {
      try {
        await loadTarballIntoSpool(tarball, spool);
      } catch (err) {
        await spool.remove();
        throw new AlertflowError('ERR_ARCHIVE', `cannot reopen ${tarball} to merge new alerts: ${(err as Error).message}`, { path: tarball }, { cause: err });
      }
    }
    const closeAtMs = Math.max(period.endMs + this.graceMs, reopened ? this.watermark + this.graceMs : -Infinity);
    const p: OpenPeriod = { period, spool, closeAtMs, added: 0, reopened };
    this.open.set(period.key, p);
    return p;
  }

  private async finish(p: OpenPeriod): Promise<void> {
    this.open.delete(p.period.key);
    const path = tarballPath(this.config.dir, p.period.key);
    if (p.reopened && p.added === 0) {
      await p.spool.remove();
      this.stats.tarballsUnchanged++;
      this.closed.push({ path, count: p.spool.count, members: 0, written: false, sha256: '', period: p.period, unchanged: true });
      return;
    }
    await mkdir(join(this.config.dir, p.period.key), { recursive: true });
    const r = await packSpool(p.spool, p.period, path, {
      spec: this.config.period,
      ...(this.config.alertsPerFile !== undefined ? { alertsPerFile: this.config.alertsPerFile } : {}),
      ...(this.config.codec ? { codec: this.config.codec } : {}),
    });
    await p.spool.remove();
    if (r.written) this.stats.tarballsWritten++;
    else this.stats.tarballsUnchanged++;
    this.closed.push({ ...r, period: p.period, unchanged: !r.written });
  }

  /** Reopens spools left by a crash (their alerts were acknowledged, so they must not be lost). */
  private async recover(): Promise<void> {
    for (const name of (await readdir(this.stagingDir)).sort()) {
      const path = join(this.stagingDir, name);
      if (name.endsWith('.partial')) await rm(path, { force: true });
      if (!name.endsWith('.spool')) continue;
      const spool = await Spool.open(path);
      const first = spool.entries[0];
      if (!first) {
        await spool.remove();
        continue;
      }
      const period = periodOf(this.spec, first.ms);
      if (`${period.key}.spool` !== name) {
        await spool.close();
        throw new AlertflowError('ERR_ARCHIVE', `spool ${path} was written with another --period; finish it with that period or remove it`, { path, period: this.config.period });
      }
      // Everything in it counts as new: packing is deterministic, so an identical tarball is left as is.
      this.open.set(period.key, { period, spool, closeAtMs: period.endMs + this.graceMs, added: spool.count, reopened: false });
      for (const e of spool.entries) this.watermark = Math.max(this.watermark, e.ms);
    }
    // Half-written tarballs of a crashed pack: never under the final name, so just remove them.
    for (const d of await readdir(this.config.dir, { withFileTypes: true })) {
      if (!d.isDirectory() || d.name === '.staging') continue;
      for (const f of await readdir(join(this.config.dir, d.name)).catch(() => [] as string[])) {
        if (f.endsWith('.tar.partial')) await rm(join(this.config.dir, d.name, f), { force: true });
      }
    }
  }
}
