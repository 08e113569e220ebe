/**
 * `simulateNight`: a lazy, seeded stream of Rubin `lsst.v11_0` alerts for one
 * night of visits over a sky region. Same options and seed → identical alerts.
 */
import { AlertflowError } from '../errors.js';
import { makeTanWcs } from '../fits/tan.js';
import { diaObjectRecord } from './aggregate.js';
import { renderCutouts } from './cutouts.js';
import { objectHistory } from './history.js';
import { classifierScores, centroidError, measure, TEMPLATE_NOISE } from './measure.js';
import { skyObject, trueFlux, type ObjectKind, type SkyObject } from './population.js';
import { Rng, subSeed } from './prng.js';
import { diaSourceRecord, FLAG_CR, FLAG_EDGE, FLAG_INTERPOLATED, FLAG_SATURATED, FLAG_STREAK, type Detection } from './records.js';
import { BANDS, focalPlane, PIXEL_SCALE, sourceId, type Band } from './rubin.js';
import type { LsstAlert } from './schema-types.js';
import { destination, offsetArcsec, tangentOffset } from './sky.js';
import { ephemerisPosition, movingFlux, movingObject, mpcOrbitRecord, ssSourceRecord } from './solar-system.js';
import { fluxError, planVisits, type Visit } from './visits.js';

/**
 * Options of {@link simulateNight}.
 *
 * @example
 * const opts: SimulateNightOptions = { alerts: 20000, seed: 42, ssFraction: 0.03 };
 */
export interface SimulateNightOptions {
  /** Number of alerts to produce. */
  alerts: number;
  /** Number of visits; default max(20, ceil(alerts / 1000)). */
  visits?: number;
  /** PRNG seed (uint32); default 1. */
  seed?: number;
  /** Sky region the population lives in; default the ECDFS deep-drilling field, 3.5° radius. */
  region?: { ra: number; dec: number; radiusDeg: number };
  /** Fraction of solar-system alerts; default 0.03. */
  ssFraction?: number;
  /** MJD (TAI) the night starts; default 61000.02 (00:29 UTC on 2025-11-21: the evening of day_obs 2025-11-20 in Chile). */
  startMjd?: number;
  /** Cutout width and height in pixels; default 30. */
  cutoutSize?: number;
}

/**
 * What produced a simulated alert.
 *
 * @example
 * if (truth.kind === 'solar-system') …
 */
export type AlertKind = ObjectKind | 'bogus' | 'solar-system';

/**
 * The ground truth behind one alert.
 *
 * @example
 * const { ra, dec, injectedFlux }: AlertTruth = simulated.truth;
 */
export interface AlertTruth {
  kind: AlertKind;
  /** True position at the visit, degrees. */
  ra: number;
  dec: number;
  visit: bigint;
  visitIndex: number;
  mjd: number;
  band: Band;
  detector: number;
  /** True point-source flux per band at the visit time, nJy (0 for bogus). */
  trueFlux: Record<Band, number>;
  /** Point-source flux in the template, visit band, nJy. */
  templateFlux: number;
  /** True difference flux put into the difference image (current − template), nJy. */
  injectedFlux: number;
  isSolarSystem: boolean;
  ssObjectId: bigint | null;
  diaObjectId: bigint | null;
  /** Index in the simulated population (null for bogus and solar-system alerts). */
  objectIndex: number | null;
  /** Whether the source sits on a resolved galaxy (what extendedness estimates). */
  extended: boolean;
  /** True when this is the object's first detection. */
  isNewObject: boolean;
}

/**
 * One simulated alert: the schema-shaped record and its truth.
 *
 * @example
 * const { alert, truth }: SimulatedAlert = simulateNight({ alerts: 1 }).next().value!;
 */
export interface SimulatedAlert {
  alert: LsstAlert;
  truth: AlertTruth;
}

/**
 * Default region: the Extended Chandra Deep Field South, a Rubin deep-drilling field.
 *
 * @example
 * simulateNight({ alerts: 100, region: { ...DEFAULT_REGION, radiusDeg: 1 } });
 */
