/**
 * The science operators (`alertflow/operators`), each an RxJS operator
 * factory whose core also exists as a plain batch function. Import one
 * operator alone with `alertflow/operators/<name>` to load only what it needs.
 *
 * @example
 * import { filterExtendedness } from 'alertflow/operators/filterExtendedness';
 */
export { associate, createAssociateStep } from './associate.js';
export { cutout, createCutoutStep } from './cutout.js';
export { filterExtendedness, passesExtendedness } from './filterExtendedness.js';
export { forcedMeasure } from './forcedMeasure.js';
export { packageAlert, buildAlertPacket } from './packageAlert.js';
export { countWindow } from './countWindow.js';
export { fromBatchFn } from './from-batch.js';
export type { FromBatchOptions } from './from-batch.js';
