/**
 * Builds a `diaObject` record whose per-band summaries are computed from the
 * same detections and forced measurements the alert carries.
 */
import type { LsstDiaObject } from './schema-types.js';
import { BANDS, type Band } from './rubin.js';
import type { Detection } from './records.js';

/**
 * The forced-photometry fields the summaries use (a diaForcedSource record has them).
 *
 * @example
 * const f: ForcedFluxes = alert.prvDiaForcedSources[0];
 */
export interface ForcedFluxes {
  band: string | null;
  psfFlux: number | null;
  psfFluxErr: number | null;
  scienceFlux: number | null;
  scienceFluxErr: number | null;
}

const f32 = Math.fround;

function mean(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

function std(xs: number[], m: number): number {
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/**
 * The `lsst.v11_0.diaObject` record for an object given all its detections
 * (history plus the triggering one, oldest first) and forced measurements.
 *
 * @example
 * const obj = diaObjectRecord(id, [...prv, current], forced, current.mjd);
 */
export function diaObjectRecord(diaObjectId: bigint, detections: readonly Detection[], forced: readonly ForcedFluxes[], validityStart: number): LsstDiaObject {
  const rec: Record<string, unknown> = { diaObjectId, validityStartMjdTai: validityStart };
  const ras = detections.map((d) => d.ra);
  const decs = detections.map((d) => d.dec);
  const ra0 = ras[0] ?? 0;
  // Average ra as offsets from the first, so objects straddling ra = 0 stay right.
  const ra = ra0 + mean(ras.map((r) => ((r - ra0 + 540) % 360) - 180));
  const dec = mean(decs);
  let w = 0;
  for (const d of detections) w += 1 / (d.posErrArcsec * d.posErrArcsec);
  const posErr = Math.sqrt(1 / w) / 3600;
  rec.ra = (ra + 360) % 360;
  rec.raErr = f32(posErr / Math.cos((dec * Math.PI) / 180));
  rec.dec = dec;
  rec.decErr = f32(posErr);
  rec.ra_dec_Cov = f32(posErr * posErr * 0.02);
  for (const b of BANDS) fillBand(rec, b, detections.filter((d) => d.band === b), forced.filter((f) => f.band === b));
  rec.firstDiaSourceMjdTai = detections[0]?.mjd ?? null;
  rec.lastDiaSourceMjdTai = detections[detections.length - 1]?.mjd ?? null;
  rec.nDiaSources = detections.length;
  return rec as unknown as LsstDiaObject;
}

function fillBand(rec: Record<string, unknown>, b: Band, det: Detection[], fp: ForcedFluxes[]): void {
  const n = det.length;
  const fl = det.map((d) => d.psfFlux);
  const m = n ? mean(fl) : NaN;
  const errs = det.map((d) => d.psfFluxErr);
  rec[`${b}_psfFluxMean`] = n ? f32(m) : null;
  rec[`${b}_psfFluxMeanErr`] = n ? f32(Math.sqrt(errs.reduce((a, e) => a + e * e, 0)) / n) : null;
  rec[`${b}_psfFluxSigma`] = n > 1 ? f32(std(fl, m)) : null;
  rec[`${b}_psfFluxNdata`] = n;
  const fpf = fp.map((f) => f.psfFlux ?? 0);
  rec[`${b}_fpFluxMean`] = fp.length ? f32(mean(fpf)) : null;
  rec[`${b}_fpFluxMeanErr`] = fp.length ? f32(Math.sqrt(fp.reduce((a, f) => a + (f.psfFluxErr ?? 0) ** 2, 0)) / fp.length) : null;
  const sci = fp.length ? fp.map((f) => [f.scienceFlux ?? 0, f.scienceFluxErr ?? 0] as const) : det.map((d) => [d.scienceFlux, d.scienceFluxErr] as const);
  rec[`${b}_scienceFluxMean`] = sci.length ? f32(mean(sci.map((s) => s[0]))) : null;
  rec[`${b}_scienceFluxMeanErr`] = sci.length ? f32(Math.sqrt(sci.reduce((a, s) => a + s[1] ** 2, 0)) / sci.length) : null;
  rec[`${b}_psfFluxMin`] = n ? f32(Math.min(...fl)) : null;
  rec[`${b}_psfFluxMax`] = n ? f32(Math.max(...fl)) : null;
  let slope: number | null = null;
  for (let i = 1; i < n; i++) {
    const dt = det[i]!.mjd - det[i - 1]!.mjd;
    if (dt <= 0) continue;
    const s = (fl[i]! - fl[i - 1]!) / dt;
    if (slope === null || Math.abs(s) > Math.abs(slope)) slope = s;
  }
  rec[`${b}_psfFluxMaxSlope`] = slope === null ? null : f32(slope);
  rec[`${b}_psfFluxErrMean`] = n ? f32(mean(errs)) : null;
}
