/**
 * FITS header cards for a TAN WCS (WCS Papers I and II keywords).
 */
import type { FitsCard } from './header.js';
import { makeTanWcs, type TanWcs, type TanWcsOptions } from './tan.js';
import { wcsHeaderCards, type WcsCardStyle } from '../wcs/header.js';

/** The stamp layout: projection named on the CTYPEs, RA/Dec on the CRVALs, no LONPOLE (TAN's default). */
const TAN_STAMP_STYLE: WcsCardStyle = { ctypeComment: 'gnomonic projection', crvalComments: ['reference right ascension', 'reference declination'], lonpole: false };

/**
 * WCS cards (WCSAXES, CTYPE, CUNIT, CRVAL, CRPIX, CD, RADESYS, EQUINOX) for a TAN WCS,
 * written by {@link wcsHeaderCards} (ICRS, equinox 2000).
 *
 * @example
 * const cards = tanWcsCards(makeTanWcs({ ra: 10, dec: -5, pixelScaleArcsec: 0.2, width: 30, height: 30 }));
 */
export function tanWcsCards(wcs: TanWcs): FitsCard[] {
  return wcsHeaderCards({ projection: 'TAN', crval: wcs.crval, crpix: wcs.crpix, cd: wcs.cd, radesys: 'ICRS', equinox: 2000 }, TAN_STAMP_STYLE);
}

/**
 * Builds a TAN WCS for a stamp centred on (ra, dec) and returns it with its cards.
 *
 * @example
 * const { wcs, cards } = stampWcs({ ra: 53.1, dec: -28.1, pixelScaleArcsec: 0.2, width: 30, height: 30, rotationDeg: 12 });
 */
export function stampWcs(opts: TanWcsOptions): { wcs: TanWcs; cards: FitsCard[] } {
  const wcs = makeTanWcs(opts);
  return { wcs, cards: tanWcsCards(wcs) };
}

/**
 * Reads a TAN WCS back from header cards (CD matrix, or CDELT with optional PC / CROTA2).
 * Returns undefined when the header has no RA---TAN / DEC--TAN pair.
 *
 * @example
 * const wcs = tanWcsFromCards(readFits(bytes).cards);
 */
export function tanWcsFromCards(cards: readonly FitsCard[]): TanWcs | undefined {
  const v = new Map<string, unknown>();
  for (const c of cards) if (c.value !== undefined && !v.has(c.key)) v.set(c.key, c.value);
  const num = (k: string, d: number): number => (typeof v.get(k) === 'number' ? (v.get(k) as number) : d);
  if (v.get('CTYPE1') !== 'RA---TAN' || v.get('CTYPE2') !== 'DEC--TAN') return undefined;
  let cd: [[number, number], [number, number]];
  if (v.has('CD1_1') || v.has('CD2_2')) {
    cd = [[num('CD1_1', 0), num('CD1_2', 0)], [num('CD2_1', 0), num('CD2_2', 0)]];
  } else {
    const c1 = num('CDELT1', 1), c2 = num('CDELT2', 1);
    let pc: [[number, number], [number, number]] = [[num('PC1_1', 1), num('PC1_2', 0)], [num('PC2_1', 0), num('PC2_2', 1)]];
    if (!v.has('PC1_1') && v.has('CROTA2')) {
      const r = (num('CROTA2', 0) * Math.PI) / 180;
      pc = [[Math.cos(r), (-Math.sin(r) * c2) / c1], [(Math.sin(r) * c1) / c2, Math.cos(r)]];
    }
    cd = [[c1 * pc[0][0], c1 * pc[0][1]], [c2 * pc[1][0], c2 * pc[1][1]]];
  }
  return { crval: [num('CRVAL1', 0), num('CRVAL2', 0)], crpix: [num('CRPIX1', 0), num('CRPIX2', 0)], cd };
}