export const DEFAULT_REGION = { ra: 53.125, dec: -28.1, radiusDeg: 3.5 } as const;
const BOGUS_FRACTION = 0.06;
const MAX_TRIES = 200;
const MAX_NIGHT_DETECTIONS = 20;

interface Resolved {
  alerts: number;
  visits: number;
  seed: number;
  region: { ra: number; dec: number; radiusDeg: number };
  ssFraction: number;
  startMjd: number;
  cutoutSize: number;
}

function resolveOptions(o: SimulateNightOptions): Resolved {
  const bad = (msg: string) => new AlertflowError('ERR_SIMULATOR_OPTIONS', msg, { options: { ...o } });
  if (!Number.isInteger(o.alerts) || o.alerts < 0) throw bad(`alerts must be a non-negative integer, got ${o.alerts}`);
  const visits = o.visits ?? Math.max(20, Math.ceil(o.alerts / 1000));
  if (!Number.isInteger(visits) || visits < 1) throw bad(`visits must be a positive integer, got ${visits}`);
  const region = o.region ?? DEFAULT_REGION;
  if (!(Math.abs(region.dec) <= 90) || !Number.isFinite(region.ra) || !(region.radiusDeg > 0 && region.radiusDeg <= 60)) throw bad('region needs finite ra, |dec| ≤ 90 and 0 < radiusDeg ≤ 60');
  const ssFraction = o.ssFraction ?? 0.03;
  if (!(ssFraction >= 0 && ssFraction <= 1)) throw bad(`ssFraction must be in [0, 1], got ${ssFraction}`);
  const cutoutSize = o.cutoutSize ?? 30;
  if (!Number.isInteger(cutoutSize) || cutoutSize < 4 || cutoutSize > 1024) throw bad(`cutoutSize must be an integer in [4, 1024], got ${cutoutSize}`);
  const startMjd = o.startMjd ?? 61000.02;
  if (!Number.isFinite(startMjd)) throw bad('startMjd must be finite');
  return { alerts: o.alerts, visits, seed: (o.seed ?? 1) >>> 0, region: { ...region }, ssFraction, startMjd, cutoutSize };
}

/** Where a sky position lands on the focal plane of a visit. */
function place(v: Visit, ra: number, dec: number) {
  const [e, n] = tangentOffset(v.ra, v.dec, ra, dec);
  const r = (v.rotationDeg * Math.PI) / 180;
  return focalPlane(e * Math.cos(r) + n * Math.sin(r), -e * Math.sin(r) + n * Math.cos(r));
}

/** A random position on a science detector of the visit. */
function randomOnFocalPlane(v: Visit, rng: Rng): { ra: number; dec: number; fp: NonNullable<ReturnType<typeof focalPlane>> } {
  for (;;) {
    const dist = 1.75 * Math.sqrt(rng.float());
    const [ra, dec] = destination(v.ra, v.dec, dist, rng.uniform(0, 360));
    const fp = place(v, ra, dec);
    if (fp) return { ra, dec, fp };
  }
}

const zeroFlux = (): Record<Band, number> => ({ u: 0, g: 0, r: 0, i: 0, z: 0, y: 0 });

/**
 * Simulates one night of Rubin alerts, lazily: alerts are built one at a
 * time as the iterator is consumed, in visit order (midpointMjdTai never
 * decreases). Memory grows only with a short per-object list of tonight's
 * detections, so repeated detections of an object carry the earlier ones.
 *
 * @example
 * for (const { alert, truth } of simulateNight({ alerts: 1000, seed: 7 })) {
 *   console.log(alert.diaSourceId, alert.diaSource.band, truth.kind);
 * }
 */
