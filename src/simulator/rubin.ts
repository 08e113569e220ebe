/**
 * Rubin Observatory facts the simulator uses: bands, single-visit depths,
 * the LSSTCam focal-plane layout, and how visit and source ids are built.
 */
import { AlertflowError } from '../errors.js';

/**
 * The six LSST bands.
 *
 * @example
 * for (const band of BANDS) …
 */
export const BANDS = ['u', 'g', 'r', 'i', 'z', 'y'] as const;
/** One LSST band. @example const b: Band = 'r'; */
export type Band = (typeof BANDS)[number];

/**
 * Typical single-visit 5σ point-source depths (AB mag, dark sky, 30 s).
 *
 * @example
 * magToNJy(M5.r) / 5 // 1σ sky noise of an r visit, nJy
 */
export const M5: Record<Band, number> = { u: 23.7, g: 24.97, r: 24.52, i: 24.13, z: 23.56, y: 22.55 };
/**
 * Pixel scale of LSSTCam, arcseconds per pixel.
 *
 * @example
 * const sigmaPix = fwhmArcsec / 2.3548 / PIXEL_SCALE;
 */
export const PIXEL_SCALE = 0.2;
/**
 * AB zero point for fluxes in nJy: m = 31.4 − 2.5 log10(f / nJy).
 *
 * @example
 * 10 ** ((AB_NJY_ZP - 20) / 2.5) // nJy of a 20th-mag source
 */
export const AB_NJY_ZP = 31.4;
/**
 * Science detectors in LSSTCam (21 rafts × 9 CCDs).
 *
 * @example
 * rng.int(N_DETECTORS)
 */
export const N_DETECTORS = 189;
const CCD_PIX_X = 4072;
const CCD_PIX_Y = 4000;
/** CCD pitch on the sky in degrees (≈ 4k pixels × 0.2″ plus gaps). */
const CCD_DEG = 0.2275;

/** AB magnitude → flux in nJy. @example magToNJy(31.4) // 1 */
export function magToNJy(mag: number): number {
  return 10 ** ((AB_NJY_ZP - mag) / 2.5);
}

/** Flux in nJy → AB magnitude. @example nJyToMag(3631e9) // ≈ 0 */
export function nJyToMag(flux: number): number {
  return AB_NJY_ZP - 2.5 * Math.log10(flux);
}

/**
 * Where a focal-plane offset lands: detector number and pixel position, or
 * undefined in the corner (wavefront) rafts and off the 15×15 CCD grid.
 *
 * @example
 * focalPlane(0, 0) // { detector: 94, x: …, y: … } (centre raft)
 */
export function focalPlane(eastDeg: number, northDeg: number): { detector: number; x: number; y: number } | undefined {
  const half = 7.5 * CCD_DEG;
  const gx = (eastDeg + half) / CCD_DEG;
  const gy = (northDeg + half) / CCD_DEG;
  if (gx < 0 || gy < 0 || gx >= 15 || gy >= 15) return undefined;
  const col = Math.floor(gx), row = Math.floor(gy);
  const rx = Math.floor(col / 3), ry = Math.floor(row / 3);
  if ((rx === 0 || rx === 4) && (ry === 0 || ry === 4)) return undefined;
  // Rafts are numbered row by row, skipping the four corners.
  let raft = ry * 5 + rx;
  raft -= ry === 0 ? 1 : ry === 4 ? 3 : 2;
  const detector = raft * 9 + (row % 3) * 3 + (col % 3);
  return { detector, x: (gx - col) * CCD_PIX_X, y: (gy - row) * CCD_PIX_Y };
}

/**
 * Calendar date (YYYYMMDD as a number) of an observing night: Rubin's day_obs is the UTC−12h date.
 *
 * @example
 * dayObs(61000.1) // 20251120
 */
export function dayObs(mjd: number): number {
  const night = Math.floor(mjd - 0.5);
  let v = dayObsCache.get(night);
  if (v === undefined) {
    v = computeDayObs(night);
    dayObsCache.set(night, v);
  }
  return v;
}

const dayObsCache = new Map<number, number>();

function computeDayObs(night: number): number {
  const d = new Date((night - 40587) * 86400000);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/**
 * Rubin-style visit id: day_obs × 100000 + sequence number.
 *
 * @example
 * visitId(61000.1, 123) // 2025112000123n
 */
export function visitId(mjd: number, seq: number): bigint {
  // day_obs × 100000 + seq stays below 2^53, so Number arithmetic is exact here.
  return BigInt(dayObs(mjd) * 100000 + seq);
}

/**
 * A 64-bit source id packed from visit, detector and a per-(visit, detector)
 * counter, as Rubin's ids are; real values exceed 2^53.
 *
 * @example
 * sourceId(2025112000123n, 94, 5) > 2n ** 53n // true
 */
export function sourceId(visit: bigint, detector: number, counter: number): bigint {
  if (counter < 0 || counter >= 16384) throw new AlertflowError('ERR_STEP_CONFIG', `source counter ${counter} out of range for one visit and detector`);
  return BigInt(Number(visit) * 200 + detector) * 16384n + BigInt(counter);
}
