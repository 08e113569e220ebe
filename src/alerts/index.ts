/**
 * Alert packaging (seed 002 steps 10–11): Rubin alert packets built from
 * their parts, validated and encoded in the Confluent wire format.
 *
 * @example
 * import { buildAlertPacket } from 'alertflow/alerts';
 * const { bytes } = buildAlertPacket({ diaSource, diaObject, prvDiaSources: [] });
 */
export { buildAlertPacket, resolvePackageOptions } from './package.js';
export type { AlertParts, AlertPacket, PackageAlertOptions } from './package.js';
export { createPackageAlertStep, partsOf } from './step.js';
export { historyWindow, DEFAULT_HISTORY_DAYS } from './history.js';
export { conformRecord, recordFields, recordName } from './records.js';
export type { RubinSchemaName, RecordKind, ConformOptions } from './records.js';