export function* simulateNight(options: SimulateNightOptions): Generator<SimulatedAlert, void, undefined> {
  const o = resolveOptions(options);
  if (o.alerts === 0) return;
  const visits = planVisits(o.seed, o.visits, o.alerts, o.startMjd, o.region);
  const populationSize = Math.max(200, Math.round(o.alerts * 0.6));
  const tonight = new Map<number, { diaObjectId: bigint; detections: Detection[] }>();
  for (const visit of visits) {
    const rng = new Rng(subSeed(o.seed, 21, visit.index));
    const counters = new Int32Array(189);
    const nextId = (detector: number) => sourceId(visit.id, detector, counters[detector]!++);
    for (let k = 0; k < visit.alerts; k++) {
      const u = rng.float();
      const stampRng = new Rng(rng.u32());
      if (u < o.ssFraction) yield solarSystemAlert(o, visit, rng, stampRng, nextId);
      else yield (u < o.ssFraction + BOGUS_FRACTION ? undefined : populationAlert(o, visit, rng, stampRng, nextId, populationSize, tonight)) ?? bogusAlert(o, visit, rng, stampRng, nextId);
    }
  }
}

type NextId = (detector: number) => bigint;

function baseDetection(v: Visit, id: bigint, fp: { detector: number; x: number; y: number }, seed: number): Omit<Detection, 'ra' | 'dec' | 'posErrArcsec' | 'psfFlux' | 'psfFluxErr' | 'scienceFlux' | 'scienceFluxErr' | 'templateFlux' | 'templateFluxErr' | 'extendedness' | 'reliability'> {
  return { diaSourceId: id, diaObjectId: null, ssObjectId: null, visit: v.id, detector: fp.detector, mjd: v.mjd, band: v.band, x: fp.x, y: fp.y, seeingArcsec: v.seeingArcsec, trailLength: 0, trailAngle: 0, isDipole: false, flags: 0, seed };
}

function stamps(o: Resolved, v: Visit, det: Detection, truth: { ra: number; dec: number; sci: number; tmpl: number; diff: number }, host: { ra: number; dec: number; flux: number; sigmaPix: number } | null, rng: Rng) {
  const wcs = makeTanWcs({ ra: det.ra, dec: det.dec, pixelScaleArcsec: PIXEL_SCALE, width: o.cutoutSize, height: o.cutoutSize, rotationDeg: v.rotationDeg });
  const c = renderCutouts(
    { size: o.cutoutSize, wcs, ra: truth.ra, dec: truth.dec, psfSigmaPix: v.seeingArcsec / 2.3548 / PIXEL_SCALE, scienceFlux: truth.sci, templateFlux: truth.tmpl, differenceFlux: truth.diff, skySigma: v.skySigma, host },
    rng,
  );
  return { cutoutDifference: c.difference, cutoutScience: c.science, cutoutTemplate: c.template };
}

function populationAlert(o: Resolved, v: Visit, rng: Rng, stampRng: Rng, nextId: NextId, size: number, tonight: Map<number, { diaObjectId: bigint; detections: Detection[] }>): SimulatedAlert | undefined {
  for (let t = 0; t < MAX_TRIES; t++) {
    const obj = skyObject(o.seed, rng.int(size), o.region, o.startMjd);
    const fp = place(v, obj.ra, obj.dec);
    if (!fp) continue;
    const m = measure(obj, { mjd: v.mjd, band: v.band, skySigma: v.skySigma, seeingArcsec: v.seeingArcsec }, rng);
    if (m.snr < 5) continue;
    return buildPopulationAlert(o, v, obj, m, fp, rng, stampRng, nextId, tonight);
  }
  return undefined;
}

