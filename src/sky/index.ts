/**
 * Sky geometry: unit vectors and separations, and HEALPix NESTED indexing
 * (ang2pix/pix2ang, neighbours, disc queries, HATS `_healpix_29`).
 *
 * @example
 * import { healpix29, queryDisc } from 'alertflow/sky';
 */
export { chord2ForAngleDeg, radecToVector, separationDeg, vectorSeparationDeg, vectorToRadec, type Vec3 } from './vector.js';
export {
  MAX_NUMBER_ORDER,
  MAX_ORDER,
  checkOrder,
  childRangeBig,
  compact16,
  degrade,
  degradeBig,
  maxPixelRadiusDeg,
  nestToXyf,
  npix,
  nsideToOrder,
  orderToNside,
  pixelAreaDeg2,
  pixelAreaSr,
  resolutionDeg,
  spread16,
  xyfToNest,
  xyfToNestBig,
  type Xyf,
} from './healpix-order.js';
export { CORRECTLY_ROUNDED_TRIG, ang2pix, ang2pixBatch, ang2pixBig, healpix29, healpix29Batch, wrapRa, type Trig } from './healpix-ang2pix.js';
export { ang2pixHealpy, ang2pixHealpyBig } from './healpix-healpy.js';
export { FACE_PHI, FACE_RING, facePointVector, pix2ang, pixelCorners, pixelPointVector } from './healpix-pix2ang.js';
export { neighbours, neighboursBig } from './healpix-neighbours.js';
export { queryDisc, queryDiscRanges, type DiscOptions } from './healpix-disc.js';
export { crCos, crSin } from './healpix-trig.js';
