/**
 * `packageAlert`: alert packaging (seed 002 steps 10–11) as an RxJS
 * operator over the `package-alert` batch step. The plain function is
 * `buildAlertPacket(parts, options)` in `src/alerts`.
 */
import type { OperatorFunction } from 'rxjs';
import { fromBatchFn, type FromBatchOptions } from './from-batch.js';
import { createPackageAlertStep } from '../alerts/step.js';
import type { PackageAlertOptions } from '../alerts/package.js';
import type { DecodedAlert } from '../formats/types.js';

export { buildAlertPacket } from '../alerts/package.js';
export type { AlertParts, AlertPacket, PackageAlertOptions } from '../alerts/package.js';

/**
 * Packages each input (AlertParts, a DecodedAlert, or a simulator
 * `{ alert, truth }`) into a DecodedAlert of the chosen Rubin schema whose
 * `raw.bytes` is the Confluent wire packet. Options are validated at once
 * (ERR_STEP_CONFIG). Invalid parts error the stream with ERR_ALERT_INVALID,
 * or go to `options.onFailure` when given.
 *
 * @example
 * parts$.pipe(packageAlert({ schema: 'lsst.v11_0', historyDays: 365 }))
 *   .subscribe(({ raw }) => producer.produce(topic, null, raw!.bytes));
 */
export function packageAlert(config: PackageAlertOptions = {}, options: FromBatchOptions<unknown> = {}): OperatorFunction<unknown, DecodedAlert> {
  return fromBatchFn(createPackageAlertStep(config), options);
}
