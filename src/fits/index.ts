/**
 * FITS: header cards, primary-HDU images (read and write, plain or gzip), and TAN WCS.
 *
 * @example
 * import { writeFitsImage, readFits, stampWcs } from 'alertflow/fits';
 */
export { FITS_BLOCK, FITS_CARD, encodeHeader, formatCard, formatFitsReal, headerValue, parseCard, parseHeader } from './header.js';
export type { FitsCard, FitsValue, ParsedHeader } from './header.js';
export { bitpixOf, pixelsFor } from './image.js';
export type { Bitpix, FitsPixels } from './image.js';
export { createFitsImageWriter, primaryCards, writeFitsImage, writeFitsImageGz } from './write.js';
export type { FitsImageInput } from './write.js';
export { isFits, physicalPixels, readFits } from './read.js';
export type { FitsImage } from './read.js';
export { makeTanWcs, tanPixelToSky, tanSkyToPixel } from './tan.js';
export type { TanWcs, TanWcsOptions } from './tan.js';
export { stampWcs, tanWcsCards, tanWcsFromCards } from './wcs-header.js';
