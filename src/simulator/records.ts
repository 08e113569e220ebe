/**
 * Builds complete `diaSource` and `diaForcedSource` records (every schema
 * field present) from the few numbers a simulated measurement has.
 */
import type { LsstDiaForcedSource, LsstDiaSource } from './schema-types.js';
import { Rng } from './prng.js';
import type { Band } from './rubin.js';
import type { DifferenceFluxes } from './measure.js';

/**
 * A simulated measurement on a difference image: the part of a diaSource that drives the rest.
 *
 * @example
 * const rec = diaSourceRecord(detection);
 */
export interface Detection extends DifferenceFluxes {
  diaSourceId: bigint;
  diaObjectId: bigint | null;
  ssObjectId: bigint | null;
  visit: bigint;
  detector: number;
  mjd: number;
  band: Band;
  /** Measured position, degrees, and its 1σ error per axis, arcsec. */
  ra: number;
  dec: number;
  posErrArcsec: number;
  x: number;
  y: number;
  seeingArcsec: number;
  extendedness: number | null;
  reliability: number;
  /** Trail length (arcsec) and angle (deg) for moving objects; 0 for static ones. */
  trailLength: number;
  trailAngle: number;
  isDipole: boolean;
  /** Pixel-flag bits set on artefacts (see `FLAG_*`). */
  flags: number;
  /** Seed for the secondary quantities (moments, χ², aperture flux). */
  seed: number;
}

/** Artefact flag bit of {@link Detection.flags}: cosmic ray. @example det.flags & FLAG_CR */
export const FLAG_CR = 1;
/** Artefact flag bit: near a detector edge. @example det.flags & FLAG_EDGE */
export const FLAG_EDGE = 2;
/** Artefact flag bit: saturated pixels. @example det.flags & FLAG_SATURATED */
export const FLAG_SATURATED = 4;
/** Artefact flag bit: satellite streak. @example det.flags & FLAG_STREAK */
export const FLAG_STREAK = 8;
/** Artefact flag bit: interpolated pixels. @example det.flags & FLAG_INTERPOLATED */
export const FLAG_INTERPOLATED = 16;

const f32 = Math.fround;

/**
 * The full `lsst.v11_0.diaSource` record for a detection.
 *
 * @example
 * const rec = diaSourceRecord(det);
 */
