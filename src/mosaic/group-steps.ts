/**
 * The three stages of one mosaic group: calibrate (registry first, then
 * solve what is missing, then apply per MS from the registry), image each
 * tile, and mosaic. Each stage writes its files first (atomically, and so
 * that repeating it gives the same files) and records the outcome in one
 * transaction, so a crash at any point resumes at the stage recorded.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { isAlertflowError } from '../errors.js';
import { clearAppliedCalibration, readCorrected } from './calibrate.js';
import { readMsMeta, type MsMeta } from './convert.js';
import { locateMs, type PipelineContext } from './context.js';
import { CALIBRATION_INDEX } from './groups.js';
import { updateGroup, updateMs, type GroupRow, type MsRow } from './products-db.js';
import { getActiveApplylist, isFirstTransit, registerTable, retireOverlapping, type CalTableRow, type NewCalTable } from './registry.js';
import { VLA_CALIBRATORS } from './sim.js';
import { atomicWrite, imagePath, moveIdempotent, mosaicPath, msPaths, tablePath } from './staging.js';
import { nearestTransitMjd } from './transit.js';
import { bandpassWindow, gainWindow } from './validity.js';

const message = (err: unknown): string => (isAlertflowError(err) || err instanceof Error ? err.message : String(err));

/**
 * The group's MS rows, in group order.
 *
 * @example
 * const [first] = await groupMembers(ctx, group);
 */
export async function groupMembers(ctx: PipelineContext, g: GroupRow): Promise<MsRow[]> {
  const ids = JSON.parse(g.ms_paths) as string[];
  const rows = await Promise.all(ids.map((ts) => ctx.db.ms(ts)));
  return rows.map((r, i) => {
    if (!r) throw new Error(`group ${g.group_id}: MS ${ids[i]} is not in ms_index`);
    return r;
  });
}

const applylist = (ctx: PipelineContext, mjd: number): Promise<CalTableRow[]> => ctx.db.handle.exclusive((c) => getActiveApplylist(c, mjd));

/**
 * Calibrates a pending group. Returns false when it ended as calibration_failed.
 *
 * @example
 * if (await calibrateGroup(ctx, group)) await imageGroup(ctx, group);
 */
export async function calibrateGroup(ctx: PipelineContext, g: GroupRow): Promise<boolean> {
  const { layout, db, solver } = ctx;
  let members = await groupMembers(ctx, g);
  // Overlap tiles carry the previous group's calibration: clear it (files, then flags).
  for (const m of members) clearAppliedCalibration(locateMs(layout, m));
  await db.tx(async (c) => {
    for (const m of members) if (m.cal_applied) await updateMs(c, m.timestamp, { cal_applied: 0, updated_at: ctx.now() });
  });
  members = await groupMembers(ctx, g);
  const metas = new Map<string, MsMeta>(members.map((m) => [m.timestamp, readMsMeta(locateMs(layout, m))]));
  const calMs = members[CALIBRATION_INDEX];
  const calMeta = metas.get(calMs.timestamp)!;
  const tables: NewCalTable[] = [];
  const solvedFrom = new Set<string>();
  let gain: { window: ReturnType<typeof gainWindow>; set: string } | undefined;
  try {
    // Registry first: only solve what it has no valid table for. A failed query falls back to solving.
    const existing = await applylist(ctx, calMeta.mid_mjd).catch((err) => (ctx.log(`registry query failed, solving: ${message(err)}`), [] as CalTableRow[]));
    const bpPaths = existing.filter((t) => t.table_type === 'BP').map((t) => t.path);
    if (bpPaths.length === 0) {
      const calMember = members.find((m) => metas.get(m.timestamp)!.calibrator);
      const cal = calMember && VLA_CALIBRATORS.find((c) => c.name === metas.get(calMember.timestamp)!.calibrator);
      if (calMember && cal) {
        const meta = metas.get(calMember.timestamp)!;
        const transit = nearestTransitMjd(cal.raDeg, meta.mid_mjd, ctx.site);
        const first = await db.handle.exclusive((c) => isFirstTransit(c, cal.name, transit));
        const path = tablePath(layout, calMember.timestamp, 'bpcal');
        await atomicWrite(path, (tmp) => solver.solveBandpass(meta, tmp));
        const window = bandpassWindow(transit, first);
        tables.push({ setName: calMember.timestamp, type: 'BP', path, window, calibrator: cal.name, sourceMs: calMember.timestamp, groupId: g.group_id });
        solvedFrom.add(calMember.timestamp);
        if (window.startMjd <= calMeta.mid_mjd && calMeta.mid_mjd <= window.endMjd) bpPaths.push(path);
      }
    }
    if (!(existing.some((t) => t.table_type === 'GP') && existing.some((t) => t.table_type === '2G'))) {
      const gp = tablePath(layout, calMs.timestamp, 'gpcal');
      const g2 = tablePath(layout, calMs.timestamp, '2gcal');
      await atomicWrite(gp, (gpTmp) => atomicWrite(g2, (g2Tmp) => solver.solveGains(calMeta, gpTmp, g2Tmp, bpPaths)));
      const window = gainWindow(calMeta.mid_mjd);
      gain = { window, set: calMs.timestamp };
      tables.push({ setName: calMs.timestamp, type: 'GP', path: gp, window, sourceMs: calMs.timestamp, groupId: g.group_id });
      tables.push({ setName: calMs.timestamp, type: '2G', path: g2, window, sourceMs: calMs.timestamp, groupId: g.group_id });
      solvedFrom.add(calMs.timestamp);
    }
  } catch (err) {
    ctx.log(`${g.group_id}: calibration failed: ${message(err)}`);
    await db.tx((c) => updateGroup(c, g.group_id, { status: 'calibration_failed', error: message(err) }));
    return false;
  }
  // Calibrator MS files live beside their tables.
  for (const ts of solvedFrom) moveIdempotent(locateMs(layout, members.find((m) => m.timestamp === ts)!), msPaths(layout, ts).calibrator);
  ctx.checkpoint('calibration-solved');
  await db.tx(async (c: DuckDBConnection) => {
    for (const t of tables) await registerTable(c, t, ctx.now());
    // The previous group's gains also cover the overlap tiles: retire them so the new ones apply.
    if (gain) await retireOverlapping(c, ['GP', '2G'], gain.window, gain.set);
    for (const ts of solvedFrom) await updateMs(c, ts, { path: msPaths(layout, ts).calibrator, updated_at: ctx.now() });
    const set: Partial<GroupRow> = { calibration_ms_path: solvedFrom.has(calMs.timestamp) ? msPaths(layout, calMs.timestamp).calibrator : locateMs(layout, calMs) };
    if (tables.some((t) => t.type === 'BP')) set.bpcal_solved = 1;
    await updateGroup(c, g.group_id, set);
  });
  ctx.checkpoint('calibration-registered');
  members = await groupMembers(ctx, g);
  const applied: Array<{ m: MsRow; path: string; n: number }> = [];
  try {
    for (const m of members) {
      const list = await applylist(ctx, m.mid_mjd!);
      let path = locateMs(layout, m);
      if (list.length > 0) await solver.apply(metas.get(m.timestamp)!, path, list);
      const organised = msPaths(layout, m.timestamp);
      if (path !== organised.calibrator) {
        moveIdempotent(path, organised.science);
        path = organised.science;
      }
      applied.push({ m, path, n: list.length });
    }
  } catch (err) {
    await db.tx((c) => updateGroup(c, g.group_id, { status: 'calibration_failed', error: `apply: ${message(err)}` }));
    return false;
  }
  ctx.checkpoint('calibration-applied');
  await db.tx(async (c) => {
    for (const { m, path, n } of applied) {
      await updateMs(c, m.timestamp, { stage: 'calibrated', cal_applied: n > 0 ? 1 : 0, path, error: n > 0 ? null : 'no valid calibration in registry (flagged for review)', updated_at: ctx.now() });
    }
    await updateGroup(c, g.group_id, { status: 'calibrated', calibrated_at: ctx.now() });
  });
  return true;
}

