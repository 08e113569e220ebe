/**
 * Seeded, deterministic Rubin (`lsst.v11_0`) alert simulator.
 *
 * @example
 * import { simulateNight } from 'alertflow/simulator';
 * const first = simulateNight({ alerts: 10, seed: 1 }).next().value;
 */
export { simulateNight, DEFAULT_REGION } from './night.js';
export type { AlertKind, AlertTruth, SimulatedAlert, SimulateNightOptions } from './night.js';
export { Rng, mix32, subSeed } from './prng.js';
export { BANDS, M5, PIXEL_SCALE, magToNJy, nJyToMag } from './rubin.js';
export type { Band } from './rubin.js';
export type { LsstAlert, LsstDiaForcedSource, LsstDiaObject, LsstDiaSource, LsstMpcOrbits, LsstSsSource } from './schema-types.js';
