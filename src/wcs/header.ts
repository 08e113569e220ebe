/**
 * Celestial WCS to and from FITS header cards (WCS Paper I, sect. 2–3; Paper
 * II, sect. 2). The linear part may be given as a CD matrix, as PC + CDELT
 * (PC defaults to the identity), or as CDELT + CROTA2 (the old AIPS form).
 * When several are present, PC beats CD and CD beats CROTA, as WCSLIB does.
 */
import { AlertflowError } from '../errors.js';
import type { FitsCard, FitsValue } from '../fits/header.js';
import { lonpoleOf, type CelestialWcs } from './celestial.js';
import type { ZenithalCode } from './zenithal.js';

const PROJECTIONS = new Set<ZenithalCode>(['TAN', 'SIN', 'ZEA']);
const LNG = /^(RA|[A-Z]LON|[A-Z]{2}LN)$/;
const LAT = /^(DEC|[A-Z]LAT|[A-Z]{2}LT)$/;

function splitCtype(ctype: string): { type: string; code: string; extra: string } {
  // 'RA---TAN' → type 'RA', code 'TAN'; 'RA---TAN-SIP' → extra 'SIP'.
  const s = ctype.trim().toUpperCase();
  return { type: s.slice(0, 4).replace(/-+$/, ''), code: s.slice(5, 8), extra: s.slice(9) };
}

/**
 * True when the cards describe a 2-D celestial WCS (CTYPE1 and CTYPE2 naming
 * a longitude and a latitude axis).
 *
 * @example
 * hasCelestialWcs(readFits(bytes).cards) // true
 */
export function hasCelestialWcs(cards: readonly FitsCard[]): boolean {
  const m = valueMap(cards);
  const c1 = m.get('CTYPE1'), c2 = m.get('CTYPE2');
  if (typeof c1 !== 'string' || typeof c2 !== 'string') return false;
  const a = splitCtype(c1).type, b = splitCtype(c2).type;
  return (LNG.test(a) && LAT.test(b)) || (LAT.test(a) && LNG.test(b));
}

function valueMap(cards: readonly FitsCard[]): Map<string, FitsValue> {
  const m = new Map<string, FitsValue>();
  for (const c of cards) if (c.value !== undefined && !m.has(c.key)) m.set(c.key, c.value);
  return m;
}

/**
 * Options of {@link wcsFromHeader}.
 *
 * @example
 * wcsFromHeader(cards, { ignoreDistortion: true })
 */
export interface WcsFromHeaderOptions {
  /** Accept `-SIP` (or other) distortion suffixes and use the undistorted WCS (default: throw ERR_WCS). */
  ignoreDistortion?: boolean;
  /**
   * Read a header with no CTYPE1/CTYPE2 at all as RA/DEC in this projection
   * (some stamps, like the BOOM LSST test packet's, carry CRVAL/CRPIX/PC but no CTYPE).
   */
  assumeProjection?: ZenithalCode;
}

/**
 * Builds a celestial WCS from header cards. Throws `ERR_WCS` when the header
 * has no celestial axes or uses what alertflow does not implement (other
 * projections, non-degree units, SIN/ZEA parameters).
 *
 * @example
 * const wcs = wcsFromHeader(readFits(bytes).cards);
 * const [ra, dec] = pixelToWorld0(wcs, 10, 20);
 */
