/**
 * Forced PSF photometry: pixel-integrated Gaussian and image PRFs, the
 * closed-form fixed-position flux fit, image loading with an LRU cache, and
 * the batch step behind the `forcedMeasure` operator and the
 * `forced-photometry` command.
 *
 * @example
 * import { forcedPhotometry, gaussianPrf } from 'alertflow/photometry';
 * const rows = forcedPhotometry({ data, width, height, sigma: 5, wcs }, [{ ra, dec }], { psf: gaussianPrf(3.5) });
 */
export { erf, erfc, erfDiff } from './erf.js';
export { gaussianPrf, imagePsf } from './psf.js';
export type { ImagePsfOptions, PsfInterpolation, PsfModel } from './psf.js';
export { FLAG_BITS, FLAG_NAMES, flagNames, formatFlags } from './flags.js';
export type { ForcedFlag } from './flags.js';
export { defaultFitShape, forcedPhotometry } from './fit.js';
export type { ForcedImage, ForcedOptions, ForcedPosition, ForcedRow } from './fit.js';
export { loadImage, readImageHdu } from './load.js';
export type { LoadedImage } from './load.js';
export { LruCache } from './cache.js';
export { createForcedMeasureStep } from './step.js';
export type { ForcedMeasureConfig, ForcedMeasurement, ForcedRequest } from './step.js';
