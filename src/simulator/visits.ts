/**
 * The night's visit plan: times, bands, pointings, observing conditions and
 * how many alerts each visit yields.
 */
import { M5, magToNJy, visitId, type Band } from './rubin.js';
import { Rng, subSeed } from './prng.js';
import { randomInCap } from './sky.js';

/**
 * One simulated visit (a 30 s exposure).
 *
 * @example
 * const { id, band, mjd }: Visit = planVisits(1, 20, 1000, 61000.02, DEFAULT_REGION)[0];
 */
export interface Visit {
  index: number;
  id: bigint;
  /** Exposure midpoint, MJD TAI. */
  mjd: number;
  band: Band;
  ra: number;
  dec: number;
  /** Sky rotation of the focal plane, degrees. */
  rotationDeg: number;
  /** PSF FWHM, arcsec. */
  seeingArcsec: number;
  /** 5σ point-source depth of this visit, AB mag. */
  m5: number;
  /** 1σ point-source flux noise from the sky, nJy. */
  skySigma: number;
  /** Alerts this visit produces. */
  alerts: number;
  observationReason: string;
  targetName: string | null;
}

const BAND_WEIGHTS: Record<Band, number> = { u: 0.07, g: 0.18, r: 0.26, i: 0.24, z: 0.15, y: 0.1 };
const REASONS = ['pairs_gr_33.0', 'pairs_ri_33.0', 'pairs_iz_33.0', 'triplet_pairs', 'ddf'];

/**
 * Plans `count` visits starting at `startMjd`: exposures ~30 s plus slew
 * apart, the band changed in blocks (filter changes take two minutes), and
 * `alerts` spread over visits with some scatter (the counts sum exactly).
 *
 * @example
 * const visits = planVisits(42, 20, 20000, 61000.02, { ra: 53.1, dec: -28.1, radiusDeg: 3.5 });
 */
export function planVisits(seed: number, count: number, alerts: number, startMjd: number, region: { ra: number; dec: number; radiusDeg: number }): Visit[] {
  const rng = new Rng(subSeed(seed, 11));
  const bands = Object.keys(BAND_WEIGHTS) as Band[];
  const bandW = bands.map((b) => BAND_WEIGHTS[b]);
  const weights = Array.from({ length: count }, () => 0.6 + 0.8 * rng.float());
  const total = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((alerts * w) / total));
  let rest = alerts - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; rest > 0; i = (i + 1) % count, rest--) counts[i]! += 1;

  const visits: Visit[] = [];
  let mjd = startMjd + 15 / 86400;
  let band = bands[rng.weighted(bandW)] as Band;
  let blockLeft = 8 + rng.int(25);
  let seq = 20 + rng.int(200);
  const inner = Math.max(0, region.radiusDeg - 1.2);
  for (let i = 0; i < count; i++) {
    if (i > 0) {
      let gap = 30 + 2.5 + (rng.chance(0.85) ? rng.uniform(2, 12) : rng.uniform(20, 120));
      if (--blockLeft <= 0) {
        const next = bands[rng.weighted(bandW)] as Band;
        if (next !== band) gap += 120;
        band = next;
        blockLeft = 8 + rng.int(25);
      }
      mjd += gap / 86400;
    }
    const [ra, dec] = randomInCap(rng, region.ra, region.dec, inner);
    const seeing = Math.max(0.5, 0.75 + 0.18 * rng.normal());
    // Depth follows seeing (sky-limited: noise ∝ FWHM) plus sky-brightness scatter.
    const m5 = M5[band] - 2.5 * Math.log10(seeing / 0.75) + 0.15 * rng.normal();
    visits.push({
      index: i,
      id: visitId(mjd, seq++),
      mjd,
      band,
      ra,
      dec,
      rotationDeg: rng.uniform(-90, 90),
      seeingArcsec: seeing,
      m5,
      skySigma: magToNJy(m5) / 5,
      alerts: counts[i] as number,
      observationReason: region.radiusDeg > 0 ? (REASONS[rng.int(REASONS.length)] as string) : 'ddf',
      targetName: rng.chance(0.3) ? 'lowdust' : null,
    });
  }
  return visits;
}

/**
 * Point-source flux error for a source of total (science) flux `flux` in a
 * sky-limited visit: sky noise plus the source's own photon noise.
 *
 * @example
 * fluxError(visit.skySigma, 1e4)
 */
export function fluxError(skySigma: number, flux: number): number {
  // Source photon term sized so a source 100× the 5σ flux reaches SNR ≈ 300.
  return Math.sqrt(skySigma * skySigma + 0.0035 * skySigma * Math.abs(flux));
}
