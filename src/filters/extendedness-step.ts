/**
 * The `filter-extendedness` batch step: keeps the Rubin alerts that pass
 * the extendedness filter and attaches the statistics it computed, so that
 * sinks (CSV, tables) can write them without computing them again.
 */
import { toErrorData } from '../errors.js';
import type { DecodedAlert } from '../formats/types.js';
import type { BatchFn, RecordResult } from '../runtime/types.js';
import { alertOf, extendednessStats, resolveExtendednessConfig, statsPass, type ExtendednessConfig, type ExtendednessStats } from './extendedness.js';
import { hasSolarSystemAssociation } from './solar-system.js';

/**
 * What the step emits: the input DecodedAlert (same fields, same `raw`
 * bytes) plus `extendedness`, the statistics that made it pass.
 *
 * @example
 * const { alert, extendedness: { median } }: ExtendednessAlert = out;
 */
export type ExtendednessAlert = DecodedAlert & { extendedness: ExtendednessStats };

const COUNT_FIELDS = ['psfNdata', 'trailNdata', 'dipoleNdata', 'bboxSize'];

/**
 * Schema name of a bare Rubin alert, from what the versions leave visible:
 * v9 has `MPCORB` (and old ssSource field names); a null count field
 * (psfNdata, …) rules out v11, where they are non-nullable; else v11.
 * Pass DecodedAlerts to keep the exact schema.
 *
 * @example
 * guessLsstSchema(simulatedAlert) // 'lsst.v11_0'
 */
export function guessLsstSchema(alert: Record<string, unknown>): string {
  const ss = alert['ssSource'] as Record<string, unknown> | null | undefined;
  if ('MPCORB' in alert || (ss && 'eclipticLambda' in ss)) return 'lsst.v9_0';
  const ds = alert['diaSource'] as Record<string, unknown>;
  if (COUNT_FIELDS.some((f) => ds[f] === null)) return 'lsst.v10_0';
  return 'lsst.v11_0';
}

/** The record as a DecodedAlert (bare alerts are wrapped; see {@link guessLsstSchema}). */
function asDecoded(record: unknown, alert: Record<string, unknown>): DecodedAlert {
  const r = record as Partial<DecodedAlert>;
  if (r.kind === 'alert' && r.alert === alert) return r as DecodedAlert;
  return { kind: 'alert', survey: 'lsst', schema: guessLsstSchema(alert), alert };
}

/**
 * Creates the step from plain-JSON config ({@link ExtendednessConfig});
 * ERR_STEP_CONFIG for a bad one. Input: DecodedAlerts or bare Rubin
 * alerts. Output: one {@link ExtendednessAlert} per passing alert, none
 * for a failing one. A record that is not a Rubin alert fails with
 * ERR_ALERT_INVALID (dead-lettered by the runtime).
 *
 * @example
 * const step = createFilterExtendednessStep({ medianMin: 0.5, requireSsSource: false });
 * const results = await step(decodedAlerts); // results[i].ok && results[i].out.length === 1 when alert i passed
 */
export function createFilterExtendednessStep(config: ExtendednessConfig | Record<string, unknown>): BatchFn<unknown, ExtendednessAlert> {
  const c = resolveExtendednessConfig(config);
  return (batch) =>
    batch.map((record): RecordResult<ExtendednessAlert> => {
      try {
        const alert = alertOf(record);
        const stats = extendednessStats(alert);
        if (hasSolarSystemAssociation(alert) !== c.requireSsSource || !statsPass(stats, c)) return { ok: true, out: [] };
        return { ok: true, out: [{ ...asDecoded(record, alert), extendedness: stats }] };
      } catch (err) {
        return { ok: false, error: toErrorData(err) };
      }
    });
}
