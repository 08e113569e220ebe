/**
 * Solar-system alerts: a moving object detected once, with its ssSource
 * (ephemeris and geometry) and its MPC orbit record. Rubin sends these
 * without a diaObject and without history.
 */
import type { LsstMpcOrbits, LsstSsSource } from './schema-types.js';
import type { Rng } from './prng.js';
import { magToNJy, type Band } from './rubin.js';
import { offsetArcsec, toEcliptic, toGalactic } from './sky.js';

/**
 * A simulated minor planet at the time of one visit.
 *
 * @example
 * const mo: MovingObject = movingObject(rng, 'r', 24.5);
 */
export interface MovingObject {
  designation: string;
  packed: string;
  ssObjectId: bigint;
  /** Magnitude at this epoch (V) and absolute magnitude H. */
  vmag: number;
  h: number;
  /** Sky motion, degrees per day, and its position angle (north through east). */
  rateDegPerDay: number;
  motionPaDeg: number;
  a: number;
  e: number;
  incl: number;
  helioRange: number;
  topoRange: number;
  phaseAngle: number;
  elongation: number;
  isNeo: boolean;
}

const HALF_MONTH = 'ABCDEFGHJKLMNOPQRSTUVWXY';
const SECOND = 'ABCDEFGHJKLMNOPQRSTUVWXYZ';
const CYCLE = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Colours of a typical asteroid (V minus band, mag). */
const V_MINUS: Record<Band, number> = { u: -1.5, g: -0.3, r: 0.15, i: 0.3, z: 0.35, y: 0.4 };

/**
 * Packs a provisional designation ("2015 AB12" → "K15A12B", MPC packed form).
 *
 * @example
 * packDesignation(2015, 'A', 'B', 12) // 'K15A12B'
 */
export function packDesignation(year: number, half: string, second: string, cycle: number): string {
  const century = String.fromCharCode('A'.charCodeAt(0) + Math.floor(year / 100) - 10);
  const yy = String(year % 100).padStart(2, '0');
  const cc = cycle < 100 ? String(cycle).padStart(2, '0') : `${CYCLE[Math.floor(cycle / 10)]}${cycle % 10}`;
  return `${century}${yy}${half}${cc}${second}`;
}

/**
 * Rubin-style ssObjectId: the packed designation's ASCII bytes read as a big-endian integer.
 *
 * @example
 * ssObjectIdOf('K15A12B') > 2n ** 53n // true
 */
export function ssObjectIdOf(packed: string): bigint {
  let id = 0n;
  for (const ch of packed) id = (id << 8n) | BigInt(ch.charCodeAt(0));
  return id;
}

/**
 * Draws a minor planet bright enough to be seen in `band` given a limiting flux.
 *
 * @example
 * const mo = movingObject(rng, 'r');
 */
export function movingObject(rng: Rng, band: Band, m5: number): MovingObject {
  const isNeo = rng.chance(0.05);
  const year = 1995 + rng.int(31);
  const half = HALF_MONTH[rng.int(HALF_MONTH.length)] as string;
  const second = SECOND[rng.int(SECOND.length)] as string;
  const cycle = rng.int(400);
  const designation = `${year} ${half}${second}${cycle === 0 ? '' : cycle}`;
  const packed = packDesignation(year, half, second, cycle);
  const a = isNeo ? rng.uniform(0.9, 2.4) : rng.uniform(2.1, 3.3);
  const e = isNeo ? rng.uniform(0.2, 0.7) : rng.uniform(0, 0.28);
  const helioRange = a * (1 + e * (2 * rng.float() - 1));
  const topoRange = Math.max(0.05, helioRange - 1 + 0.3 * rng.float());
  const phaseAngle = isNeo ? rng.uniform(10, 60) : rng.uniform(1, 25);
  // Brightness from 3 mag above the visit's depth down to 0.3 mag below it, in V.
  const vmag = m5 - V_MINUS[band] - rng.uniform(-0.3, 3);
  const h = vmag - 5 * Math.log10(helioRange * topoRange) - 0.035 * phaseAngle;
  return {
    designation,
    packed,
    ssObjectId: ssObjectIdOf(packed),
    vmag,
    h,
    rateDegPerDay: isNeo ? rng.uniform(0.5, 5) : rng.uniform(0.12, 0.35),
    motionPaDeg: isNeo ? rng.uniform(0, 360) : 250 + 40 * rng.normal(),
    a,
    e,
    incl: isNeo ? rng.uniform(0, 40) : Math.abs(8 * rng.normal()),
    helioRange,
    topoRange,
    phaseAngle,
    elongation: 180 - phaseAngle * (1 + rng.float()),
    isNeo,
  };
}

