/**
 * The simulated DSA-110 instrument used by the simulated converter,
 * calibration solver and imager, and the seeded night generator. The
 * "subband files" are small JSON documents under the DSA-110 file naming,
 * not HDF5: they carry what the simulated chain needs (times, pointing Dec,
 * sky seed). The sky is a seeded set of point sources plus the VLA
 * calibrators; the instrument multiplies it by a bandpass amplitude and a
 * slowly varying gain, which calibration divides out again.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlertflowError } from '../errors.js';
import { subbandFileName, SUBBANDS } from './groups.js';
import { nearestTransitMjd, DSA110_SITE, type Site } from './transit.js';

/** A VLA calibrator (J2000 position, flux density at L band in Jy). */
export interface CalibratorSource {
  name: string;
  raDeg: number;
  decDeg: number;
  fluxJy: number;
}

/** A few VLA primary calibrators (positions are catalogue facts). */
export const VLA_CALIBRATORS: readonly CalibratorSource[] = [
  { name: '3C48', raDeg: 24.42208, decDeg: 33.15976, fluxJy: 16.0 },
  { name: '3C138', raDeg: 80.29119, decDeg: 16.63946, fluxJy: 8.4 },
  { name: '3C147', raDeg: 85.65057, decDeg: 49.85201, fluxJy: 22.5 },
  { name: '3C196', raDeg: 123.40014, decDeg: 48.21738, fluxJy: 14.0 },
  { name: '3C286', raDeg: 202.78453, decDeg: 30.50916, fluxJy: 15.0 },
  { name: '3C295', raDeg: 212.83603, decDeg: 52.20277, fluxJy: 22.0 },
];

/**
 * The calibrator defined for a pointing: the catalogue entry nearest in Dec,
 * within `maxOffsetDeg` (the primary beam), or undefined.
 *
 * @example
 * calibratorForDec(30.5)?.name // '3C286'
 */
export function calibratorForDec(decDeg: number, maxOffsetDeg = 1.5): CalibratorSource | undefined {
  let best: CalibratorSource | undefined;
  for (const c of VLA_CALIBRATORS) if (Math.abs(c.decDeg - decDeg) <= maxOffsetDeg && (!best || Math.abs(c.decDeg - decDeg) < Math.abs(best.decDeg - decDeg))) best = c;
  return best;
}

/**
 * A small seeded PRNG (mulberry32) from a string.
 *
 * @example
 * const rnd = seededRandom('night-1'); rnd() // in [0, 1)
 */
