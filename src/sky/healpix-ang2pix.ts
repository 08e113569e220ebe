/**
 * (ra, dec) in degrees → HEALPix NESTED index, bit-for-bit like cdshealpix
 * (`cdshealpix.nested.lonlat_to_healpix`, which hats uses for `_healpix_29`).
 *
 * Method (Górski et al. 2005; Calabretta & Roukema 2007): the longitude gives a
 * quarter q and an offset x ∈ [−1, 1) from the quarter's centre; above
 * |lat| = asin(2/3) the polar caps use the Collignon projection (scale
 * √6·cos(lat/2 ± π/4)), between them the cylindrical equal-area band
 * (y = 1.5·sin lat) split into base cells by the diagonals x = ±y. The in-cell
 * coordinates (h, l) give i = ⌊(h + l)·nside/2⌋ and j = ⌊(h − l)·nside/2⌋, and
 * the index is face·4^order plus i in the even bits and j in the odd bits.
 *
 * Every floating-point step is the same IEEE operation, in the same order, as
 * the reference; only sine/cosine come from a different libm. For the rare
 * positions whose cell depends on the last bit of those (see healpix-trig.ts)
 * the computation is redone with correctly rounded sin/cos.
 */
import { AlertflowError } from '../errors.js';
import { MAX_NUMBER_ORDER, MAX_ORDER, checkOrder, spread16, xyfToNest, xyfToNestBig } from './healpix-order.js';
import { crCos, crSin } from './healpix-trig.js';

/** Sine and cosine used by the projection; swap them to reproduce another libm. */
export interface Trig {
  sin(x: number): number;
  cos(x: number): number;
}

/** JS engine trig (fast; differs from glibc in the last bit for a few % of arguments). */
const ENGINE_TRIG: Trig = { sin: Math.sin, cos: Math.cos };
/** Correctly rounded trig: what glibc gives for all but ~0.1 % of arguments. */
export const CORRECTLY_ROUNDED_TRIG: Trig = { sin: crSin, cos: crCos };

const DEG2RAD = Math.PI / 180; // astropy's deg→rad scale and numpy.radians both multiply by this
const FOUR_OVER_PI = 4 / Math.PI;
const TRANSITION_LAT = Math.asin(2 / 3);
/** 1 / fl(2/3): one ulp above 1.5, because fl(2/3) is just below 2/3. */
const ONE_OVER_TRANSITION_Z = 1.5;
const SQRT6 = Math.sqrt(6);
const PI_OVER_4 = Math.PI / 4;
/** Distance (in cells) to a cell edge below which the last bit of sin/cos may matter. */
const FRAGILE = 1e-6;
/** Same, for the diagonal comparisons that pick the equatorial base cell. */
const FRAGILE_DIAG = 1e-12;

// Results of locate(): base cell and in-cell coordinates (module scratch, no allocation per call).
let F = 0;
let I = 0;
let J = 0;

/**
 * Wraps ra into [0, 360) exactly like astropy `Longitude` (floor-divide by 360,
 * subtract, then fix rounding at the ends), so ra = 360 and ra = −1e−15 give 0.
 *
 * @example
 * wrapRa(360) // 0
 * wrapRa(-90) // 270
 */
export function wrapRa(ra: number): number {
  if (ra >= 0 && ra < 360) return ra;
  // numpy float floor_divide: via fmod, then floor with a rounding correction.
  const mod = ra % 360;
  let div = (ra - mod) / 360;
  if (mod !== 0 && mod < 0) div -= 1;
  let wraps = Math.floor(div);
  if (div - wraps > 0.5) wraps += 1;
  let r = ra - wraps * 360;
  if (r >= 360) r -= 360;
  if (r < 0) r += 360;
  return r;
}

function invalid(ra: number, dec: number, index?: number): AlertflowError {
  return new AlertflowError('ERR_HEALPIX', `invalid position ra=${ra} dec=${dec}: ra must be finite and dec in [-90, 90]`, index === undefined ? { ra, dec } : { ra, dec, index });
}