/** True flux of a moving object in a band, nJy. @example movingFlux(mo, 'g') */
export function movingFlux(mo: MovingObject, band: Band): number {
  return magToNJy(mo.vmag + V_MINUS[band]);
}

const f32 = Math.fround;

/**
 * The `lsst.v11_0.ssSource` record of a detection at (ra, dec) whose ephemeris is (ephRa, ephDec).
 *
 * @example
 * const ss = ssSourceRecord(mo, diaSourceId, ra, dec, ephRa, ephDec, rng);
 */
export function ssSourceRecord(mo: MovingObject, diaSourceId: bigint, ra: number, dec: number, ephRa: number, ephDec: number, rng: Rng): LsstSsSource {
  const [lam, beta] = toEcliptic(ra, dec);
  const [l, b] = toGalactic(ra, dec);
  const cosd = Math.cos((dec * Math.PI) / 180);
  const dRa = (((ra - ephRa + 540) % 360) - 180) * cosd * 3600;
  const dDec = (dec - ephDec) * 3600;
  const pa = (mo.motionPaDeg * Math.PI) / 180;
  const along = dRa * Math.sin(pa) + dDec * Math.cos(pa);
  const cross = dRa * Math.cos(pa) - dDec * Math.sin(pa);
  const L = (lam * Math.PI) / 180, B = (beta * Math.PI) / 180;
  const ux = Math.cos(B) * Math.cos(L), uy = Math.cos(B) * Math.sin(L), uz = Math.sin(B);
  const v = 0.0172 / Math.sqrt(mo.helioRange);
  const hv = [-uy * v, ux * v, 0.1 * v * rng.normal()];
  // Earth sits between the Sun and an object near opposition, roughly along the same direction.
  const topo = [ux * mo.topoRange, uy * mo.topoRange, uz * mo.topoRange];
  const tv = [hv[0]! + uy * 0.0172, hv[1]! - ux * 0.0172, hv[2]!];
  const rate = mo.rateDegPerDay;
  return {
    diaSourceId,
    ssObjectId: mo.ssObjectId,
    designation: mo.designation,
    eclLambda: lam,
    eclBeta: beta,
    galLon: l,
    galLat: b,
    elongation: f32(mo.elongation),
    phaseAngle: f32(mo.phaseAngle),
    topoRange: f32(mo.topoRange),
    topoRangeRate: f32(rng.uniform(-15, 15)),
    helioRange: f32(mo.helioRange),
    helioRangeRate: f32(rng.uniform(-5, 5)),
    ephRa,
    ephDec,
    ephVmag: f32(mo.vmag),
    ephRate: f32(rate),
    ephRateRa: f32(rate * Math.sin(pa)),
    ephRateDec: f32(rate * Math.cos(pa)),
    ephOffset: f32(Math.hypot(dRa, dDec)),
    ephOffsetRa: dRa,
    ephOffsetDec: dDec,
    ephOffsetAlongTrack: f32(along),
    ephOffsetCrossTrack: f32(cross),
    helio_x: f32(ux * mo.helioRange),
    helio_y: f32(uy * mo.helioRange),
    helio_z: f32(uz * mo.helioRange),
    helio_vx: f32(hv[0]!),
    helio_vy: f32(hv[1]!),
    helio_vz: f32(hv[2]!),
    helio_vtot: f32(Math.hypot(hv[0]!, hv[1]!, hv[2]!)),
    topo_x: f32(topo[0]!),
    topo_y: f32(topo[1]!),
    topo_z: f32(topo[2]!),
    topo_vx: f32(tv[0]!),
    topo_vy: f32(tv[1]!),
    topo_vz: f32(tv[2]!),
    topo_vtot: f32(Math.hypot(tv[0]!, tv[1]!, tv[2]!)),
    diaDistanceRank: 1,
  };
}