export function wcsFromHeader(cards: readonly FitsCard[], opts: WcsFromHeaderOptions = {}): CelestialWcs {
  if (opts.assumeProjection && !cards.some((c) => c.key === 'CTYPE1' || c.key === 'CTYPE2')) {
    const p = opts.assumeProjection;
    return wcsFromHeader([{ key: 'CTYPE1', value: `RA---${p}` }, { key: 'CTYPE2', value: `DEC--${p}` }, ...cards], { ...opts, assumeProjection: undefined });
  }
  const m = valueMap(cards);
  const str = (k: string): string | undefined => (typeof m.get(k) === 'string' ? (m.get(k) as string) : undefined);
  const num = (k: string): number | undefined => (typeof m.get(k) === 'number' ? (m.get(k) as number) : undefined);
  if (!hasCelestialWcs(cards)) throw new AlertflowError('ERR_WCS', 'the header has no celestial CTYPE1/CTYPE2 pair', { ctype1: str('CTYPE1') ?? null, ctype2: str('CTYPE2') ?? null });
  const t1 = splitCtype(str('CTYPE1')!), t2 = splitCtype(str('CTYPE2')!);
  const lngAxis: 0 | 1 = LNG.test(t1.type) ? 0 : 1;
  if (t1.code !== t2.code) throw new AlertflowError('ERR_WCS', `CTYPE1 and CTYPE2 name different projections (${t1.code}, ${t2.code})`);
  const code = t1.code as ZenithalCode;
  if (!PROJECTIONS.has(code)) throw new AlertflowError('ERR_WCS', `projection ${t1.code} is not supported (TAN, SIN, ZEA)`, { projection: t1.code });
  if ((t1.extra || t2.extra) && !opts.ignoreDistortion) throw new AlertflowError('ERR_WCS', `distortion ${t1.extra || t2.extra} is not supported`, { distortion: t1.extra || t2.extra });
  for (const k of ['CUNIT1', 'CUNIT2']) {
    const u = str(k)?.trim();
    if (u && u.toLowerCase() !== 'deg') throw new AlertflowError('ERR_WCS', `${k} '${u}' is not supported (degrees only)`);
  }
  const lat = lngAxis === 0 ? 2 : 1;
  for (const k of [`PV${lat}_1`, `PV${lat}_2`, `PV${lat}_3`, `PV${3 - lat}_1`, `PV${3 - lat}_2`]) {
    const v = num(k);
    // PVi_1/2 on the latitude axis are SIN's slant terms and ZEA/TAN's extra terms; PVj_1/2 on the longitude axis move (φ0, θ0).
    if (v !== undefined && v !== 0) throw new AlertflowError('ERR_WCS', `${k} = ${v} is not supported`, { key: k });
  }
  const crval: [number, number] = [num('CRVAL1') ?? 0, num('CRVAL2') ?? 0];
  const crpix: [number, number] = [num('CRPIX1') ?? 0, num('CRPIX2') ?? 0];
  const wcs: CelestialWcs = { projection: code, crval, crpix, cd: linearPart(m, num), lngAxis, types: lngAxis === 0 ? [t1.type, t2.type] : [t2.type, t1.type] };
  const lonpole = num('LONPOLE');
  if (lonpole !== undefined) wcs.lonpole = lonpole;
  const radesys = str('RADESYS') ?? str('RADECSYS');
  if (radesys) wcs.radesys = radesys.trim();
  const equinox = num('EQUINOX') ?? num('EPOCH');
  if (equinox !== undefined) wcs.equinox = equinox;
  return wcs;
}

type Matrix = [[number, number], [number, number]];

function linearPart(m: Map<string, FitsValue>, num: (k: string) => number | undefined): Matrix {
  const has = (prefix: string): boolean => [11, 12, 21, 22].some((ij) => m.has(`${prefix}${Math.floor(ij / 10)}_${ij % 10}`));
  const c1 = num('CDELT1') ?? 1, c2 = num('CDELT2') ?? 1;
  if (has('PC') || (!has('CD') && num('CROTA2') === undefined && num('CROTA1') === undefined)) {
    const pc: Matrix = [[num('PC1_1') ?? 1, num('PC1_2') ?? 0], [num('PC2_1') ?? 0, num('PC2_2') ?? 1]];
    return [[c1 * pc[0][0], c1 * pc[0][1]], [c2 * pc[1][0], c2 * pc[1][1]]];
  }
  if (has('CD')) {
    const cd: Matrix = [[num('CD1_1') ?? 0, num('CD1_2') ?? 0], [num('CD2_1') ?? 0, num('CD2_2') ?? 0]];
    // Missing CD elements are zero (Paper I); a wholly empty row and column gets a unit diagonal, as WCSLIB does, rather than a singular matrix.
    for (const i of [0, 1] as const) {
      if (cd[i][0] === 0 && cd[i][1] === 0 && cd[0][i] === 0 && cd[1][i] === 0 && !m.has(`CD${i + 1}_${i + 1}`)) cd[i][i] = 1;
    }
    return cd;
  }
  // CROTA on the latitude axis rotates the CDELT-scaled pixel axes (Paper II, eq. 188).
  const rho = ((num('CROTA2') ?? num('CROTA1') ?? 0) * Math.PI) / 180;
  const cos = Math.cos(rho), sin = Math.sin(rho);
  return [[c1 * cos, -c2 * sin], [c1 * sin, c2 * cos]];
}

