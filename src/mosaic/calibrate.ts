/**
 * Calibration solving and application, behind an interface (a real one would
 * drive CASA's bandpass/gaincal/applycal). The simulated solver "measures"
 * the simulated instrument: a bandpass amplitude from the calibrator MS, a
 * phase-only gain (.gpcal, solint inf) and a short-timescale gain (.2gcal,
 * solint 60 s) from the 5th MS. Applying writes CORRECTED_DATA.json into the
 * MS: the tables applied, in order, and the amplitude scale they leave.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlertflowError } from '../errors.js';
import type { MsMeta } from './convert.js';
import type { CalTableRow, CalTableType } from './registry.js';

/** A solved table as the solver writes it (solution.json in the table directory). */
export interface CalSolution {
  type: CalTableType;
  source_ms: string;
  /** Amplitude the table divides out. */
  amplitude: number;
  solint: string;
}

/** A calibration solver. A throw fails the group's calibration (status calibration_failed). */
export interface CalibrationSolver {
  /** Solves a bandpass from the calibrator MS into directory `tablePath`. */
  solveBandpass(ms: MsMeta, tablePath: string): Promise<void>;
  /** Solves .gpcal and .2gcal from the calibration MS, after the bandpass tables at `bpPaths` (if any). */
  solveGains(ms: MsMeta, gpPath: string, g2Path: string, bpPaths: string[]): Promise<void>;
  /** Applies `tables` (in order) to the MS at `msPath`. */
  apply(ms: MsMeta, msPath: string, tables: CalTableRow[]): Promise<void>;
}

/**
 * Reads a table's solution.
 *
 * @example
 * readSolution(row.path).amplitude
 */
export function readSolution(tablePath: string): CalSolution {
  try {
    return JSON.parse(readFileSync(join(tablePath, 'solution.json'), 'utf8')) as CalSolution;
  } catch (err) {
    throw new AlertflowError('ERR_MOSAIC', `cannot read calibration table ${tablePath}`, { tablePath }, { cause: err });
  }
}

/**
 * The calibration state of an applied MS, or undefined when none is applied.
 *
 * @example
 * readCorrected(msDir)?.tables // ['…_BP', '…_GP', '…_2G']
 */
export function readCorrected(msPath: string): { tables: string[]; scale: number } | undefined {
  const p = join(msPath, 'CORRECTED_DATA.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as { tables: string[]; scale: number }) : undefined;
}

/**
 * Removes applied calibration from an MS (the overlap tiles of the next
 * group), so it can be re-calibrated with that group's solutions.
 *
 * @example
 * clearAppliedCalibration('/stage/…/ms/science/2025-10-29/2025-10-29T13:54:17.ms')
 */
export function clearAppliedCalibration(msPath: string): boolean {
  const p = join(msPath, 'CORRECTED_DATA.json');
  if (!existsSync(p)) return false;
  rmSync(p);
  return true;
}

const writeSolution = (dir: string, s: CalSolution): void => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'solution.json'), `${JSON.stringify(s)}\n`);
};

/** Options of the simulated solver. */
export interface SimulatedSolverOptions {
  /** Test hook: calibration MS timestamps whose gain solve fails. */
  failGainsOn?: (timestamp: string) => boolean;
}

/**
 * The simulated solver.
 *
 * @example
 * const solver = simulatedSolver({ failGainsOn: (ts) => ts === '2025-10-29T14:34:17' });
 */
export function simulatedSolver(o: SimulatedSolverOptions = {}): CalibrationSolver {
  return {
    async solveBandpass(ms, tablePath) {
      writeSolution(tablePath, { type: 'BP', source_ms: ms.timestamp, amplitude: ms.bandpass, solint: 'inf' });
    },
    async solveGains(ms, gpPath, g2Path, bpPaths) {
      if (o.failGainsOn?.(ms.timestamp)) throw new AlertflowError('ERR_MOSAIC', `${ms.timestamp}: simulated gain solve failure`, { timestamp: ms.timestamp });
      // What is left after the bandpass: the time-variable gain (all of the amplitude when no BP applies).
      const after = bpPaths.reduce((a, p) => a / readSolution(p).amplitude, ms.bandpass * ms.gain);
      writeSolution(gpPath, { type: 'GP', source_ms: ms.timestamp, amplitude: after, solint: 'inf' });
      writeSolution(g2Path, { type: '2G', source_ms: ms.timestamp, amplitude: 1, solint: '60s' });
    },
    async apply(ms, msPath, tables) {
      const scale = tables.reduce((a, t) => a / readSolution(t.path).amplitude, ms.bandpass * ms.gain);
      writeFileSync(join(msPath, 'CORRECTED_DATA.json'), `${JSON.stringify({ tables: tables.map((t) => t.id), scale })}\n`);
    },
  };
}
