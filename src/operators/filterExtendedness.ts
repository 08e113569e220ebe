/**
 * `filterExtendedness`: the seed-001 extendedness filter as an RxJS
 * operator. Its core is the `filter-extendedness` batch step, so a graph
 * (in-process or on the worker pool) and `source.pipe(...)` give the same
 * output. For code without RxJS, use `passesExtendedness(alert, config)`.
 */
import type { OperatorFunction } from 'rxjs';
import { fromBatchFn, type FromBatchOptions } from './from-batch.js';
import { createFilterExtendednessStep, type ExtendednessAlert } from '../filters/extendedness-step.js';
import type { ExtendednessConfig } from '../filters/extendedness.js';

export type { ExtendednessAlert } from '../filters/extendedness-step.js';
export type { ExtendednessConfig, ExtendednessStats } from '../filters/extendedness.js';
export { passesExtendedness } from '../filters/extendedness.js';

/**
 * Keeps the alerts (DecodedAlerts or bare Rubin alerts) that pass, each
 * emitted as a DecodedAlert with an added `extendedness: {median, min, max,
 * count}`. Config is validated at once (ERR_STEP_CONFIG). A record that is
 * not a Rubin alert errors the stream with ERR_ALERT_INVALID, or goes to
 * `options.onFailure` when given.
 *
 * @example
 * decoded$.pipe(filterExtendedness({ medianMin: 0.5, requireSsSource: false }))
 *   .subscribe(({ alert, extendedness }) => console.log(alert.diaSourceId, extendedness.median));
 */
export function filterExtendedness(config: ExtendednessConfig, options: FromBatchOptions<unknown> = {}): OperatorFunction<unknown, ExtendednessAlert> {
  return fromBatchFn(createFilterExtendednessStep(config), options);
}
