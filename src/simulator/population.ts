/**
 * The simulated static-sky population: every DiaObject is derived from
 * (seed, index) alone, so no population table is kept in memory and an
 * object looks the same however often it is revisited.
 */
import { BANDS, magToNJy, type Band } from './rubin.js';
import { Rng, subSeed } from './prng.js';
import { randomInCap } from './sky.js';

/**
 * What produces an object's flux changes.
 *
 * @example
 * const k: ObjectKind = 'supernova';
 */
export type ObjectKind = 'variable-star' | 'agn' | 'supernova';

/**
 * A simulated DiaObject's true properties.
 *
 * @example
 * const obj: SkyObject = skyObject(42, 0, DEFAULT_REGION, 61000.02);
 */
export interface SkyObject {
  index: number;
  kind: ObjectKind;
  ra: number;
  dec: number;
  /** Whether the source sits on a resolved host galaxy. */
  extended: boolean;
  /** Flux in the template image per band, nJy (the object's reference state). */
  templateFlux: Record<Band, number>;
  /** Host galaxy flux per band (0 for stars), nJy, and its size and offset in arcsec. */
  hostFlux: Record<Band, number>;
  hostSigmaArcsec: number;
  hostOffsetArcsec: [number, number];
  /** Seed for everything else about this object (history, light-curve details). */
  seed: number;
  lc: LightCurve;
}

/**
 * Light-curve parameters by kind.
 *
 * @example
 * if (obj.lc.kind === 'supernova') console.log(obj.lc.t0);
 */
export type LightCurve =
  | { kind: 'variable-star'; meanFlux: Record<Band, number>; periodDays: number; ampMag: number; phase0: number; sawtooth: boolean }
  | { kind: 'agn'; meanFlux: Record<Band, number>; terms: { period: number; amp: number; phase: number }[] }
  | { kind: 'supernova'; peakFlux: Record<Band, number>; t0: number; riseDays: number; declineMagPerDay: number };

/** Per-band magnitude offsets for a colour parameter c (roughly g−r): redder objects are fainter in u, brighter in z, y. */
function colours(base: number, c: number): Record<Band, number> {
  const k = [2.2, 1.0, 0, -0.45, -0.7, -0.85];
  const out = {} as Record<Band, number>;
  BANDS.forEach((b, i) => (out[b] = magToNJy(base + c * (k[i] as number))));
  return out;
}

const KIND_WEIGHTS = [0.5, 0.25, 0.25];

/**
 * Derives object `index` of the population of run `seed` in a region.
 *
 * @example
 * const obj = skyObject(42, 17, { ra: 53.1, dec: -28.1, radiusDeg: 3.5 }, 61000.1);
 */
export function skyObject(seed: number, index: number, region: { ra: number; dec: number; radiusDeg: number }, nightMjd: number): SkyObject {
  const rng = new Rng(subSeed(seed, 101, index));
  const [ra, dec] = randomInCap(rng, region.ra, region.dec, region.radiusDeg);
  const kind = (['variable-star', 'agn', 'supernova'] as const)[rng.weighted(KIND_WEIGHTS)] as ObjectKind;
  const zero = { u: 0, g: 0, r: 0, i: 0, z: 0, y: 0 };
  let lc: LightCurve;
  let templateFlux: Record<Band, number>;
  let hostFlux: Record<Band, number> = zero;
  const extended = kind !== 'variable-star';
  if (extended) hostFlux = colours(rng.uniform(19, 23), rng.uniform(0.4, 1.0));
  if (kind === 'variable-star') {
    const meanFlux = colours(rng.uniform(16.5, 22.5), rng.uniform(-0.1, 1.3));
    lc = { kind, meanFlux, periodDays: 10 ** rng.uniform(-0.7, 1.3), ampMag: rng.uniform(0.3, 1.3), phase0: rng.float(), sawtooth: rng.chance(0.5) };
    templateFlux = meanFlux;
  } else if (kind === 'agn') {
    const meanFlux = colours(rng.uniform(19, 22.5), rng.uniform(0.0, 0.5));
    const terms = Array.from({ length: 5 }, () => ({ period: 10 ** rng.uniform(1.2, 2.8), amp: rng.uniform(0.05, 0.18), phase: rng.float() }));
    lc = { kind, meanFlux, terms };
    templateFlux = meanFlux;
  } else {
    const peakFlux = colours(rng.uniform(19.5, 23), rng.uniform(-0.2, 0.4));
    // Peaks from two months before the night to two weeks after, so most are caught rising or fading.
    lc = { kind, peakFlux, t0: nightMjd + rng.uniform(-60, 14), riseDays: rng.uniform(10, 20), declineMagPerDay: rng.uniform(0.02, 0.05) };
    templateFlux = zero;
  }
  return {
    index,
    kind,
    ra,
    dec,
    extended,
    templateFlux,
    hostFlux,
    hostSigmaArcsec: extended ? rng.uniform(0.6, 1.6) : 0,
    hostOffsetArcsec: kind === 'agn' ? [0, 0] : extended ? [rng.normal() * 0.6, rng.normal() * 0.6] : [0, 0],
    seed: subSeed(seed, 102, index),
    lc,
  };
}

/**
 * True flux of an object (point-source part, nJy) in a band at a time.
 *
 * @example
 * trueFlux(obj, 'r', 61000.2)
 */
export function trueFlux(obj: SkyObject, band: Band, mjd: number): number {
  const lc = obj.lc;
  if (lc.kind === 'variable-star') {
    const ph = (((mjd / lc.periodDays + lc.phase0) % 1) + 1) % 1;
    // Zero-mean shapes: a fast-rise sawtooth (RR Lyrae-like) or a sinusoid.
    const shape = lc.sawtooth ? (ph < 0.15 ? 0.5 - ph / 0.15 : -0.5 + (ph - 0.15) / 0.85) : 0.5 * Math.sin(2 * Math.PI * ph);
    const bandScale = band === 'u' ? 1.3 : band === 'y' ? 0.6 : 1;
    return lc.meanFlux[band] * 10 ** (-0.4 * lc.ampMag * bandScale * shape);
  }
  if (lc.kind === 'agn') {
    let dm = 0;
    for (const t of lc.terms) dm += t.amp * Math.sin(2 * Math.PI * (mjd / t.period + t.phase));
    return lc.meanFlux[band] * 10 ** (-0.4 * dm * (band === 'u' || band === 'g' ? 1.3 : 1));
  }
  const dt = mjd - lc.t0;
  if (dt < -3 * lc.riseDays) return 0;
  // Smooth rise to peak, then a linear decline in magnitudes (redder bands fade slower).
  const rise = dt < 0 ? Math.exp(-((dt / lc.riseDays) ** 2) * 1.2) : 1;
  const slow = band === 'i' || band === 'z' || band === 'y' ? 0.7 : band === 'u' ? 1.5 : 1;
  const decline = dt > 0 ? 10 ** (-0.4 * lc.declineMagPerDay * slow * dt) : 1;
  return lc.peakFlux[band] * rise * decline;
}