function buildPopulationAlert(o: Resolved, v: Visit, obj: SkyObject, m: ReturnType<typeof measure>, fp: { detector: number; x: number; y: number }, rng: Rng, stampRng: Rng, nextId: NextId, tonight: Map<number, { diaObjectId: bigint; detections: Detection[] }>): SimulatedAlert {
  const id = nextId(fp.detector);
  const history = objectHistory(obj, o.startMjd);
  const earlier = tonight.get(obj.index);
  const diaObjectId = history.firstId ?? earlier?.diaObjectId ?? id;
  const scores = classifierScores(obj.extended, rng);
  const det: Detection = { ...baseDetection(v, id, fp, rng.u32()), ...m, diaObjectId, extendedness: scores.extendedness, reliability: scores.reliability };
  const prv = earlier ? [...history.detections, ...earlier.detections] : history.detections;
  const all = [...prv, det];
  const entry = earlier ?? { diaObjectId, detections: [] };
  entry.detections.push(det);
  if (entry.detections.length > MAX_NIGHT_DETECTIONS) entry.detections.shift();
  tonight.set(obj.index, entry);
  const trueFluxes = zeroFlux();
  for (const b of BANDS) trueFluxes[b] = trueFlux(obj, b, v.mjd);
  const fT = obj.templateFlux[v.band];
  const [hra, hdec] = offsetArcsec(obj.ra, obj.dec, obj.hostOffsetArcsec[0], obj.hostOffsetArcsec[1]);
  const psfSig = v.seeingArcsec / 2.3548;
  const host = obj.extended ? { ra: hra, dec: hdec, flux: obj.hostFlux[v.band], sigmaPix: Math.hypot(obj.hostSigmaArcsec, psfSig) / PIXEL_SCALE } : null;
  const alert: LsstAlert = {
    diaSourceId: id,
    observation_reason: v.observationReason,
    target_name: v.targetName,
    diaSource: diaSourceRecord(det),
    prvDiaSources: prv.map(diaSourceRecord),
    prvDiaForcedSources: history.forced,
    diaObject: diaObjectRecord(diaObjectId, all, history.forced, v.mjd),
    ssSource: null,
    mpc_orbits: null,
    ...stamps(o, v, det, { ra: obj.ra, dec: obj.dec, sci: m.trueFlux, tmpl: fT, diff: m.trueFlux - fT }, host, stampRng),
  };
  return {
    alert,
    truth: { kind: obj.kind, ra: obj.ra, dec: obj.dec, visit: v.id, visitIndex: v.index, mjd: v.mjd, band: v.band, detector: fp.detector, trueFlux: trueFluxes, templateFlux: fT, injectedFlux: m.trueFlux - fT, isSolarSystem: false, ssObjectId: null, diaObjectId, objectIndex: obj.index, extended: obj.extended, isNewObject: diaObjectId === id },
  };
}

function bogusAlert(o: Resolved, v: Visit, rng: Rng, stampRng: Rng, nextId: NextId): SimulatedAlert {
  const { ra, dec, fp } = randomOnFocalPlane(v, rng);
  const id = nextId(fp.detector);
  const err = fluxError(v.skySigma, 0) * Math.hypot(1, TEMPLATE_NOISE);
  const flux = (rng.chance(0.45) ? -1 : 1) * err * rng.uniform(5, 15);
  const posErr = centroidError(v.seeingArcsec, Math.abs(flux) / err) * 2;
  const flagBits = [FLAG_CR, FLAG_EDGE, FLAG_SATURATED, FLAG_STREAK, FLAG_INTERPOLATED];
  let flags = 0;
  for (const b of flagBits) if (rng.chance(0.2)) flags |= b;
  const det: Detection = {
    ...baseDetection(v, id, fp, rng.u32()),
    diaObjectId: id,
    ra,
    dec,
    posErrArcsec: posErr,
    psfFlux: flux,
    psfFluxErr: err,
    scienceFlux: Math.abs(flux) * rng.uniform(0.5, 3),
    scienceFluxErr: fluxError(v.skySigma, 0),
    templateFlux: Math.abs(flux) * rng.uniform(0, 2),
    templateFluxErr: fluxError(v.skySigma * TEMPLATE_NOISE, 0),
    extendedness: rng.chance(0.2) ? null : rng.float(),
    reliability: 0.35 * rng.float() ** 1.5,
    isDipole: rng.chance(0.3),
    flags,
  };
  const alert: LsstAlert = {
    diaSourceId: id,
    observation_reason: v.observationReason,
    target_name: v.targetName,
    diaSource: diaSourceRecord(det),
    prvDiaSources: [],
    prvDiaForcedSources: [],
    diaObject: diaObjectRecord(id, [det], [], v.mjd),
    ssSource: null,
    mpc_orbits: null,
    ...stamps(o, v, det, { ra, dec, sci: 0, tmpl: 0, diff: flux }, null, stampRng),
  };
  return {
    alert,
    truth: { kind: 'bogus', ra, dec, visit: v.id, visitIndex: v.index, mjd: v.mjd, band: v.band, detector: fp.detector, trueFlux: zeroFlux(), templateFlux: 0, injectedFlux: flux, isSolarSystem: false, ssObjectId: null, diaObjectId: id, objectIndex: null, extended: false, isNewObject: true },
  };
}

