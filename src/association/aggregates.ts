/**
 * (Re)computes a DiaObject's `lsst.v11_0.diaObject` fields from all of its
 * DiaSources (alert generation step 8). Definitions, per the schema's own
 * field descriptions:
 *
 * - `<b>_psfFluxMean`: inverse-variance weighted mean of psfFlux over the
 *   band's sources with a finite flux and a finite positive psfFluxErr;
 *   `<b>_psfFluxMeanErr` = sqrt(1 / Σ w). Sources without a usable error
 *   count for Ndata, Sigma, Min and Max but not for the mean; if none has an
 *   error the mean is unweighted and MeanErr null.
 * - `<b>_psfFluxSigma`: sample standard deviation (n − 1) of the fluxes, null below 2.
 * - `<b>_psfFluxNdata`, `Min`, `Max`: over sources with a finite psfFlux.
 * - `<b>_psfFluxErrMean`: plain mean of the finite psfFluxErr values.
 * - `<b>_psfFluxMaxSlope`: max over consecutive sources (by time) of Δflux / Δt [nJy/d].
 * - `<b>_scienceFluxMean(Err)`: as psfFluxMean, from the sources' scienceFlux.
 * - `<b>_fpFlux*`: forced photometry, not derivable from DiaSources: null.
 * - `ra`, `dec`: direction of the unweighted mean of the sources' unit
 *   vectors (no RA wrap or pole problems). `raErr`, `decErr`: sqrt(Σ σ²) / n
 *   (error of that unweighted mean) when every source has them, else null;
 *   `ra_dec_Cov`: Σ cov / n² likewise.
 * - `first/lastDiaSourceMjdTai`, `nDiaSources`: over all sources.
 * - `validityStartMjdTai`: the visit midpoint that wrote this version.
 *
 * Float-typed schema fields are rounded to float32, as Avro would store them.
 */
import { radecToVector, vectorToRadec } from '../sky/vector.js';
import type { DiaObjectRecord, DiaSourceRecord } from './types.js';

/** Rubin's bands in schema order. */
export const DIA_BANDS = ['u', 'g', 'r', 'i', 'z', 'y'] as const;

const f32 = Math.fround;

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The full diaObject record for `sources` (history plus this visit, any order).
 *
 * @example
 * const obj = diaObjectFromSources(7n, [s1, s2], 61000.1);
 * obj.r_psfFluxMean // weighted mean of the r-band fluxes
 */
export function diaObjectFromSources(diaObjectId: bigint, sources: readonly DiaSourceRecord[], validityStartMjdTai: number | null): DiaObjectRecord {
  const sorted = sources.length > 1 ? [...sources].sort(byTimeThenId) : sources;
  // Copying a template gives every record the same shape (schema order), which keeps writes fast.
  const rec: Record<string, unknown> = { ...TEMPLATE };
  rec.diaObjectId = diaObjectId;
  rec.validityStartMjdTai = validityStartMjdTai ?? null;
  Object.assign(rec, position(sorted));
  const perBand: DiaSourceRecord[][] = DIA_BANDS.map(() => []);
  for (const s of sorted) {
    const b = typeof s.band === 'string' ? BAND_INDEX.get(s.band) : undefined;
    if (b !== undefined) perBand[b].push(s);
  }
  // Fields are written in schema order, so a record encodes without reshuffling.
  const psf = perBand.map((src) => weighted(src, 'psfFlux', 'psfFluxErr'));
  KEYS.forEach((k, b) => {
    rec[k.psfFluxMean] = psf[b].mean;
    rec[k.psfFluxMeanErr] = psf[b].meanErr;
    rec[k.psfFluxSigma] = psf[b].sigma;
    rec[k.psfFluxNdata] = psf[b].n;
    rec[k.fpFluxMean] = null;
    rec[k.fpFluxMeanErr] = null;
  });
  KEYS.forEach((k, b) => {
    const sci = weighted(perBand[b], 'scienceFlux', 'scienceFluxErr');
    rec[k.scienceFluxMean] = sci.mean;
    rec[k.scienceFluxMeanErr] = sci.meanErr;
  });
  KEYS.forEach((k, b) => {
    rec[k.psfFluxMin] = psf[b].min;
    rec[k.psfFluxMax] = psf[b].max;
    rec[k.psfFluxMaxSlope] = maxSlope(perBand[b]);
    rec[k.psfFluxErrMean] = psf[b].errMean;
  });
  let first: number | null = null;
  let last: number | null = null;
  for (const s of sorted) {
    const t = s.midpointMjdTai;
    if (!finite(t)) continue;
    if (first === null || t < first) first = t;
    if (last === null || t > last) last = t;
  }
  rec.firstDiaSourceMjdTai = first;
  rec.lastDiaSourceMjdTai = last;
  rec.nDiaSources = sources.length;
  return rec as DiaObjectRecord;
}

