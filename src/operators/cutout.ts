/**
 * The `cutout` operator: postage stamps (FITS, optional PNG) around the sky
 * positions of a stream of `{ id, ra, dec }` records, cut from one image on
 * astropy Cutout2D's pixel grid. The science core lives in `src/imaging/`;
 * this file only adapts it to RxJS and to graph steps.
 */
import type { OperatorFunction } from 'rxjs';
import type { BatchFn } from '../runtime/types.js';
import { createCutoutCore, validateCutoutConfig, type CutoutConfig, type CutoutRequest, type CutoutResult } from '../imaging/batch.js';
import { fromBatchFn, type FromBatchOptions } from './from-batch.js';

/**
 * Options of {@link cutout}: the core's configuration plus batching and failure handling.
 *
 * @example
 * const o: CutoutOperatorConfig = { image: 'calexp.fits', size: 6, sizeUnit: 'arcsec', png: 'asinh', batchSize: 64 };
 */
export interface CutoutOperatorConfig extends CutoutConfig, FromBatchOptions<CutoutRequest> {}

/**
 * Cuts a stamp for every record. A record that cannot be cut (a NaN
 * coordinate, an unreadable image) errors the stream with its typed error,
 * or goes to `onFailure` when given. Positions off the image give all-NaN
 * stamps flagged `outside` (or nothing, with `skipOutside`).
 *
 * @example
 * positions$.pipe(cutout({ image: 'calexp.fits', size: 31, sizeUnit: 'pix', gzip: true, png: 'zscale' }))
 *   .subscribe(({ id, fits, png, flags }) => save(id, fits, png, flags));
 */
export function cutout(config: CutoutOperatorConfig): OperatorFunction<CutoutRequest, CutoutResult> {
  const { batchSize, onFailure, ...core } = config;
  return fromBatchFn(createCutoutCore(core), { ...(batchSize !== undefined ? { batchSize } : {}), ...(onFailure ? { onFailure } : {}) });
}

/**
 * Batch-step factory for graphs (step type `'cutout'`): plain-JSON config
 * (`image` must be a path so the step can run in a worker).
 *
 * @example
 * registry.steps.cutout = createCutoutStep;
 * // graph: .step('stamps', 'cutout', { image: 'calexp.fits', size: 31, png: 'zscale' })
 */
export function createCutoutStep(config: Record<string, unknown>): BatchFn {
  return createCutoutCore(validateCutoutConfig(config)) as BatchFn;
}

/**
 * The step type name under which {@link createCutoutStep} is registered.
 *
 * @example
 * steps[CUTOUT_STEP] = createCutoutStep;
 */
export const CUTOUT_STEP = 'cutout';
