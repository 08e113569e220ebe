/**
 * (ra, dec) → NESTED index with healpy's arithmetic (`healpy.ang2pix(nside, ra,
 * dec, nest=True, lonlat=True)`): colatitude θ = π/2 − dec·π/180, z = cos θ,
 * t = (φ·2/π) mod 4, the equatorial/polar split at |z| = 2/3 and the classic
 * Górski et al. (2005) formulas in each zone.
 *
 * Why a second convention: cdshealpix (see healpix-ang2pix.ts) and healpy round
 * differently, so for a position lying exactly on a pixel edge (a pixel corner
 * fed back, say) they can return different — equally valid — neighbours. Both
 * agree everywhere else. Use this one to reproduce healpy maps bit for bit.
 */
import { AlertflowError } from '../errors.js';
import { MAX_NUMBER_ORDER, MAX_ORDER, checkOrder, xyfToNest, xyfToNestBig } from './healpix-order.js';
import { CORRECTLY_ROUNDED_TRIG, type Trig } from './healpix-ang2pix.js';

const ENGINE_TRIG: Trig = { sin: Math.sin, cos: Math.cos };
const DEG2RAD = Math.PI / 180;
const HALF_PI = Math.PI / 2;
const INV_HALF_PI = 2 / Math.PI;
const TWO_THIRDS = 2 / 3;
const FRAGILE = 1e-6;

let F = 0;
let X = 0;
let Y = 0;

/** Fractional part far enough from 0 and 1 that one ulp of trig cannot move it across. */
function safe(v: number): boolean {
  const f = v - Math.floor(v);
  return f >= FRAGILE && f <= 1 - FRAGILE;
}

/** (φ mod 4) the way the reference does it: fmod, folding negatives, and 4 → 0. */
function mod4(v: number): number {
  if (v >= 0) return v < 4 ? v : v % 4;
  const t = (v % 4) + 4;
  return t === 4 ? 0 : t;
}

/** Sets F, X, Y; returns false if the result may depend on the last bit of cos/sin. */
function locate(theta: number, phi: number, order: number, trig: Trig, strict: boolean): boolean {
  const nside = 2 ** order;
  // Near the poles sin θ is computed directly: 1 − |z| would cancel.
  const nearPole = theta < 0.01 || theta > 3.14159 - 0.01;
  const z = trig.cos(theta);
  const za = Math.abs(z);
  const tt = mod4(phi * INV_HALF_PI);
  let robust = true;
  if (za <= TWO_THIRDS) {
    const temp1 = nside * (0.5 + tt);
    const temp2 = nside * (z * 0.75);
    const a = temp1 - temp2;
    const b = temp1 + temp2;
    if (strict && (!safe(a) || !safe(b) || Math.abs(za - TWO_THIRDS) < 1e-15)) robust = false;
    const jp = Math.floor(a); // ascending edge index
    const jm = Math.floor(b); // descending edge index
    const ifp = Math.floor(jp / nside);
    const ifm = Math.floor(jm / nside);
    F = ifp === ifm ? ifp | 4 : ifp < ifm ? ifp : ifm + 8;
    X = jm - ifm * nside;
    Y = nside - (jp - ifp * nside) - 1;
    return robust;
  }
  const ntt = Math.min(3, Math.floor(tt));
  const tp = tt - ntt;
  const tmp = nearPole ? (nside * trig.sin(theta)) / Math.sqrt((1 + za) / 3) : nside * Math.sqrt(3 * (1 - za));
  const a = tp * tmp;
  const b = (1 - tp) * tmp;
  if (strict && (!safe(a) || !safe(b) || Math.abs(za - TWO_THIRDS) < 1e-15)) robust = false;
  const jp = Math.min(Math.floor(a), nside - 1);
  const jm = Math.min(Math.floor(b), nside - 1);
  if (z >= 0) {
    F = ntt;
    X = nside - jm - 1;
    Y = nside - jp - 1;
  } else {
    F = ntt + 8;
    X = jp;
    Y = jm;
  }
  return robust;
}

function locateDeg(order: number, ra: number, dec: number, trig: Trig | undefined): void {
  if (!(dec >= -90 && dec <= 90) || !Number.isFinite(ra)) {
    throw new AlertflowError('ERR_HEALPIX', `invalid position ra=${ra} dec=${dec}: ra must be finite and dec in [-90, 90]`, { ra, dec });
  }
  const theta = HALF_PI - dec * DEG2RAD;
  const phi = ra * DEG2RAD;
  if (trig) locate(theta, phi, order, trig, false);
  else if (!locate(theta, phi, order, ENGINE_TRIG, true)) locate(theta, phi, order, CORRECTLY_ROUNDED_TRIG, false);
}

/**
 * NESTED index at `order` ≤ 24 with healpy's rounding (number).
 *
 * @example
 * ang2pixHealpy(0, 5, 5) // 4
 */
export function ang2pixHealpy(order: number, ra: number, dec: number): number {
  checkOrder(order, MAX_NUMBER_ORDER);
  locateDeg(order, ra, dec, undefined);
  return xyfToNest(order, X, Y, F);
}

/**
 * NESTED index at any order ≤ 29 with healpy's rounding (bigint); `trig` as in
 * {@link ang2pixBig}.
 *
 * @example
 * ang2pixHealpyBig(29, 5, 5) // 1370628467894962607n
 */
export function ang2pixHealpyBig(order: number, ra: number, dec: number, trig?: Trig): bigint {
  checkOrder(order, MAX_ORDER);
  locateDeg(order, ra, dec, trig);
  return xyfToNestBig(order, X, Y, F);
}
