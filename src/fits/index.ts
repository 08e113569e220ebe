/**
 * FITS: header cards (with long CONTINUE strings), images in the primary HDU
 * and IMAGE extensions (read and write, plain or gzip, BSCALE/BZERO/BLANK),
 * and celestial WCS (TAN, SIN, ZEA; re-exported from `src/wcs`).
 *
 * @example
 * import { readFitsHdus, writeFits, wcsFromHeader, pixelToWorld0 } from 'alertflow/fits';
 */
export { FITS_BLOCK, FITS_CARD, encodeHeader, formatCard, formatFitsReal, headerValue, parseCard, parseHeader } from './header.js';
export type { FitsCard, FitsValue, ParsedHeader } from './header.js';
export { foldContinueCards, formatLongStringCard, splitLongString } from './long-string.js';
export { bitpixOf, pixelsFor } from './image.js';
export type { Bitpix, FitsPixels } from './image.js';
export { createFitsImageWriter, primaryCards, writeFitsImage, writeFitsImageGz } from './write.js';
export type { FitsImageInput } from './write.js';
export { writeFits } from './write-hdus.js';
export type { FitsHduInput, WriteFitsOptions } from './write-hdus.js';
export { BZERO_U64, quantize, toStored, unsignedPixels } from './scale.js';
export type { OffsetPixels } from './scale.js';
export { isFits, isGzip, physicalPixels, readFits, readFitsHdus, selectHdu } from './read.js';
export type { FitsImage } from './read.js';
export { makeTanWcs, tanPixelToSky, tanSkyToPixel } from './tan.js';
export type { TanWcs, TanWcsOptions } from './tan.js';
export { stampWcs, tanWcsCards, tanWcsFromCards } from './wcs-header.js';
export { lonpoleOf, pixelScales, pixelToWorld, pixelToWorld0, shiftWcs, worldToPixel, worldToPixel0 } from '../wcs/celestial.js';
export type { CelestialWcs } from '../wcs/celestial.js';
export { hasCelestialWcs, wcsFromHeader, wcsHeaderCards } from '../wcs/header.js';
export type { WcsCardStyle, WcsFromHeaderOptions } from '../wcs/header.js';
export type { ZenithalCode } from '../wcs/zenithal.js';