export function seededRandom(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A point source of the simulated sky. */
export interface SkySource {
  raDeg: number;
  decDeg: number;
  fluxJy: number;
}

/**
 * The simulated sky along a Dec strip: 1200 seeded sources (0.05 to 2 Jy) in
 * Dec ± 3°, plus the calibrators in the strip.
 *
 * @example
 * skyModel('night-1', 30.5).length // 1201 (3C286 included)
 */
export function skyModel(seed: string, decDeg: number): SkySource[] {
  const rnd = seededRandom(`${seed}/sky/${decDeg}`);
  const out: SkySource[] = [];
  for (let i = 0; i < 1200; i++) out.push({ raDeg: rnd() * 360, decDeg: decDeg - 3 + 6 * rnd(), fluxJy: 0.05 * Math.pow(40, rnd()) });
  for (const c of VLA_CALIBRATORS) if (Math.abs(c.decDeg - decDeg) <= 3) out.push({ raDeg: c.raDeg, decDeg: c.decDeg, fluxJy: c.fluxJy });
  return out;
}

/** Bandpass amplitude of the simulated instrument. */
export const SIM_BANDPASS = 0.92;
/**
 * The simulated instrument's time-variable gain amplitude (a few per cent per hour).
 *
 * @example
 * instrumentGain(60977.5) // ≈ 1 ± 0.12
 */
export function instrumentGain(mjd: number): number {
  return 1 + 0.12 * Math.sin((2 * Math.PI * mjd) / 0.21);
}

/** One simulated subband file. */
export interface SimSubband {
  format: 'alertflow-sim-dsa110-subband';
  version: 1;
  timestamp: string;
  subband: number;
  start_mjd: number;
  end_mjd: number;
  dec_deg: number;
  freq_mhz: number;
  sky_seed: string;
  noise_jy: number;
}

/**
 * MJD (UTC) to the DSA-110 file timestamp `YYYY-MM-DDTHH:MM:SS`.
 *
 * @example
 * timestampOf(60977.5) // '2025-10-29T12:00:00'
 */
export function timestampOf(mjd: number): string {
  return new Date(Math.round((mjd - 40587) * 86400) * 1000).toISOString().slice(0, 19);
}

/**
 * The file timestamp back to an MJD (UTC).
 *
 * @example
 * mjdOf('2025-10-29T12:00:00') // 60977.5
 */
export function mjdOf(timestamp: string): number {
  const ms = Date.parse(`${timestamp}Z`);
  if (Number.isNaN(ms)) throw new AlertflowError('ERR_MOSAIC', `not a DSA-110 timestamp: ${timestamp}`, { timestamp });
  return ms / 86400000 + 40587;
}

/** Options of {@link simulateNight}. */
export interface SimulateNightOptions {
  /** Folder to write the subband files into. */
  incoming: string;
  /** Number of 5-minute observations. Default 40. */
  observations?: number;
  /** Pointing Dec. Default 30.5 (3C286's strip). */
  decDeg?: number;
  seed?: string;
  /** Start of the first observation; default: chosen so that the calibrator transits in observation `calibratorAt`. */
  startMjd?: number;
  /** Observation index (0-based) in which the pointing's calibrator transits. Default 12. */
  calibratorAt?: number;
  /** Write only the first n subbands of the last observation (an incomplete group). */
  truncateLast?: number;
  site?: Site;
}

/** Length of one observation: 5 minutes. */
export const OBSERVATION_DAYS = 5 / 1440;

/**
 * Writes a night of simulated subband files and returns their timestamps.
 *
 * @example
 * const stamps = simulateNight({ incoming: '/tmp/incoming', observations: 40, seed: 'night-1' });
 */
export function simulateNight(o: SimulateNightOptions): string[] {
  const n = o.observations ?? 40;
  const dec = o.decDeg ?? 30.5;
  const seed = o.seed ?? 'dsa110-sim';
  let start = o.startMjd;
  if (start === undefined) {
    const cal = calibratorForDec(dec);
    if (!cal) throw new AlertflowError('ERR_MOSAIC', `no VLA calibrator within 1.5° of Dec ${dec}; pass startMjd`, { decDeg: dec });
    const transit = nearestTransitMjd(cal.raDeg, 60977.5, o.site ?? DSA110_SITE);
    // Whole seconds, with the transit 2 min into observation `calibratorAt`.
    start = Math.round((transit - (o.calibratorAt ?? 12) * OBSERVATION_DAYS - 2 / 1440) * 86400) / 86400;
  }
  mkdirSync(o.incoming, { recursive: true });
  const stamps: string[] = [];
  for (let k = 0; k < n; k++) {
    const t0 = start + k * OBSERVATION_DAYS;
    const ts = timestampOf(t0);
    const t0s = mjdOf(ts);
    const count = k === n - 1 && o.truncateLast !== undefined ? o.truncateLast : SUBBANDS;
    for (let sb = 0; sb < count; sb++) {
      const doc: SimSubband = { format: 'alertflow-sim-dsa110-subband', version: 1, timestamp: ts, subband: sb, start_mjd: t0s, end_mjd: t0s + OBSERVATION_DAYS, dec_deg: dec, freq_mhz: 1498.75 - 11.71875 * sb, sky_seed: seed, noise_jy: 0.01 };
      writeFileSync(join(o.incoming, subbandFileName(ts, sb)), `${JSON.stringify(doc)}\n`);
    }
    stamps.push(ts);
  }
  return stamps;
}