/**
 * Images every tile of a calibrated group; a failed tile marks only that MS failed.
 *
 * @example
 * await imageGroup(ctx, group); // members: stage imaged, status done (or failed)
 */
export async function imageGroup(ctx: PipelineContext, g: GroupRow): Promise<void> {
  const members = await groupMembers(ctx, g);
  const outcomes: Array<{ m: MsRow; error?: string }> = [];
  for (const m of members) {
    const path = locateMs(ctx.layout, m);
    try {
      const meta = readMsMeta(path);
      const scale = readCorrected(path)?.scale ?? meta.bandpass * meta.gain;
      await atomicWrite(imagePath(ctx.layout, g.group_id, m.timestamp), (tmp) => ctx.imager.image(meta, scale, tmp));
      outcomes.push({ m });
    } catch (err) {
      ctx.log(`${m.timestamp}: imaging failed: ${message(err)}`);
      outcomes.push({ m, error: message(err) });
    }
  }
  ctx.checkpoint('imaged');
  await ctx.db.tx(async (c) => {
    for (const { m, error } of outcomes) {
      if (error) await updateMs(c, m.timestamp, { status: 'failed', error: `imaging: ${error}`, updated_at: ctx.now() });
      else await updateMs(c, m.timestamp, { stage: 'imaged', status: 'done', imagename: imagePath(ctx.layout, g.group_id, m.timestamp), updated_at: ctx.now() });
    }
    await updateGroup(c, g.group_id, { status: 'imaged', imaged_at: ctx.now() });
  });
}

/**
 * Mosaics the imaged tiles of a group (status completed, or mosaic_failed).
 *
 * @example
 * await mosaicGroup(ctx, group); // mosaics/<group_id>.fits
 */
export async function mosaicGroup(ctx: PipelineContext, g: GroupRow): Promise<boolean> {
  const tiles = (await groupMembers(ctx, g)).filter((m) => m.status === 'done' && m.imagename);
  const out = mosaicPath(ctx.layout, g.group_id);
  try {
    if (tiles.length === 0) throw new Error('no tile was imaged');
    await atomicWrite(out, (tmp) => ctx.mosaic(tiles.map((t) => t.imagename!), tmp, { groupId: g.group_id }));
  } catch (err) {
    ctx.log(`${g.group_id}: mosaic failed: ${message(err)}`);
    await ctx.db.tx((c) => updateGroup(c, g.group_id, { status: 'mosaic_failed', error: message(err) }));
    return false;
  }
  ctx.checkpoint('mosaicked');
  await ctx.db.tx(async (c) => {
    for (const t of tiles) await updateMs(c, t.timestamp, { stage: 'mosaicked', updated_at: ctx.now() });
    await updateGroup(c, g.group_id, { status: 'completed', mosaic_id: g.group_id, mosaicked_at: ctx.now() });
  });
  return true;
}
