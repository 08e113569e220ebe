/**
 * The `package-alert` batch step: alert parts in, packaged alerts out, as
 * DecodedAlerts that carry their wire bytes as `raw`, so Kafka and file
 * sinks write those bytes without encoding again.
 */
import { AlertflowError, toErrorData } from '../errors.js';
import type { DecodedAlert } from '../formats/types.js';
import type { BatchFn, RecordResult } from '../runtime/types.js';
import { buildAlertPacket, resolvePackageOptions, type AlertParts, type PackageAlertOptions } from './package.js';

/**
 * The parts inside a step input: AlertParts themselves, a DecodedAlert (its
 * alert, e.g. to package it in another schema version), or a simulator
 * record `{ alert, truth }`.
 *
 * @example
 * partsOf(simulated) === simulated.alert // true
 */
export function partsOf(record: unknown): AlertParts {
  const r = record as Record<string, unknown> | null;
  if (r && typeof r === 'object') {
    if (typeof r['diaSource'] === 'object' && r['diaSource'] !== null) return r as unknown as AlertParts;
    const inner = r['alert'] as Record<string, unknown> | undefined;
    if (inner && typeof inner === 'object' && typeof inner['diaSource'] === 'object' && inner['diaSource'] !== null) return inner as unknown as AlertParts;
  }
  throw new AlertflowError('ERR_ALERT_INVALID', 'package-alert: input has no diaSource (expected alert parts, a DecodedAlert or { alert, truth })', { field: 'diaSource' });
}

/**
 * Creates the step from plain-JSON config ({@link PackageAlertOptions}:
 * `schema` default `lsst.v11_0`, `historyDays` default 365). Invalid input
 * is a per-record failure with ERR_ALERT_INVALID naming the field.
 *
 * @example
 * const step = createPackageAlertStep({ schema: 'lsst.v11_0', historyDays: 365 });
 * const [r] = await step([parts]); // r.ok && r.out[0].raw.bytes is the wire packet
 */
export function createPackageAlertStep(config: PackageAlertOptions | Record<string, unknown> = {}): BatchFn<unknown, DecodedAlert> {
  const opts = resolvePackageOptions(config);
  return (batch) =>
    batch.map((record): RecordResult<DecodedAlert> => {
      try {
        const { alert, bytes, schema } = buildAlertPacket(partsOf(record), opts);
        return { ok: true, out: [{ kind: 'alert', survey: 'lsst', schema, alert, raw: { kind: 'raw', bytes } }] };
      } catch (err) {
        return { ok: false, error: toErrorData(err) };
      }
    });
}
