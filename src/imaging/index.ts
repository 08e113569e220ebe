/**
 * Imaging: postage-stamp cutouts (astropy Cutout2D's grid), display
 * stretches (zscale, asinh), PNG output, and the batch core behind the
 * `cutout` operator.
 *
 * @example
 * import { skyImageFromFits, cutoutAt, stampFits, stampPng } from 'alertflow/imaging';
 */
export { cutoutAt, DEFAULT_PASSTHROUGH, stampShape, stampStart } from './cutout.js';
export type { CutoutFlags, CutoutOptions, SizeUnit, Stamp, StampSize } from './cutout.js';
export { loadSkyImage, SkyImageCache, skyImageFromFits } from './image.js';
export type { SkyImage } from './image.js';
export { LruCache } from './lru.js';
export { encodeGrayPng, stampPng } from './png.js';
export { minMax, stretchValues, toGray8, zscaleLimits } from './stretch.js';
export type { StretchName, ZscaleOptions } from './stretch.js';
export { createCutoutCore, cutoutBatch, stampFits, validateCutoutConfig } from './batch.js';
export type { CutoutConfig, CutoutRequest, CutoutResult } from './batch.js';
