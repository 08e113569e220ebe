/**
 * alertflow: dataflow runtime and operators for astronomy alert streams.
 * The root export is small on purpose; heavy parts live in subpaths
 * (`alertflow/runtime`, `alertflow/formats`, `alertflow/kafka`,
 * `alertflow/simulator`, `alertflow/fits`, `alertflow/testing`) so that they
 * load only when used.
 *
 * @example
 * import { AlertflowError, VERSION } from 'alertflow';
 */
export const VERSION = '0.1.0';
export { AlertflowError, isAlertflowError, asAlertflowError, toErrorData, fromErrorData } from './errors.js';
export type { ErrorCode, ErrorData } from './errors.js';
