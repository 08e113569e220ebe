/**
 * HDF5 -> MS conversion, behind a small interface so that a real converter
 * (pyuvdata/CASA in a subprocess) can replace the simulated one. The
 * simulated converter checks the 16 subband documents agree, and writes a
 * small "MS" directory: MAIN.json (times, phase centre, simulated gain) and
 * SUBBANDS.json (frequencies).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlertflowError } from '../errors.js';
import { SUBBANDS } from './groups.js';
import { calibratorForDec, instrumentGain, SIM_BANDPASS, type SimSubband } from './sim.js';
import { DSA110_SITE, localSiderealDeg, nearestTransitMjd, type Site } from './transit.js';

/** What a converter is given. */
export interface ConvertInput {
  timestamp: string;
  /** The 16 staged subband files, sb00 first. */
  subbandPaths: string[];
  /** The MS directory to create (the caller renames it into place). */
  msPath: string;
}

/** What a converter learned about the observation. */
export interface MsMeta {
  timestamp: string;
  start_mjd: number;
  mid_mjd: number;
  end_mjd: number;
  /** Phase centre: the meridian at mid time (drift scan). */
  ra_deg: number;
  dec_deg: number;
  /** Calibrator whose transit falls inside the observation, if any. */
  calibrator: string | null;
  sky_seed: string;
  noise_jy: number;
  /** Simulated instrument: amplitude the data were multiplied by (bandpass x gain). */
  bandpass: number;
  gain: number;
}

/** A converter. Throwing fails that MS only (it goes to ms/failed). */
export interface Converter {
  convert(input: ConvertInput): Promise<MsMeta>;
}

/**
 * Reads an MS's MAIN.json.
 *
 * @example
 * readMsMeta('/stage/…/ms/2025-10-29T13:54:17.ms').mid_mjd
 */
export function readMsMeta(msPath: string): MsMeta {
  try {
    return JSON.parse(readFileSync(join(msPath, 'MAIN.json'), 'utf8')) as MsMeta;
  } catch (err) {
    throw new AlertflowError('ERR_MOSAIC', `cannot read MS metadata in ${msPath}: ${(err as Error).message}`, { msPath }, { cause: err });
  }
}

/** Options of the simulated converter. */
export interface SimulatedConverterOptions {
  site?: Site;
  /** Test hook: timestamps whose conversion fails after writing a partial MS. */
  failOn?: (timestamp: string) => boolean;
}

/**
 * The simulated converter.
 *
 * @example
 * const meta = await simulatedConverter().convert({ timestamp, subbandPaths, msPath });
 */
export function simulatedConverter(o: SimulatedConverterOptions = {}): Converter {
  const site = o.site ?? DSA110_SITE;
  return {
    async convert({ timestamp, subbandPaths, msPath }) {
      if (subbandPaths.length !== SUBBANDS) throw new AlertflowError('ERR_MOSAIC', `${timestamp}: expected ${SUBBANDS} subbands, got ${subbandPaths.length}`, { timestamp });
      const docs = subbandPaths.map((p) => {
        try {
          return JSON.parse(readFileSync(p, 'utf8')) as SimSubband;
        } catch (err) {
          throw new AlertflowError('ERR_MOSAIC', `${timestamp}: unreadable subband file ${p}`, { timestamp, path: p }, { cause: err });
        }
      });
      docs.forEach((d, sb) => {
        if (d.format !== 'alertflow-sim-dsa110-subband' || d.timestamp !== timestamp || d.subband !== sb || d.start_mjd !== docs[0].start_mjd || d.dec_deg !== docs[0].dec_deg) {
          throw new AlertflowError('ERR_MOSAIC', `${timestamp}: subband ${sb} does not belong to this observation`, { timestamp, subband: sb });
        }
      });
      const d0 = docs[0];
      const mid = (d0.start_mjd + d0.end_mjd) / 2;
      const cal = calibratorForDec(d0.dec_deg);
      const transit = cal ? nearestTransitMjd(cal.raDeg, mid, site) : NaN;
      const meta: MsMeta = {
        timestamp,
        start_mjd: d0.start_mjd,
        mid_mjd: mid,
        end_mjd: d0.end_mjd,
        ra_deg: localSiderealDeg(mid, site),
        dec_deg: d0.dec_deg,
        calibrator: cal && transit >= d0.start_mjd && transit < d0.end_mjd ? cal.name : null,
        sky_seed: d0.sky_seed,
        noise_jy: d0.noise_jy,
        bandpass: SIM_BANDPASS,
        gain: instrumentGain(mid),
      };
      mkdirSync(msPath, { recursive: true });
      writeFileSync(join(msPath, 'SUBBANDS.json'), `${JSON.stringify(docs.map((d) => ({ subband: d.subband, freq_mhz: d.freq_mhz })))}\n`);
      if (o.failOn?.(timestamp)) throw new AlertflowError('ERR_MOSAIC', `${timestamp}: simulated conversion failure`, { timestamp });
      writeFileSync(join(msPath, 'MAIN.json'), `${JSON.stringify(meta, null, 1)}\n`);
      return meta;
    },
  };
}