/**
 * Comments and optional cards of {@link wcsHeaderCards}, for writers that
 * must keep an established header layout byte for byte.
 *
 * @example
 * wcsHeaderCards(wcs, { ctypeComment: 'gnomonic projection', lonpole: false })
 */
export interface WcsCardStyle {
  /** Comment on CTYPE1 and CTYPE2 (default: none). */
  ctypeComment?: string;
  /** Comments on CRVAL1 and CRVAL2 (default: 'reference sky coordinate i (deg)'). */
  crvalComments?: readonly [string, string];
  /** Write the LONPOLE card (default true). */
  lonpole?: boolean;
}

/**
 * Header cards for a celestial WCS, in CD form (WCSAXES, CTYPEi, CUNITi,
 * CRVALi, CRPIXi, CDi_j, LONPOLE, and RADESYS / EQUINOX when known).
 *
 * @example
 * const cards = wcsHeaderCards(wcs); // write with writeFits([{ data, axes, cards }])
 */
export function wcsHeaderCards(wcs: CelestialWcs, style: WcsCardStyle = {}): FitsCard[] {
  const l = wcs.lngAxis ?? 0;
  const [lngType, latType] = wcs.types ?? ['RA', 'DEC'];
  const ctype = (t: string): string => `${t.padEnd(4, '-')}-${wcs.projection}`;
  const types = l === 0 ? [ctype(lngType), ctype(latType)] : [ctype(latType), ctype(lngType)];
  const ctypeCard = (key: string, value: string): FitsCard => (style.ctypeComment === undefined ? { key, value } : { key, value, comment: style.ctypeComment });
  const [crval1Comment, crval2Comment] = style.crvalComments ?? ['reference sky coordinate 1 (deg)', 'reference sky coordinate 2 (deg)'];
  const cards: FitsCard[] = [
    { key: 'WCSAXES', value: 2, comment: 'number of WCS axes' },
    ctypeCard('CTYPE1', types[0]!),
    ctypeCard('CTYPE2', types[1]!),
    { key: 'CUNIT1', value: 'deg' },
    { key: 'CUNIT2', value: 'deg' },
    { key: 'CRVAL1', value: wcs.crval[0], real: true, comment: crval1Comment },
    { key: 'CRVAL2', value: wcs.crval[1], real: true, comment: crval2Comment },
    { key: 'CRPIX1', value: wcs.crpix[0], real: true, comment: 'reference pixel (1-based)' },
    { key: 'CRPIX2', value: wcs.crpix[1], real: true, comment: 'reference pixel (1-based)' },
    { key: 'CD1_1', value: wcs.cd[0][0], real: true },
    { key: 'CD1_2', value: wcs.cd[0][1], real: true },
    { key: 'CD2_1', value: wcs.cd[1][0], real: true },
    { key: 'CD2_2', value: wcs.cd[1][1], real: true },
  ];
  if (style.lonpole ?? true) cards.push({ key: 'LONPOLE', value: lonpoleOf(wcs), real: true, comment: 'native longitude of the celestial pole (deg)' });
  const celestial = lngType === 'RA';
  if (celestial) cards.push({ key: 'RADESYS', value: wcs.radesys ?? 'ICRS' });
  if (celestial && wcs.equinox !== undefined) cards.push({ key: 'EQUINOX', value: wcs.equinox, real: true });
  return cards;
}
