/**
 * DSA-110 streaming mosaics (`alertflow/mosaic`, seed 004): group detection,
 * staging, pluggable conversion/calibration/imaging (simulated ones
 * included), the products database and calibration registry (DuckDB),
 * validity windows, calibrator transits, weighted mosaics and a status page.
 *
 * @example
 * import { StreamingMosaic, simulateNight } from 'alertflow/mosaic';
 * simulateNight({ incoming: 'incoming', observations: 40 });
 * const p = await StreamingMosaic.open({ root: 'stage', incoming: 'incoming' });
 * await p.processOnce();
 */
export { StreamingMosaic } from './process.js';
export type { PassSummary, GroupCheck } from './process.js';
export type { StreamingMosaicOptions } from './context.js';
export { simulateNight, calibratorForDec, VLA_CALIBRATORS, timestampOf, mjdOf } from './sim.js';
export type { SimulateNightOptions, CalibratorSource } from './sim.js';
export { simulatedConverter, readMsMeta } from './convert.js';
export type { Converter, ConvertInput, MsMeta } from './convert.js';
export { simulatedSolver, clearAppliedCalibration, readCorrected } from './calibrate.js';
export type { CalibrationSolver, CalSolution } from './calibrate.js';
export { simulatedImager } from './image.js';
export type { Imager, SimulatedImagerOptions } from './image.js';
export { weightedMosaic, coadd, mosaicGrid, readTile } from './mosaic.js';
export type { MosaicBuilder, Tile } from './mosaic.js';
export { bandpassWindow, gainWindow, covers, BANDPASS_HALF_DAYS, GAIN_HALF_DAYS } from './validity.js';
export type { ValidityWindow } from './validity.js';
export { getActiveApplylist, registerTable, retireOverlapping, isFirstTransit, allTables, APPLY_ORDER } from './registry.js';
export type { CalTableRow, CalTableType, NewCalTable } from './registry.js';
export { DSA110_SITE, gmstDeg, localSiderealDeg, hourAngleDeg, nearestTransitMjd, transitAfterMjd } from './transit.js';
export type { Site } from './transit.js';
export { scanIncoming, planGroups, subbandFileName, GROUP_SIZE, GROUP_SLIDE, CALIBRATION_INDEX, SUBBANDS } from './groups.js';
export { ProductsDb } from './products-db.js';
export type { MsRow, GroupRow, MsStage, MsStatus, GroupStatus } from './products-db.js';
export { layoutOf } from './staging.js';
export type { MosaicLayout } from './staging.js';
export { statusCounts } from './status.js';
export type { StatusCounts } from './status.js';
export { serveStatus, renderStatusPage } from './web.js';