const BAND_INDEX = new Map<string, number>(DIA_BANDS.map((b, i) => [b, i]));
const FIELDS = ['psfFluxMean', 'psfFluxMeanErr', 'psfFluxSigma', 'psfFluxNdata', 'fpFluxMean', 'fpFluxMeanErr', 'scienceFluxMean', 'scienceFluxMeanErr', 'psfFluxMin', 'psfFluxMax', 'psfFluxMaxSlope', 'psfFluxErrMean'] as const;
// Per-band field names, built once (a hot path writes 72 of them per object).
const KEYS = DIA_BANDS.map((b) => Object.fromEntries(FIELDS.map((f) => [f, `${b}_${f}`])) as Record<(typeof FIELDS)[number], string>);
const BAND_FIELDS = (fields: readonly (typeof FIELDS)[number][]): string[] => KEYS.flatMap((k) => fields.map((f) => k[f]));
const TEMPLATE: Record<string, unknown> = Object.fromEntries(
  [
    'diaObjectId', 'validityStartMjdTai', 'ra', 'raErr', 'dec', 'decErr', 'ra_dec_Cov',
    ...BAND_FIELDS(['psfFluxMean', 'psfFluxMeanErr', 'psfFluxSigma', 'psfFluxNdata', 'fpFluxMean', 'fpFluxMeanErr']),
    ...BAND_FIELDS(['scienceFluxMean', 'scienceFluxMeanErr']),
    ...BAND_FIELDS(['psfFluxMin', 'psfFluxMax', 'psfFluxMaxSlope', 'psfFluxErrMean']),
    'firstDiaSourceMjdTai', 'lastDiaSourceMjdTai', 'nDiaSources',
  ].map((k) => [k, null]),
);

function byTimeThenId(a: DiaSourceRecord, b: DiaSourceRecord): number {
  const ta = finite(a.midpointMjdTai) ? a.midpointMjdTai : -Infinity;
  const tb = finite(b.midpointMjdTai) ? b.midpointMjdTai : -Infinity;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.diaSourceId < b.diaSourceId ? -1 : a.diaSourceId > b.diaSourceId ? 1 : 0;
}

function position(src: readonly DiaSourceRecord[]): Record<string, number | null> {
  let x = 0;
  let y = 0;
  let z = 0;
  for (const s of src) {
    const v = radecToVector(s.ra, s.dec);
    x += v[0];
    y += v[1];
    z += v[2];
  }
  // A degenerate mean (no sources, or vectors that cancel) keeps the first source's position.
  const [ra, dec] = x * x + y * y + z * z > 1e-30 ? vectorToRadec([x, y, z]) : src.length ? [src[0].ra, src[0].dec] : [NaN, NaN];
  const n = src.length;
  const all = (k: 'raErr' | 'decErr' | 'ra_dec_Cov'): number[] | null => {
    const v = src.map((s) => s[k]);
    return n > 0 && v.every(finite) ? (v as number[]) : null;
  };
  const raE = all('raErr');
  const decE = all('decErr');
  const cov = all('ra_dec_Cov');
  return {
    ra,
    raErr: raE ? f32(Math.sqrt(raE.reduce((a, e) => a + e * e, 0)) / n) : null,
    dec,
    decErr: decE ? f32(Math.sqrt(decE.reduce((a, e) => a + e * e, 0)) / n) : null,
    ra_dec_Cov: cov ? f32(cov.reduce((a, c) => a + c, 0) / (n * n)) : null,
  };
}

interface Summary {
  mean: number | null;
  meanErr: number | null;
  sigma: number | null;
  n: number;
  min: number | null;
  max: number | null;
  errMean: number | null;
}

function weighted(src: readonly DiaSourceRecord[], fluxKey: 'psfFlux' | 'scienceFlux', errKey: 'psfFluxErr' | 'scienceFluxErr'): Summary {
  let n = 0;
  let sum = 0;
  let sw = 0;
  let swf = 0;
  let min = Infinity;
  let max = -Infinity;
  let nErr = 0;
  let sumErr = 0;
  for (const s of src) {
    const e = s[errKey];
    if (finite(e)) {
      nErr++;
      sumErr += e;
    }
    const f = s[fluxKey];
    if (!finite(f)) continue;
    n++;
    sum += f;
    if (f < min) min = f;
    if (f > max) max = f;
    // An error so small that its weight overflows is unusable, like a missing one.
    const w = finite(e) && e > 0 ? 1 / (e * e) : 0;
    if (w > 0 && w < Infinity) {
      sw += w;
      swf += w * f;
    }
  }
  const errMean = nErr ? f32(sumErr / nErr) : null;
  if (n === 0) return { mean: null, meanErr: null, sigma: null, n, min: null, max: null, errMean };
  const plain = sum / n;
  let ss = 0;
  if (n > 1) {
    for (const s of src) {
      const f = s[fluxKey];
      if (finite(f)) ss += (f - plain) * (f - plain);
    }
  }
  return {
    mean: f32(sw > 0 ? swf / sw : plain),
    meanErr: sw > 0 ? f32(Math.sqrt(1 / sw)) : null,
    sigma: n > 1 ? f32(Math.sqrt(ss / (n - 1))) : null,
    n,
    min: f32(min),
    max: f32(max),
    errMean,
  };
}

function maxSlope(src: readonly DiaSourceRecord[]): number | null {
  let best: number | null = null;
  let prev: DiaSourceRecord | undefined;
  for (const s of src) {
    if (!finite(s.psfFlux) || !finite(s.midpointMjdTai)) continue;
    if (prev) {
      const dt = s.midpointMjdTai - (prev.midpointMjdTai as number);
      if (dt > 0) {
        const slope = (s.psfFlux - (prev.psfFlux as number)) / dt;
        if (best === null || slope > best) best = slope;
      }
    }
    prev = s;
  }
  return best === null ? null : f32(best);
}
