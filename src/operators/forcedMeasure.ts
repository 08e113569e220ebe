/**
 * `forcedMeasure`: PSF flux and error at fixed sky positions (DPDD step 5a,
 * precovery step 14a, the forced-photometry service). The science core is
 * {@link createForcedMeasureStep}, a plain batch function that also runs on
 * the worker pool as a `module` step.
 */
import type { OperatorFunction } from 'rxjs';
import { createForcedMeasureStep, type ForcedMeasureConfig, type ForcedMeasurement, type ForcedRequest } from '../photometry/step.js';
import { fromBatchFn, type FromBatchOptions } from './from-batch.js';

/**
 * Measures each request {id, ra, dec, image?} on its image. Requests in one
 * batch share an image load; decoded images are cached across batches, so a
 * larger `batchSize` mostly saves per-call overhead, not I/O.
 *
 * @example
 * requests$.pipe(forcedMeasure({ image: 'diff.fits', sigma: 9.1, psfFwhm: 3.6 }, { batchSize: 256 }))
 *   .subscribe((m) => console.log(m.id, m.psfFlux, m.psfFluxErr, m.flags));
 */
export function forcedMeasure(config: ForcedMeasureConfig, options: FromBatchOptions<ForcedRequest> = {}): OperatorFunction<ForcedRequest, ForcedMeasurement> {
  return fromBatchFn(createForcedMeasureStep(config), options);
}