/**
 * Projects (lon, lat) in radians into base cell F and in-cell (h, l), then sets
 * F, I, J for nside = 2·halfNside. Returns false when the cell could depend on the
 * last bit of the trig value (the caller then retries with correctly rounded trig).
 */
function locate(lon: number, lat: number, halfNside: number, nside: number, trig: Trig, strict: boolean): boolean {
  const x = FOUR_OVER_PI * lon;
  const xi = Math.trunc(x) | 1; // nearest odd integer at or below: centre of the quarter
  const q = (xi >>> 1) & 3;
  const xpm1 = x - xi;
  let h: number;
  let l: number;
  let robust = true;
  if (lat > TRANSITION_LAT) {
    const s = SQRT6 * trig.cos(lat / 2 + PI_OVER_4);
    l = xpm1 * s;
    h = 2 - s;
    F = q;
  } else if (lat < -TRANSITION_LAT) {
    const s = SQRT6 * trig.cos(lat / 2 - PI_OVER_4);
    l = xpm1 * s;
    h = s;
    F = q + 8;
  } else {
    const y = trig.sin(lat) * ONE_OVER_TRANSITION_Z;
    // x > y and x ≥ −y: the south-east and south-west edges belong to the cell.
    const q01 = xpm1 > y ? 1 : 0;
    const q12 = xpm1 >= -y ? 1 : 0;
    const q03 = 1 - q12;
    const q1 = q01 & q12;
    l = xpm1 - (q01 + q12 - 1);
    h = y + (q01 + q03);
    F = ((q01 + q03) << 2) + ((q + q1) & 3);
    if (strict && (Math.abs(xpm1 - y) < FRAGILE_DIAG || Math.abs(xpm1 + y) < FRAGILE_DIAG)) robust = false;
  }
  const vi = (h + l) * halfNside;
  const vj = (h - l) * halfNside;
  if (strict) {
    const fi = vi - Math.floor(vi);
    const fj = vj - Math.floor(vj);
    if (fi < FRAGILE || fi > 1 - FRAGILE || fj < FRAGILE || fj > 1 - FRAGILE) robust = false;
  }
  // Truncate toward zero; tiny negatives from rounding become 0, h ± l = 2 becomes nside − 1.
  I = vi > 0 ? Math.floor(vi) : 0;
  J = vj > 0 ? Math.floor(vj) : 0;
  if (I >= nside) I = nside - 1;
  if (J >= nside) J = nside - 1;
  return robust;
}

/** Validates, converts to radians and locates at `order`; sets F, I, J. */
function locateDeg(order: number, ra: number, dec: number, trig: Trig | undefined): void {
  if (!(dec >= -90 && dec <= 90) || !Number.isFinite(ra)) throw invalid(ra, dec);
  const lon = wrapRa(ra) * DEG2RAD;
  const lat = dec * DEG2RAD;
  const nside = 2 ** order;
  if (trig) locate(lon, lat, nside / 2, nside, trig, false);
  else if (!locate(lon, lat, nside / 2, nside, ENGINE_TRIG, true)) locate(lon, lat, nside / 2, nside, CORRECTLY_ROUNDED_TRIG, false);
}

/**
 * NESTED index of (ra, dec) in degrees at `order` ≤ 24, as a number.
 * Throws ERR_HEALPIX for NaN/infinite ra, |dec| > 90 or a bad order.
 *
 * @example
 * ang2pix(0, 5, 5) // 4
 * ang2pix(10, 180, -30) // NESTED index at nside 1024
 */
export function ang2pix(order: number, ra: number, dec: number): number {
  checkOrder(order, MAX_NUMBER_ORDER);
  locateDeg(order, ra, dec, undefined);
  return xyfToNest(order, I, J, F);
}

/**
 * NESTED index of (ra, dec) in degrees at any order ≤ 29, as a bigint.
 * `trig` replaces the sine/cosine implementation (tests use it to reproduce a
 * given libm exactly); leave it out for normal use.
 *
 * @example
 * ang2pixBig(29, 5, 5) // 1370628467894962607n
 */
export function ang2pixBig(order: number, ra: number, dec: number, trig?: Trig): bigint {
  checkOrder(order, MAX_ORDER);
  locateDeg(order, ra, dec, trig);
  return xyfToNestBig(order, I, J, F);
}