/**
 * Where the ephemeris puts the object: the true position offset by a small prediction error.
 *
 * @example
 * const [ephRa, ephDec] = ephemerisPosition(ra, dec, mo, rng);
 */
export function ephemerisPosition(ra: number, dec: number, mo: MovingObject, rng: Rng): [number, number] {
  const err = mo.isNeo ? 2 : 0.15;
  return offsetArcsec(ra, dec, err * rng.normal(), err * rng.normal());
}

/**
 * The `lsst.v11_0.mpc_orbits` record of a moving object.
 *
 * @example
 * const orbit = mpcOrbitRecord(mo, 61000.1, rng);
 */
export function mpcOrbitRecord(mo: MovingObject, mjd: number, rng: Rng): LsstMpcOrbits {
  const periodDays = 365.25 * mo.a ** 1.5;
  const micros = (m: number) => BigInt(Math.round((m - 40587) * 86400)) * 1000000n;
  const created = mjd - rng.uniform(30, 3000);
  const updated = mjd - rng.uniform(1, 30);
  const nobs = 20 + rng.int(2000);
  const unc = (x: number) => x * 10 ** rng.uniform(-7, -4);
  const node = rng.uniform(0, 360), argperi = rng.uniform(0, 360), meanAnomaly = rng.uniform(0, 360);
  const q = mo.a * (1 - mo.e);
  return {
    id: 100000 + rng.int(1900000),
    designation: mo.designation,
    packed_primary_provisional_designation: mo.packed,
    unpacked_primary_provisional_designation: mo.designation,
    mpc_orb_jsonb: null,
    created_at: micros(created),
    updated_at: micros(updated),
    orbit_type_int: mo.isNeo ? 2 : 10,
    u_param: mo.isNeo ? 3 + rng.int(6) : rng.int(4),
    nopp: 1 + rng.int(15),
    arc_length_total: rng.uniform(5, 9000),
    arc_length_sel: rng.uniform(5, 9000),
    nobs_total: nobs,
    nobs_total_sel: nobs - rng.int(Math.max(1, Math.floor(nobs / 20))),
    a: mo.a,
    q,
    e: mo.e,
    i: mo.incl,
    node,
    argperi,
    peri_time: mjd - (meanAnomaly / 360) * periodDays,
    yarkovsky: null,
    srp: null,
    a1: null,
    a2: null,
    a3: null,
    dt: null,
    mean_anomaly: meanAnomaly,
    period: periodDays,
    mean_motion: 360 / periodDays,
    a_unc: unc(mo.a),
    q_unc: unc(q),
    e_unc: unc(Math.max(mo.e, 0.01)),
    i_unc: unc(Math.max(mo.incl, 1)),
    node_unc: unc(node),
    argperi_unc: unc(argperi),
    peri_time_unc: unc(periodDays),
    yarkovsky_unc: null,
    srp_unc: null,
    a1_unc: null,
    a2_unc: null,
    a3_unc: null,
    dt_unc: null,
    mean_anomaly_unc: unc(meanAnomaly),
    period_unc: unc(periodDays),
    mean_motion_unc: unc(360 / periodDays),
    epoch_mjd: Math.round(mjd / 100) * 100 - 0.5,
    h: mo.h,
    g: 0.15,
    not_normalized_rms: rng.uniform(0.2, 0.8),
    normalized_rms: rng.uniform(0.4, 1.2),
    earth_moid: mo.isNeo ? rng.uniform(0.001, 0.3) : rng.uniform(0.8, 2.5),
    fitting_datetime: micros(updated),
  };
}
