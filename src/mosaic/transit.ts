/**
 * Sidereal time and meridian transits for a drift-scan array (DSA-110 at
 * OVRO). GMST follows the IAU 2006 expression (Earth rotation angle plus the
 * precession polynomial, Capitaine et al. 2003); UT1 is taken as UTC (|DUT1|
 * < 0.9 s, so transits are good to about a second) and TT as UTC + 69.184 s
 * (TAI-UTC = 37 s since 2017). A transit is where the local mean sidereal
 * time equals the source's RA, the rule the DSA-110 pipeline uses.
 */

/** An observing site. Longitude east-positive, degrees. */
export interface Site {
  name: string;
  lonDeg: number;
  latDeg: number;
}

/**
 * DSA-110 at OVRO, as the DSA-110 continuum pipeline's constants give it
 * (latitude 37.2314°, longitude -118.2817°; the older OVRO/CASA value is
 * -118.2834°). Pass another {@link Site} to use different values.
 *
 * @example
 * localSiderealDeg(60977.5, DSA110_SITE)
 */
export const DSA110_SITE: Site = { name: 'DSA-110 (OVRO)', lonDeg: -118.2817, latDeg: 37.2314 };

const MJD_J2000 = 51544.5;
const TT_MINUS_UTC_DAYS = 69.184 / 86400;
/** Earth rotation rate in sidereal turns per UT1 day (IAU 2000 ERA). */
export const SIDEREAL_RATE = 1.0027378119113546;

const wrap360 = (deg: number): number => ((deg % 360) + 360) % 360;
const wrap180 = (deg: number): number => wrap360(deg + 180) - 180;

/**
 * Greenwich mean sidereal time (IAU 2006) at a UTC MJD, in degrees [0, 360).
 *
 * @example
 * gmstDeg(51544.5) // ≈ 280.46 (18h41m50s at J2000.0)
 */
export function gmstDeg(mjdUtc: number): number {
  const du = mjdUtc - MJD_J2000;
  // Split the integer day so the fractional turn keeps its precision.
  const era = 360 * (((0.779057273264 + 0.00273781191135448 * du) % 1) + (du % 1) + 1);
  const t = (mjdUtc + TT_MINUS_UTC_DAYS - MJD_J2000) / 36525;
  const poly = 0.014506 + t * (4612.156534 + t * (1.3915817 + t * (-0.00000044 + t * (-0.000029956 - 0.0000000368 * t))));
  return wrap360(era + poly / 3600);
}

/**
 * Local mean sidereal time at `site`, degrees [0, 360).
 *
 * @example
 * localSiderealDeg(60977.5, DSA110_SITE)
 */
export function localSiderealDeg(mjdUtc: number, site: Site = DSA110_SITE): number {
  return wrap360(gmstDeg(mjdUtc) + site.lonDeg);
}

/**
 * Hour angle of a source of right ascension `raDeg`, degrees in [-180, 180).
 *
 * @example
 * hourAngleDeg(transitMjd, ra) // ≈ 0
 */
export function hourAngleDeg(mjdUtc: number, raDeg: number, site: Site = DSA110_SITE): number {
  return wrap180(localSiderealDeg(mjdUtc, site) - raDeg);
}

/**
 * The meridian transit of `raDeg` nearest to `mjdUtc` (within half a sidereal day), as a UTC MJD.
 *
 * @example
 * nearestTransitMjd(83.63, 60977.0) // the transit of RA 5h34m nearest that time
 */
export function nearestTransitMjd(raDeg: number, mjdUtc: number, site: Site = DSA110_SITE): number {
  let t = mjdUtc;
  // Newton on the hour angle; the rate is constant to 1e-10, so two steps converge to microseconds.
  for (let i = 0; i < 4; i++) t -= hourAngleDeg(t, raDeg, site) / (360 * SIDEREAL_RATE);
  return t;
}

/**
 * The first transit of `raDeg` at or after `mjdUtc`.
 *
 * @example
 * transitAfterMjd(83.63, 60977.0) >= 60977.0 // true
 */
export function transitAfterMjd(raDeg: number, mjdUtc: number, site: Site = DSA110_SITE): number {
  const t = nearestTransitMjd(raDeg, mjdUtc, site);
  return t >= mjdUtc ? t : nearestTransitMjd(raDeg, t + 1 / SIDEREAL_RATE, site);
}
