/**
 * Calibration validity windows (seed 004): bandpass tables apply for 24 h
 * centred on the calibrator's transit, except on the "first day" of a new
 * calibrator (the pointing Dec changed), which starts at that first transit
 * and ends 12 h after it; gain tables apply for 1 h centred on the 5th MS of
 * the group. Windows are closed intervals [start, end] in MJD.
 */

/** Half-width of a bandpass window: 12 h. */
export const BANDPASS_HALF_DAYS = 0.5;
/** Half-width of a gain window: 30 min. */
export const GAIN_HALF_DAYS = 30 / 1440;

/** A closed validity interval in MJD. */
export interface ValidityWindow {
  startMjd: number;
  endMjd: number;
}

/**
 * The bandpass window for a calibrator transit. `firstTransit` marks the
 * first transit of a calibrator newly chosen for the pointing.
 *
 * @example
 * bandpassWindow(60977.25, false) // { startMjd: 60976.75, endMjd: 60977.75 }
 * bandpassWindow(60977.25, true)  // { startMjd: 60977.25, endMjd: 60977.75 }
 */
export function bandpassWindow(transitMjd: number, firstTransit: boolean): ValidityWindow {
  return { startMjd: firstTransit ? transitMjd : transitMjd - BANDPASS_HALF_DAYS, endMjd: transitMjd + BANDPASS_HALF_DAYS };
}

/**
 * The gain (GP and 2G) window around the calibration MS's mid time.
 *
 * @example
 * gainWindow(60977.0) // { startMjd: 60977 - 30/1440, endMjd: 60977 + 30/1440 }
 */
export function gainWindow(calibrationMsMidMjd: number): ValidityWindow {
  return { startMjd: calibrationMsMidMjd - GAIN_HALF_DAYS, endMjd: calibrationMsMidMjd + GAIN_HALF_DAYS };
}

/**
 * True when `mjd` lies in the window (both ends included). A small slack
 * (1 ms) absorbs the rounding of MJDs stored as doubles.
 *
 * @example
 * covers(gainWindow(60977), 60977 + 30 / 1440) // true: the edge is inside
 */
export function covers(w: ValidityWindow, mjd: number): boolean {
  const eps = 1e-3 / 86400;
  return mjd >= w.startMjd - eps && mjd <= w.endMjd + eps;
}