/**
 * HATS `_healpix_29`: the order-29 NESTED index of (ra, dec) in degrees.
 *
 * @example
 * healpix29(5, 5) // 1370628467894962607n
 */
export function healpix29(ra: number, dec: number): bigint {
  locateDeg(MAX_ORDER, ra, dec, undefined);
  return xyfToNestBig(MAX_ORDER, I, J, F);
}

/** Validates row `k` of a column pair (degrees) and locates it at nside; sets F, I, J. */
function locateRow(r: number, d: number, k: number, half: number, nside: number): void {
  if (!(d >= -90 && d <= 90) || !Number.isFinite(r)) throw invalid(r, d, k);
  const lon = (r >= 0 && r < 360 ? r : wrapRa(r)) * DEG2RAD;
  const lat = d * DEG2RAD;
  if (!locate(lon, lat, half, nside, ENGINE_TRIG, true)) locate(lon, lat, half, nside, CORRECTLY_ROUNDED_TRIG, false);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * `_healpix_29` for whole columns: ra/dec in degrees → BigInt64Array (signed int64,
 * as HATS stores it). No BigInt arithmetic per row: the two 32-bit halves of each
 * index are built from 16-bit spreads and written straight into the buffer.
 * Throws ERR_HEALPIX (details.index = row) on the first invalid position.
 *
 * @example
 * healpix29Batch(Float64Array.of(5, 0), Float64Array.of(5, 90)) // BigInt64Array [1370628467894962607n, 864691128455135231n]
 */
export function healpix29Batch(ra: Float64Array, dec: Float64Array, out?: BigInt64Array): BigInt64Array {
  const n = ra.length;
  if (dec.length !== n || (out && out.length < n)) {
    throw new AlertflowError('ERR_HEALPIX', 'healpix29Batch: ra, dec (and out) must have the same length', { ra: n, dec: dec.length, out: out?.length });
  }
  const res = out ?? new BigInt64Array(n);
  const words = new Uint32Array(res.buffer, res.byteOffset, n * 2);
  const view = LITTLE_ENDIAN ? undefined : new DataView(res.buffer, res.byteOffset, n * 8);
  const nside = 2 ** MAX_ORDER;
  const half = nside / 2;
  for (let k = 0; k < n; k++) {
    locateRow(ra[k]!, dec[k]!, k, half, nside);
    const lo = (spread16(I & 0xffff) | (spread16(J & 0xffff) << 1)) >>> 0;
    const hi = (spread16(I >>> 16) | (spread16(J >>> 16) << 1) | (F << 26)) >>> 0;
    if (view) {
      view.setUint32(k * 8, hi, false);
      view.setUint32(k * 8 + 4, lo, false);
    } else {
      words[2 * k] = lo;
      words[2 * k + 1] = hi;
    }
  }
  return res;
}

/**
 * NESTED indices at `order` ≤ 24 for whole columns, as exact numbers in a Float64Array.
 *
 * @example
 * ang2pixBatch(10, Float64Array.of(5), Float64Array.of(5)) // Float64Array [index]
 */
export function ang2pixBatch(order: number, ra: Float64Array, dec: Float64Array, out?: Float64Array): Float64Array {
  checkOrder(order, MAX_NUMBER_ORDER);
  const n = ra.length;
  if (dec.length !== n || (out && out.length < n)) {
    throw new AlertflowError('ERR_HEALPIX', 'ang2pixBatch: ra, dec (and out) must have the same length', { ra: n, dec: dec.length, out: out?.length });
  }
  const res = out ?? new Float64Array(n);
  const nside = 2 ** order;
  const half = nside / 2;
  const perFace = 4 ** order;
  for (let k = 0; k < n; k++) {
    locateRow(ra[k]!, dec[k]!, k, half, nside);
    const lo = (spread16(I & 0xffff) | (spread16(J & 0xffff) << 1)) >>> 0;
    const hi = spread16(I >>> 16) | (spread16(J >>> 16) << 1);
    res[k] = F * perFace + hi * 4294967296 + lo;
  }
  return res;
}
