/**
 * The DuckDB candidate store (`alertflow/duckdb`): Rubin tables with object
 * versions, history retrieval, retention, the association store, the graph
 * sink, and Parquet / match-file / light-curve exports.
 *
 * @example
 * import { openCandidateStore, exportLightcurves } from 'alertflow/duckdb';
 */
export { openDuckdb, sqlIdent, sqlString, queryRows, runSql } from './connection.js';
export type { DuckdbHandle, OpenDuckdbOptions } from './connection.js';
export { openCandidateStore, writeCandidates } from './candidate-store.js';
export type { CandidateBatch, CandidateStore, CandidateStoreOptions, WriteCounts } from './candidate-store.js';
export { historyFor } from './history.js';
export type { ObjectHistory, HistoryOptions } from './history.js';
export { applyRetention } from './retention.js';
export type { RetentionOptions, RetentionResult } from './retention.js';
export { tableNames, recordColumns, createTableSql, ensureCandidateSchema, CANDIDATE_RECORDS, VALIDITY_END } from './schema.js';
export type { TableNames, CandidateRecord, ColumnSpec } from './schema.js';
export { DuckdbDiaObjectStore } from './association-store.js';
export { createDuckdbSink, alertsToCandidates } from './sink.js';
export type { DuckdbSinkConfig } from './sink.js';
export { exportTableToParquet, exportSourceMatchFile, copyQueryToParquet } from './parquet.js';
export type { ParquetExportOptions, ParquetExportResult } from './parquet.js';
export { exportLightcurves, lightcurveQuery, DEFAULT_LIGHTCURVE_FIELDS, DEFAULT_FORCED_FIELDS } from './lightcurves.js';
export type { LightcurveOptions } from './lightcurves.js';
