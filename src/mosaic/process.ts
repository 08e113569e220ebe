/**
 * The streaming-mosaic pipeline (seed 004): stage complete subband groups
 * from incoming (copy; incoming is never modified), convert them to MS,
 * form groups of 10 MS sliding by 8, and take each group through
 * calibration, imaging and mosaicking, strictly in order. All state is in
 * the products database, so `processOnce` after a crash carries on from the
 * last recorded step and ends with the same database and files as a run
 * that never crashed.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AlertflowError } from '../errors.js';
import { clearAppliedCalibration } from './calibrate.js';
import type { MsMeta } from './convert.js';
import { contextOf, locateMs, type PipelineContext, type StreamingMosaicOptions } from './context.js';
import { GROUP_SIZE, GROUP_SLIDE, planGroups, scanIncoming } from './groups.js';
import { calibrateGroup, groupMembers, imageGroup, mosaicGroup } from './group-steps.js';
import { ProductsDb, putGroup, putMs, registerStorageLocations, updateMs, type GroupRow, type MsRow } from './products-db.js';
import { atomicWrite, layoutOf, moveIdempotent, msPaths, removeTemporaries, stagedFiles, stageGroup, storageLocations } from './staging.js';
import { statusCounts, type StatusCounts } from './status.js';

/** What one pass did. */
export interface PassSummary {
  staged: number;
  converted: number;
  conversionFailed: number;
  groupsFormed: number;
  groupsFinished: number;
}

/** Readiness report of `check-groups`. */
export interface GroupCheck {
  /** Converted MS not yet in any group. */
  ungrouped: string[];
  /** Converted MS still needed before the next group can form. */
  neededForNextGroup: number;
  groups: Array<{ group_id: string; status: string; members: number }>;
  incompleteIncoming: Array<{ timestamp: string; subbands: number[] }>;
}

/**
 * A pipeline over one root directory.
 *
 * @example
 * const p = await StreamingMosaic.open({ root: '/stage/dsa110-contimg', incoming: '/data/incoming' });
 * await p.processOnce();
 * console.log(await p.status());
 * await p.close();
 */
export class StreamingMosaic {
  private constructor(readonly ctx: PipelineContext) {}

  /** Opens the database (creating the layout on first use) and registers the storage locations. */
  static async open(o: StreamingMosaicOptions): Promise<StreamingMosaic> {
    if (!existsSync(o.incoming)) throw new AlertflowError('ERR_MOSAIC', `incoming folder ${o.incoming} does not exist`, { incoming: o.incoming });
    const layout = layoutOf(o.root);
    for (const d of [layout.hdf5, layout.ms, layout.calibrators, layout.science, layout.failed, layout.images, layout.mosaics]) mkdirSync(d, { recursive: true });
    const db = await ProductsDb.open(layout.database);
    const ctx = contextOf(o, layout, db);
    await db.tx((c) => registerStorageLocations(c, storageLocations(layout), ctx.now()));
    return new StreamingMosaic(ctx);
  }

  /** Repeats passes until one changes nothing; returns the totals. */
  async processOnce(): Promise<PassSummary> {
    const total: PassSummary = { staged: 0, converted: 0, conversionFailed: 0, groupsFormed: 0, groupsFinished: 0 };
    for (;;) {
      const s = await this.pass();
      for (const k of Object.keys(total) as Array<keyof PassSummary>) total[k] += s[k];
      if (Object.values(s).every((v) => v === 0)) return total;
    }
  }

  /** One pass: recover, stage, convert, form groups, run the groups. */
  async pass(): Promise<PassSummary> {
    const { layout } = this.ctx;
    removeTemporaries(layout.root);
    const s: PassSummary = { staged: await this.stage(), converted: 0, conversionFailed: 0, groupsFormed: 0, groupsFinished: 0 };
    const conv = await this.convert();
    s.converted = conv.ok;
    s.conversionFailed = conv.failed;
    s.groupsFormed = await this.formGroups();
    s.groupsFinished = await this.runGroups();
    return s;
  }

  private async stage(): Promise<number> {
    const { layout, db, incoming } = this.ctx;
    const known = new Set((await db.allMs()).map((r) => r.timestamp));
    let n = 0;
    for (const ts of scanIncoming(incoming).complete) {
      if (known.has(ts)) continue;
      const dir = await stageGroup(layout, incoming, ts);
      this.ctx.checkpoint('staged');
      const row: MsRow = { timestamp: ts, path: dir, stage: 'staging', status: 'pending', cal_applied: 0, imagename: null, mid_mjd: null, start_mjd: null, end_mjd: null, ra_deg: null, dec_deg: null, calibrator: null, error: null, updated_at: this.ctx.now() };
      await db.tx((c) => putMs(c, row));
      n++;
    }
    return n;
  }

