/**
 * Group detection: complete sets of 16 subband files in the incoming folder
 * (`<timestamp>_sb00.hdf5` .. `_sb15.hdf5`, the DSA-110 convention), and
 * mosaic groups of 10 MS by observation time, sliding by 8 so consecutive
 * mosaics share 2 tiles, built on the runtime's count-window core.
 */
import { readdirSync } from 'node:fs';
import { countWindows } from '../runtime/steps/window.js';

/** Subbands per observation. */
export const SUBBANDS = 16;
/** MS per mosaic group, and the slide between groups (2 overlap). */
export const GROUP_SIZE = 10;
export const GROUP_SLIDE = 8;
/** Index of the calibration MS in a group (the 5th, 0-based 4). */
export const CALIBRATION_INDEX = 4;

const SUBBAND_NAME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})_sb(\d{2})\.hdf5$/;

/**
 * The file name of one subband.
 *
 * @example
 * subbandFileName('2025-10-29T13:54:17', 3) // '2025-10-29T13:54:17_sb03.hdf5'
 */
export function subbandFileName(timestamp: string, subband: number): string {
  return `${timestamp}_sb${String(subband).padStart(2, '0')}.hdf5`;
}

/** What the incoming folder holds. */
export interface IncomingScan {
  /** Timestamps with all 16 subbands, oldest first. */
  complete: string[];
  /** Timestamps still missing subbands, with the ones present. */
  incomplete: Array<{ timestamp: string; subbands: number[] }>;
}

/**
 * Lists complete and incomplete subband groups in `dir` (files of other names are ignored).
 *
 * @example
 * scanIncoming('/data/incoming').complete // ['2025-10-29T13:54:17', …]
 */
export function scanIncoming(dir: string): IncomingScan {
  const found = new Map<string, Set<number>>();
  for (const name of readdirSync(dir)) {
    const m = SUBBAND_NAME.exec(name);
    if (!m) continue;
    const sb = Number(m[2]);
    if (sb >= SUBBANDS) continue;
    let set = found.get(m[1]);
    if (!set) found.set(m[1], (set = new Set()));
    set.add(sb);
  }
  const complete: string[] = [];
  const incomplete: IncomingScan['incomplete'] = [];
  for (const ts of [...found.keys()].sort()) {
    const set = found.get(ts)!;
    if (set.size === SUBBANDS) complete.push(ts);
    else incomplete.push({ timestamp: ts, subbands: [...set].sort((a, b) => a - b) });
  }
  return { complete, incomplete };
}

/** A mosaic group about to be formed. */
export interface PlannedGroup {
  groupId: string;
  /** MS timestamps ordered by mid_mjd. */
  members: string[];
  calibrationMs: string;
}

/**
 * Group id: `mosaic_<first timestamp>`.
 *
 * @example
 * groupIdFor(['2025-10-29T13:54:17', …]) // 'mosaic_2025-10-29T13:54:17'
 */
export function groupIdFor(members: string[]): string {
  return `mosaic_${members[0]}`;
}

/**
 * The new groups that the converted MS allow, after the groups already
 * formed: the window continues from the last group's 9th member (so its last
 * 2 members open the next group), over MS ordered by mid_mjd.
 *
 * @example
 * planGroups(eligible, lastGroupMembers) // [{ groupId, members: [2 overlap + 8 new], calibrationMs: members[4] }]
 */
export function planGroups(eligible: Array<{ timestamp: string; midMjd: number }>, lastGroup: string[] | undefined): PlannedGroup[] {
  const ordered = [...eligible].sort((a, b) => a.midMjd - b.midMjd || a.timestamp.localeCompare(b.timestamp)).map((e) => e.timestamp);
  let from = 0;
  if (lastGroup) {
    const at = ordered.indexOf(lastGroup[GROUP_SLIDE]);
    // The last group's overlap member must still be eligible; otherwise start after the group.
    from = at >= 0 ? at : ordered.findIndex((t) => t > lastGroup[lastGroup.length - 1]);
    if (from < 0) return [];
  }
  return countWindows(ordered.slice(from), { size: GROUP_SIZE, slide: GROUP_SLIDE }).map((w) => ({ groupId: groupIdFor(w.values), members: w.values, calibrationMs: w.values[CALIBRATION_INDEX] }));
}
