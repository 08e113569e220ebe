/**
 * The `seed001-row` batch step: turns each passing alert into the row and
 * cutouts the seed-001 sink writes. Put it on the worker pool after
 * `filter-extendedness`, so that what crosses back to the main thread is a
 * row and three stamps, not a decoded alert with a year of history (whose
 * copy costs more than its decoding).
 */
import { toErrorData } from '../errors.js';
import type { BatchFn, RecordResult } from '../runtime/types.js';
import { CUTOUT_KINDS, plainFits, seed001Parts, type Seed001Row } from './seed001-row.js';

/**
 * Creates the step (it takes no config). Input: what `filter-extendedness`
 * emits, or bare Rubin alerts. Output: one {@link Seed001Row} per record,
 * stamps already gunzipped (a stamp that is not FITS is dropped here and
 * its path cell stays empty, as the sink does). ERR_ALERT_INVALID for a
 * record without a diaSource or an integer diaSourceId.
 *
 * @example
 * const toRow = createSeed001RowStep();
 * const [r] = await toRow([passingAlert]); // r.ok && r.out[0].kind === 'seed001-row'
 */
export function createSeed001RowStep(): BatchFn<unknown, Seed001Row> {
  return (batch) =>
    batch.map((record): RecordResult<Seed001Row> => {
      try {
        const parts = seed001Parts(record);
        const cutouts = { ...parts.cutouts };
        for (const kind of CUTOUT_KINDS) {
          const raw = cutouts[kind];
          if (raw) cutouts[kind] = plainFits(raw) ?? null;
        }
        return { ok: true, out: [{ ...parts, cutouts, kind: 'seed001-row' }] };
      } catch (err) {
        return { ok: false, error: toErrorData(err) };
      }
    });
}