export function diaSourceRecord(d: Detection): LsstDiaSource {
  const rng = new Rng(d.seed);
  const sigPix = d.seeingArcsec / 2.3548 / 0.2;
  const psfMoment = sigPix * sigPix;
  const ext = d.extendedness ?? 0;
  const ixx = psfMoment * (1 + ext * rng.uniform(0.1, 0.8)) * (1 + 0.05 * rng.normal());
  const iyy = psfMoment * (1 + ext * rng.uniform(0.1, 0.8)) * (1 + 0.05 * rng.normal());
  const posErrDeg = d.posErrArcsec / 3600;
  const bbox = 2 * Math.ceil(3 * sigPix * (1 + Math.min(4, Math.abs(d.psfFlux / d.psfFluxErr) / 40))) + 1;
  const ndata = bbox * bbox;
  const chi2 = ndata * (1 + 0.1 * Math.abs(rng.normal())) * (d.flags ? 2.5 : 1);
  const apFluxErr = d.psfFluxErr * 1.25;
  const moving = d.ssObjectId !== null;
  const flag = (bit: number) => (d.flags & bit) !== 0;
  const dipoleFit = d.isDipole || rng.chance(0.05);
  const noDipole = !dipoleFit;
  return {
    diaSourceId: d.diaSourceId,
    visit: d.visit,
    detector: d.detector,
    diaObjectId: d.diaObjectId,
    ssObjectId: d.ssObjectId,
    parentDiaSourceId: null,
    midpointMjdTai: d.mjd,
    ra: d.ra,
    // raErr is an error on the coordinate itself, so it grows as 1/cos(dec).
    raErr: f32(posErrDeg / Math.cos((d.dec * Math.PI) / 180)),
    dec: d.dec,
    decErr: f32(posErrDeg),
    ra_dec_Cov: f32(posErrDeg * posErrDeg * 0.05 * rng.normal()),
    x: f32(d.x),
    xErr: f32(d.posErrArcsec / 0.2),
    y: f32(d.y),
    yErr: f32(d.posErrArcsec / 0.2),
    centroid_flag: flag(FLAG_EDGE),
    apFlux: f32(d.psfFlux + apFluxErr * rng.normal()),
    apFluxErr: f32(apFluxErr),
    apFlux_flag: flag(FLAG_EDGE),
    apFlux_flag_apertureTruncated: flag(FLAG_EDGE),
    isNegative: d.psfFlux < 0,
    snr: f32(Math.abs(f32(d.psfFlux)) / f32(d.psfFluxErr)),
    psfFlux: f32(d.psfFlux),
    psfFluxErr: f32(d.psfFluxErr),
    psfLnL: f32(-0.5 * chi2 - ndata * 0.9189385),
    psfChi2: f32(chi2),
    psfNdata: ndata,
    psfFlux_flag: false,
    psfFlux_flag_edge: flag(FLAG_EDGE),
    psfFlux_flag_noGoodPixels: false,
    trailFlux: f32(d.psfFlux * (1 + 0.02 * rng.normal())),
    trailFluxErr: f32(d.psfFluxErr * 1.1),
    trailRa: d.ra,
    trailRaErr: f32(posErrDeg * 1.2),
    trailDec: d.dec,
    trailDecErr: f32(posErrDeg * 1.2),
    trailLength: f32(moving ? d.trailLength : Math.abs(0.05 * rng.normal())),
    trailLengthErr: f32(0.05 + d.posErrArcsec),
    trailAngle: f32(moving ? d.trailAngle : rng.uniform(-90, 90)),
    trailAngleErr: f32(moving ? rng.uniform(0.5, 5) : rng.uniform(10, 60)),
    trailChi2: f32(chi2 * (moving ? 0.95 : 1.02)),
    trailNdata: ndata,
    trail_flag_edge: flag(FLAG_EDGE),
    dipoleMeanFlux: noDipole ? null : f32(d.psfFlux * 0.5),
    dipoleMeanFluxErr: noDipole ? null : f32(d.psfFluxErr * 0.7),
    dipoleFluxDiff: noDipole ? null : f32(Math.abs(d.psfFlux) * rng.uniform(0.5, 2)),
    dipoleFluxDiffErr: noDipole ? null : f32(d.psfFluxErr),
    dipoleLength: noDipole ? null : f32(rng.uniform(0.2, 2.5)),
    dipoleAngle: noDipole ? null : f32(rng.uniform(-180, 180)),
    dipoleChi2: noDipole ? null : f32(chi2 * rng.uniform(0.6, 1.2)),
    dipoleNdata: noDipole ? 0 : ndata,
    scienceFlux: f32(d.scienceFlux),
    scienceFluxErr: f32(d.scienceFluxErr),
    forced_PsfFlux_flag: false,
    forced_PsfFlux_flag_edge: flag(FLAG_EDGE),
    forced_PsfFlux_flag_noGoodPixels: false,
    templateFlux: f32(d.templateFlux),
    templateFluxErr: f32(d.templateFluxErr),
    ixx: f32(ixx),
    iyy: f32(iyy),
    ixy: f32(psfMoment * 0.05 * rng.normal()),
    ixxPSF: f32(psfMoment),
    iyyPSF: f32(psfMoment),
    ixyPSF: f32(psfMoment * 0.01 * rng.normal()),
    shape_flag: false,
    shape_flag_no_pixels: false,
    shape_flag_not_contained: flag(FLAG_EDGE),
    shape_flag_parent_source: false,
    extendedness: d.extendedness === null ? null : f32(d.extendedness),
    reliability: f32(d.reliability),
    band: d.band,
    isDipole: d.isDipole,
    dipoleFitAttempted: dipoleFit,
    timeProcessedMjdTai: d.mjd + (75 + 20 * rng.float()) / 86400,
    timeWithdrawnMjdTai: null,
    bboxSize: bbox,
    pixelFlags: d.flags !== 0,
    pixelFlags_bad: false,
    pixelFlags_cr: flag(FLAG_CR),
    pixelFlags_crCenter: flag(FLAG_CR) && rng.chance(0.5),
    pixelFlags_edge: flag(FLAG_EDGE),
    pixelFlags_nodata: false,
    pixelFlags_nodataCenter: false,
    pixelFlags_interpolated: flag(FLAG_INTERPOLATED),
    pixelFlags_interpolatedCenter: flag(FLAG_INTERPOLATED) && rng.chance(0.3),
    pixelFlags_offimage: false,
    pixelFlags_saturated: flag(FLAG_SATURATED),
    pixelFlags_saturatedCenter: flag(FLAG_SATURATED),
    pixelFlags_suspect: false,
    pixelFlags_suspectCenter: false,
    pixelFlags_streak: flag(FLAG_STREAK),
    pixelFlags_streakCenter: flag(FLAG_STREAK) && rng.chance(0.5),
    pixelFlags_injected: false,
    pixelFlags_injectedCenter: false,
    pixelFlags_injected_template: false,
    pixelFlags_injected_templateCenter: false,
    glint_trail: flag(FLAG_STREAK) ? rng.chance(0.3) : false,
  };
}

/**
 * A forced measurement at a DiaObject's position in one visit.
 *
 * @example
 * const rec = diaForcedSourceRecord(measurement);
 */
export interface ForcedMeasurement {
  id: bigint;
  diaObjectId: bigint;
  ra: number;
  dec: number;
  visit: bigint;
  detector: number;
  mjd: number;
  band: Band;
  psfFlux: number;
  psfFluxErr: number;
  scienceFlux: number;
  scienceFluxErr: number;
}

/**
 * The full `lsst.v11_0.diaForcedSource` record for a forced measurement.
 *
 * @example
 * const rec = diaForcedSourceRecord(m);
 */
export function diaForcedSourceRecord(m: ForcedMeasurement): LsstDiaForcedSource {
  return {
    diaForcedSourceId: m.id,
    diaObjectId: m.diaObjectId,
    ra: m.ra,
    dec: m.dec,
    visit: m.visit,
    detector: m.detector,
    psfFlux: f32(m.psfFlux),
    psfFluxErr: f32(m.psfFluxErr),
    midpointMjdTai: m.mjd,
    scienceFlux: f32(m.scienceFlux),
    scienceFluxErr: f32(m.scienceFluxErr),
    band: m.band,
    // Forced photometry runs the day after the visit.
    timeProcessedMjdTai: Math.floor(m.mjd) + 1.5,
    timeWithdrawnMjdTai: null,
  };
}
