/**
 * World coordinate systems: 2-D celestial WCS with the TAN, SIN and ZEA
 * projections, from and to FITS header cards.
 *
 * @example
 * import { wcsFromHeader, pixelToWorld0, worldToPixel0 } from 'alertflow/fits';
 */
export { lonpoleOf, pixelScales, pixelToWorld, pixelToWorld0, shiftWcs, worldToPixel, worldToPixel0 } from './celestial.js';
export type { CelestialWcs } from './celestial.js';
export { hasCelestialWcs, wcsFromHeader, wcsHeaderCards } from './header.js';
export type { WcsCardStyle, WcsFromHeaderOptions } from './header.js';
export { deprojectZenithal, projectZenithal } from './zenithal.js';
export type { ZenithalCode } from './zenithal.js';