  private async convert(): Promise<{ ok: number; failed: number }> {
    const { layout, db, converter } = this.ctx;
    let ok = 0;
    let failed = 0;
    for (const row of await db.allMs()) {
      const staged = join(layout.hdf5, row.timestamp);
      if (row.stage !== 'staging' || row.status !== 'pending') {
        // Staged copies are removed once recorded as converted (or failed); finish that after a crash.
        if (existsSync(staged)) rmSync(staged, { recursive: true, force: true });
        continue;
      }
      const paths = msPaths(layout, row.timestamp);
      try {
        let meta: MsMeta | undefined;
        await atomicWrite(paths.converted, async (tmp) => {
          try {
            meta = await converter.convert({ timestamp: row.timestamp, subbandPaths: stagedFiles(layout, row.timestamp), msPath: tmp });
          } catch (err) {
            // The partial MS goes to quarantine for manual review.
            if (existsSync(tmp)) moveIdempotent(tmp, paths.failed);
            else mkdirSync(paths.failed, { recursive: true });
            throw err;
          }
        });
        const m = meta as MsMeta | undefined;
        if (!m) throw new AlertflowError('ERR_MOSAIC', `${row.timestamp}: converter returned no metadata`);
        this.ctx.checkpoint('converted');
        await db.tx((c) => updateMs(c, row.timestamp, { stage: 'converted', status: 'converted', path: paths.converted, mid_mjd: m.mid_mjd, start_mjd: m.start_mjd, end_mjd: m.end_mjd, ra_deg: m.ra_deg, dec_deg: m.dec_deg, calibrator: m.calibrator, updated_at: this.ctx.now() }));
        ok++;
      } catch (err) {
        this.ctx.log(`${row.timestamp}: conversion failed: ${(err as Error).message}`);
        await db.tx((c) => updateMs(c, row.timestamp, { status: 'failed', path: paths.failed, error: `conversion: ${(err as Error).message}`, updated_at: this.ctx.now() }));
        failed++;
      }
      rmSync(staged, { recursive: true, force: true });
    }
    return { ok, failed };
  }

  private async eligible(): Promise<MsRow[]> {
    return (await this.ctx.db.allMs()).filter((r) => r.stage !== 'staging' && r.mid_mjd !== null);
  }

  private async formGroups(): Promise<number> {
    const { db } = this.ctx;
    const groups = await db.groups();
    const last = groups.at(-1);
    const planned = planGroups((await this.eligible()).map((r) => ({ timestamp: r.timestamp, midMjd: r.mid_mjd! })), last ? (JSON.parse(last.ms_paths) as string[]) : undefined);
    await db.tx(async (c) => {
      for (const [k, p] of planned.entries()) {
        const row: GroupRow = { group_id: p.groupId, mosaic_id: null, ms_paths: JSON.stringify(p.members), calibration_ms_path: null, bpcal_solved: 0, created_at: this.ctx.now(), calibrated_at: null, imaged_at: null, mosaicked_at: null, status: 'pending', seq: groups.length + k, error: null };
        await putGroup(c, row);
      }
    });
    return planned.length;
  }

  /** Runs groups in order; each reaches a final status before the next starts (they share tiles). */
  private async runGroups(): Promise<number> {
    let finished = 0;
    for (const g of await this.ctx.db.groups()) {
      if (g.status === 'pending' && !(await calibrateGroup(this.ctx, g))) {
        finished++;
        continue;
      }
      if (g.status === 'pending' || g.status === 'calibrated') await imageGroup(this.ctx, g);
      if (g.status === 'pending' || g.status === 'calibrated' || g.status === 'imaged') {
        await mosaicGroup(this.ctx, g);
        finished++;
      }
    }
    return finished;
  }

  /** What is ready: ungrouped MS, how many more the next group needs, groups and their status. */
  async checkGroups(): Promise<GroupCheck> {
    const groups = await this.ctx.db.groups();
    const grouped = new Set(groups.flatMap((g) => JSON.parse(g.ms_paths) as string[]));
    const eligible = await this.eligible();
    const ungrouped = eligible.filter((r) => !grouped.has(r.timestamp)).map((r) => r.timestamp);
    const have = groups.length === 0 ? ungrouped.length : ungrouped.length + (GROUP_SIZE - GROUP_SLIDE);
    return {
      ungrouped,
      neededForNextGroup: Math.max(0, GROUP_SIZE - have),
      groups: groups.map((g) => ({ group_id: g.group_id, status: g.status, members: (JSON.parse(g.ms_paths) as string[]).length })),
      incompleteIncoming: scanIncoming(this.ctx.incoming).incomplete,
    };
  }

  /**
   * Clears applied calibration from MS files (by timestamp, or a group's last
   * 2 members, the overlap handed to the next group): removes the corrected
   * data and sets cal_applied = 0. Returns the MS cleared.
   */
  async clearCalibration(target: { timestamps?: string[]; groupId?: string }): Promise<string[]> {
    const { db, layout } = this.ctx;
    let rows: MsRow[] = [];
    if (target.groupId) {
      const g = (await db.groups()).find((x) => x.group_id === target.groupId);
      if (!g) throw new AlertflowError('ERR_MOSAIC', `no group ${target.groupId}`, { groupId: target.groupId });
      rows = (await groupMembers(this.ctx, g)).slice(GROUP_SLIDE);
    }
    for (const ts of target.timestamps ?? []) {
      const r = await db.ms(ts);
      if (!r) throw new AlertflowError('ERR_MOSAIC', `no MS ${ts} in ms_index`, { timestamp: ts });
      rows.push(r);
    }
    for (const r of rows) clearAppliedCalibration(locateMs(layout, r));
    await db.tx(async (c) => {
      for (const r of rows) await updateMs(c, r.timestamp, { cal_applied: 0, updated_at: this.ctx.now() });
    });
    return rows.map((r) => r.timestamp);
  }

  /** Monitoring counts. */
  status(): Promise<StatusCounts> {
    return statusCounts(this.ctx.db);
  }

  close(): Promise<void> {
    return this.ctx.db.close();
  }
}