function solarSystemAlert(o: Resolved, v: Visit, rng: Rng, stampRng: Rng, nextId: NextId): SimulatedAlert {
  const { ra, dec, fp } = randomOnFocalPlane(v, rng);
  const id = nextId(fp.detector);
  let mo = movingObject(rng, v.band, v.m5);
  let f = movingFlux(mo, v.band);
  const tmplErr = fluxError(v.skySigma * TEMPLATE_NOISE, 0);
  let sciErr = fluxError(v.skySigma, f);
  let diffErr = Math.hypot(sciErr, tmplErr);
  let psfFlux = f + diffErr * rng.normal();
  for (let t = 0; Math.abs(psfFlux) / diffErr < 5 && t < 50; t++) {
    mo = movingObject(rng, v.band, v.m5);
    f = movingFlux(mo, v.band);
    sciErr = fluxError(v.skySigma, f);
    diffErr = Math.hypot(sciErr, tmplErr);
    psfFlux = f + diffErr * rng.normal();
  }
  const snr = Math.abs(psfFlux) / diffErr;
  const posErr = centroidError(v.seeingArcsec, snr);
  const [mra, mdec] = offsetArcsec(ra, dec, posErr * rng.normal(), posErr * rng.normal());
  const det: Detection = {
    ...baseDetection(v, id, fp, rng.u32()),
    ssObjectId: mo.ssObjectId,
    ra: mra,
    dec: mdec,
    posErrArcsec: posErr,
    psfFlux,
    psfFluxErr: diffErr,
    scienceFlux: f + sciErr * rng.normal(),
    scienceFluxErr: sciErr,
    templateFlux: tmplErr * rng.normal(),
    templateFluxErr: tmplErr,
    extendedness: rng.chance(0.05) ? null : Math.min(1, 0.1 * Math.abs(rng.normal()) + (mo.isNeo ? 0.4 : 0)),
    reliability: 1 - 0.3 * rng.float() ** 3,
    trailLength: (mo.rateDegPerDay * 3600 * 30) / 86400,
    trailAngle: mo.motionPaDeg,
  };
  const [ephRa, ephDec] = ephemerisPosition(ra, dec, mo, rng);
  const trueFluxes = zeroFlux();
  for (const b of BANDS) trueFluxes[b] = movingFlux(mo, b);
  const alert: LsstAlert = {
    diaSourceId: id,
    observation_reason: v.observationReason,
    target_name: v.targetName,
    diaSource: diaSourceRecord(det),
    prvDiaSources: null,
    prvDiaForcedSources: null,
    diaObject: null,
    ssSource: ssSourceRecord(mo, id, mra, mdec, ephRa, ephDec, rng),
    mpc_orbits: rng.chance(0.95) ? mpcOrbitRecord(mo, v.mjd, rng) : null,
    ...stamps(o, v, det, { ra, dec, sci: f, tmpl: 0, diff: f }, null, stampRng),
  };
  return {
    alert,
    truth: { kind: 'solar-system', ra, dec, visit: v.id, visitIndex: v.index, mjd: v.mjd, band: v.band, detector: fp.detector, trueFlux: trueFluxes, templateFlux: 0, injectedFlux: f, isSolarSystem: true, ssObjectId: mo.ssObjectId, diaObjectId: null, objectIndex: null, extended: false, isNewObject: false },
  };
}
