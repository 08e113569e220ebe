/**
 * Twelve months of earlier measurements of a DiaObject (its prvDiaSources
 * and prvDiaForcedSources), derived from the object's own seed so that every
 * alert on the same object sees the same past.
 */
import { classifierScores, measure } from './measure.js';
import { M5, N_DETECTORS, magToNJy, sourceId, visitId, BANDS, type Band } from './rubin.js';
import { Rng } from './prng.js';
import type { SkyObject } from './population.js';
import { diaForcedSourceRecord, type Detection, type ForcedMeasurement } from './records.js';
import type { LsstDiaForcedSource } from './schema-types.js';

/**
 * Detections and forced measurements before the simulated night.
 *
 * @example
 * const h: History = objectHistory(obj, 61000.02);
 */
export interface History {
  detections: Detection[];
  forced: LsstDiaForcedSource[];
  /** id of the object's first detection (its diaObjectId), if it had one. */
  firstId: bigint | null;
}

/** Most prvDiaSources an alert carries (newest kept); caps keep packets bounded. @example MAX_PRV_SOURCES // 200 */
export const MAX_PRV_SOURCES = 200;
/** Most prvDiaForcedSources an alert carries (newest kept). @example MAX_PRV_FORCED // 400 */
export const MAX_PRV_FORCED = 400;
const BAND_W = [0.07, 0.18, 0.26, 0.24, 0.15, 0.1];

function epochTimes(obj: SkyObject, nightMjd: number, rng: Rng): number[] {
  const times: number[] = [];
  if (obj.lc.kind === 'supernova') {
    // Deep-drilling cadence (a visit every ~2 nights) from before the rise until yesterday.
    for (let t = Math.max(nightMjd - 365, obj.lc.t0 - 3 * obj.lc.riseDays) + rng.uniform(0, 2); t < nightMjd - 0.6; t += rng.uniform(0.9, 3.2)) times.push(Math.floor(t) + 0.02 + 0.3 * rng.float());
    return times.sort((a, b) => a - b);
  }
  const n = 50 + rng.int(380);
  for (let i = 0; i < n; i++) times.push(Math.floor(nightMjd - 1 - 364 * rng.float()) + 0.02 + 0.3 * rng.float());
  return times.sort((a, b) => a - b);
}

/**
 * The object's history before `nightMjd`, newest entries kept when capped.
 *
 * @example
 * const { detections, forced, firstId } = objectHistory(obj, 61000.02);
 */
export function objectHistory(obj: SkyObject, nightMjd: number): History {
  const rng = new Rng(obj.seed);
  const times = epochTimes(obj, nightMjd, rng);
  const detections: Detection[] = [];
  const forcedAll: ForcedMeasurement[] = [];
  for (const mjd of times) {
    const band = BANDS[rng.weighted(BAND_W)] as Band;
    const seeing = Math.max(0.5, 0.8 + 0.2 * rng.normal());
    const m5 = M5[band] - 2.5 * Math.log10(seeing / 0.75) + 0.25 * rng.normal();
    const visit = visitId(mjd, 20 + rng.int(900));
    const detector = rng.int(N_DETECTORS);
    const x = rng.uniform(20, 4050);
    const y = rng.uniform(20, 3980);
    const m = measure(obj, { mjd, band, skySigma: magToNJy(m5) / 5, seeingArcsec: seeing }, rng);
    const id = sourceId(visit, detector, rng.int(16384));
    // diaObjectId is filled in once the first detection is known.
    forcedAll.push({ id, diaObjectId: 0n, ra: obj.ra, dec: obj.dec, visit, detector, mjd, band, psfFlux: m.psfFlux, psfFluxErr: m.psfFluxErr, scienceFlux: m.scienceFlux, scienceFluxErr: m.scienceFluxErr });
    if (m.snr < 5) continue;
    const scores = classifierScores(obj.extended, rng);
    detections.push({
      diaSourceId: id,
      diaObjectId: null,
      ssObjectId: null,
      visit,
      detector,
      mjd,
      band,
      ra: m.ra,
      dec: m.dec,
      posErrArcsec: m.posErrArcsec,
      x,
      y,
      psfFlux: m.psfFlux,
      psfFluxErr: m.psfFluxErr,
      scienceFlux: m.scienceFlux,
      scienceFluxErr: m.scienceFluxErr,
      templateFlux: m.templateFlux,
      templateFluxErr: m.templateFluxErr,
      seeingArcsec: seeing,
      extendedness: scores.extendedness,
      reliability: scores.reliability,
      trailLength: 0,
      trailAngle: 0,
      isDipole: false,
      flags: 0,
      seed: rng.u32(),
    });
  }
  const first = detections[0];
  if (!first) return { detections: [], forced: [], firstId: null };
  const firstId = first.diaSourceId;
  for (const d of detections) d.diaObjectId = firstId;
  // Forced photometry starts 30 days before the first detection (precovery).
  const forced: LsstDiaForcedSource[] = [];
  for (let i = Math.max(0, forcedAll.length - MAX_PRV_FORCED); i < forcedAll.length; i++) {
    const f = forcedAll[i]!;
    if (f.mjd < first.mjd - 30) continue;
    // Forced sources live in their own table, so sharing the visit-level id is harmless.
    f.diaObjectId = firstId;
    forced.push(diaForcedSourceRecord(f));
  }
  return { detections: detections.slice(-MAX_PRV_SOURCES), forced, firstId };
}
