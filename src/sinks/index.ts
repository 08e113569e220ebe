/**
 * The seed-001 consumer's output: the daily-CSV-and-cutouts sink, the
 * `seed001-row` step that prepares its rows on the worker pool, and the
 * packet fields they read (for a projected `decode`).
 *
 * @example
 * import { SEED001_FIELDS, createSeed001CsvSink } from 'alertflow/sinks';
 */
export { createSeed001CsvSink } from './seed001-csv.js';
export type { Seed001CsvSinkConfig } from './seed001-csv.js';
export { createSeed001RowStep } from './seed001-row-step.js';
export { SEED001_COLUMNS, SEED001_FIELDS, CUTOUT_KINDS, seed001Parts, plainFits } from './seed001-row.js';
export type { Seed001Parts, Seed001Row, CutoutKind } from './seed001-row.js';
