/**
 * Per-tile imaging behind an interface (WSClean or CASA tclean in a real
 * deployment). The simulated imager renders the simulated sky as seen by
 * the MS: point sources convolved with a Gaussian synthesised beam, times the
 * Gaussian primary beam and the residual amplitude the calibration left,
 * plus seeded noise; then divides by the primary beam (cut at 10 %). It
 * writes a FITS file with a SIN-projection WCS: the primary HDU holds the
 * primary-beam-corrected image, extension PB the beam itself (the mosaic's
 * weight).
 */
import { writeFileSync } from 'node:fs';
import { AlertflowError } from '../errors.js';
import { writeFits } from '../fits/write-hdus.js';
import { pixelToWorld0, type CelestialWcs } from '../wcs/celestial.js';
import { wcsHeaderCards } from '../wcs/header.js';
import type { MsMeta } from './convert.js';
import { seededRandom, skyModel } from './sim.js';

/** An imager. A throw fails that MS only (status failed); the group goes on. */
export interface Imager {
  /** Images the calibrated MS (`scale`: amplitude left after calibration) into a FITS file at `fitsPath`. */
  image(ms: MsMeta, scale: number, fitsPath: string): Promise<void>;
}

/** Options of the simulated imager. */
export interface SimulatedImagerOptions {
  /** Pixels per side. Default 96. */
  npix?: number;
  /** Pixel size, degrees. Default 0.05. */
  cdeltDeg?: number;
  /** Primary-beam FWHM, degrees. Default 2.5 (a 4.65 m dish at 1.4 GHz is ~3°). */
  pbFwhmDeg?: number;
  /** Primary-beam level below which a pixel is blanked (weight 0). Default 0.1. */
  pbCutoff?: number;
  /** Synthesised-beam sigma, degrees. Default 0.06. */
  beamSigmaDeg?: number;
  /** Test hook: timestamps whose imaging fails. */
  failOn?: (timestamp: string) => boolean;
}

const D2R = Math.PI / 180;

/**
 * Angular distance in degrees (haversine).
 *
 * @example
 * angularDistanceDeg(0, 0, 0, 1) // 1
 */
export function angularDistanceDeg(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const s = Math.sin(((dec2 - dec1) * D2R) / 2) ** 2 + Math.cos(dec1 * D2R) * Math.cos(dec2 * D2R) * Math.sin(((ra2 - ra1) * D2R) / 2) ** 2;
  return (2 * Math.asin(Math.min(1, Math.sqrt(s)))) / D2R;
}

/**
 * The WCS of a tile centred on the MS's phase centre.
 *
 * @example
 * tileWcs(meta, 96, 0.05).projection // 'SIN'
 */
export function tileWcs(ms: MsMeta, npix: number, cdeltDeg: number): CelestialWcs {
  return { projection: 'SIN', crval: [ms.ra_deg, ms.dec_deg], crpix: [(npix + 1) / 2, (npix + 1) / 2], cd: [[-cdeltDeg, 0], [0, cdeltDeg]], radesys: 'ICRS', equinox: 2000 };
}

/**
 * The simulated imager.
 *
 * @example
 * await simulatedImager().image(meta, 1.0, '/stage/…/images/2025-10-29T13:54:17.img-image-pb.fits');
 */
export function simulatedImager(o: SimulatedImagerOptions = {}): Imager {
  const npix = o.npix ?? 96;
  const cdelt = o.cdeltDeg ?? 0.05;
  const fwhm = o.pbFwhmDeg ?? 2.5;
  const cutoff = o.pbCutoff ?? 0.1;
  const sigma = o.beamSigmaDeg ?? 0.06;
  return {
    async image(ms, scale, fitsPath) {
      if (o.failOn?.(ms.timestamp)) throw new AlertflowError('ERR_MOSAIC', `${ms.timestamp}: simulated imaging failure`, { timestamp: ms.timestamp });
      const wcs = tileWcs(ms, npix, cdelt);
      const radius = (npix / 2) * cdelt * 1.5;
      const sources = skyModel(ms.sky_seed, ms.dec_deg).filter((s) => angularDistanceDeg(s.raDeg, s.decDeg, ms.ra_deg, ms.dec_deg) < radius + 5 * sigma);
      const rnd = seededRandom(`${ms.sky_seed}/noise/${ms.timestamp}`);
      const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
      const img = new Float32Array(npix * npix);
      const pb = new Float32Array(npix * npix);
      for (let y = 0; y < npix; y++) {
        for (let x = 0; x < npix; x++) {
          const [ra, dec] = pixelToWorld0(wcs, x, y);
          const noise = ms.noise_jy * gauss();
          const r = angularDistanceDeg(ra, dec, ms.ra_deg, ms.dec_deg);
          const beam = Math.exp((-4 * Math.LN2 * r * r) / (fwhm * fwhm));
          if (!(beam >= cutoff)) continue;
          let sky = 0;
          for (const s of sources) {
            const d = angularDistanceDeg(ra, dec, s.raDeg, s.decDeg);
            if (d < 5 * sigma) sky += s.fluxJy * Math.exp((-d * d) / (2 * sigma * sigma));
          }
          const apparent = beam * sky * scale + noise;
          img[y * npix + x] = apparent / beam;
          pb[y * npix + x] = beam;
        }
      }
      const wcsCards = wcsHeaderCards(wcs);
      const bytes = writeFits([
        { data: img, axes: [npix, npix], cards: [...wcsCards, { key: 'BUNIT', value: 'Jy/beam' }, { key: 'OBJECT', value: ms.timestamp }, { key: 'MJD-OBS', value: ms.mid_mjd, real: true }, { key: 'PBCUTOFF', value: cutoff, real: true }] },
        { data: pb, axes: [npix, npix], extname: 'PB', cards: wcsCards },
      ]);
      writeFileSync(fitsPath, bytes);
    },
  };
}
