/**
 * Object tables with nested light curves, in the layout nested-pandas and
 * lsdb read natively: one row per object, and a STRUCT column whose fields
 * are all LISTs of equal length within a row (struct-of-lists, as in the
 * HATS example `small_sky_order1_nested_sources`, column `sources`), rather
 * than a list of structs, because nested-pandas casts struct-of-lists to its
 * nested dtype and supports loading single sub-columns (`lightcurve.psfFlux`).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { AlertflowError } from '../../errors.js';
import { sqlIdent, type DuckdbHandle } from './connection.js';
import { copyQueryToParquet, type ParquetExportResult } from './parquet.js';
import { recordColumns, type TableNames } from './schema.js';

/** Light-curve fields taken from diaSource by default. */
export const DEFAULT_LIGHTCURVE_FIELDS: readonly string[] = ['diaSourceId', 'visit', 'midpointMjdTai', 'band', 'ra', 'dec', 'psfFlux', 'psfFluxErr', 'scienceFlux', 'scienceFluxErr', 'snr'];

/** Forced-photometry fields taken from diaForcedSource by default. */
export const DEFAULT_FORCED_FIELDS: readonly string[] = ['diaForcedSourceId', 'visit', 'midpointMjdTai', 'band', 'psfFlux', 'psfFluxErr', 'scienceFlux', 'scienceFluxErr'];

/**
 * Options of {@link lightcurveQuery} and {@link exportLightcurves}.
 *
 * @example
 * const o: LightcurveOptions = { fields: ['midpointMjdTai', 'band', 'psfFlux', 'psfFluxErr'], forced: true };
 */
export interface LightcurveOptions {
  /** diaSource fields in the nested column (default {@link DEFAULT_LIGHTCURVE_FIELDS}). */
  fields?: readonly string[];
  /** Name of the nested column (default `lightcurve`). */
  column?: string;
  /** Also nest forced photometry as `forcedLightcurve` (default false). */
  forced?: boolean;
  /** diaObject columns to keep (default all of the current version). */
  objectColumns?: readonly string[];
  /** Only measurements with `midpointMjdTai >= sinceMjd`. */
  sinceMjd?: number;
  /** Only objects with at least this many diaSources in the light curve (default 1). */
  minSources?: number;
  /** Extra SQL filter on the objects (`o.` prefix), trusted input. */
  where?: string;
}

function checkFields(record: 'diaSource' | 'diaForcedSource', fields: readonly string[]): void {
  const known = new Set(recordColumns(record).map((c) => c.name));
  const bad = fields.filter((f) => !known.has(f));
  if (bad.length > 0 || fields.length === 0) throw new AlertflowError('ERR_STORE', `unknown ${record} fields for a light curve: ${bad.join(', ') || '(none given)'}`, { record, fields: bad });
}

/** `struct_pack(f := list(f ORDER BY t), …)`: every list is ordered the same way, so lengths and positions line up. */
function nested(fields: readonly string[], idField: string, alias: string): string {
  const order = `ORDER BY "midpointMjdTai", ${sqlIdent(idField)}`;
  return `struct_pack(${fields.map((f) => `${sqlIdent(f)} := list(${sqlIdent(f)} ${order})`).join(', ')}) AS ${sqlIdent(alias)}`;
}

/**
 * The SQL of the nested object table (one row per current diaObject with at least one source).
 *
 * @example
 * const rows = await conn.runAndReadAll(lightcurveQuery(tableNames(), { fields: ['midpointMjdTai', 'psfFlux'] }));
 */
export function lightcurveQuery(names: TableNames, options: LightcurveOptions = {}): string {
  const fields = options.fields ?? DEFAULT_LIGHTCURVE_FIELDS;
  checkFields('diaSource', fields);
  const column = options.column ?? 'lightcurve';
  const since = options.sinceMjd === undefined ? '' : ` AND "midpointMjdTai" >= ${Number(options.sinceMjd)}`;
  const objectCols = options.objectColumns ? options.objectColumns.map((c) => `o.${sqlIdent(c)}`).join(', ') : 'o.*';
  const minSources = Math.max(1, Math.floor(options.minSources ?? 1));
  let sql = `WITH lc AS (SELECT "diaObjectId", count(*) AS _n, ${nested(fields, 'diaSourceId', column)} FROM ${sqlIdent(names.diaSource)} WHERE "diaObjectId" IS NOT NULL${since} GROUP BY "diaObjectId")`;
  let select = `SELECT ${objectCols}, lc.${sqlIdent(column)}`;
  let from = ` FROM ${sqlIdent(names.diaObjectCurrent)} o JOIN lc ON lc."diaObjectId" = o."diaObjectId"`;
  if (options.forced) {
    const ff = DEFAULT_FORCED_FIELDS;
    checkFields('diaForcedSource', ff);
    sql += `, flc AS (SELECT "diaObjectId", ${nested(ff, 'diaForcedSourceId', 'forcedLightcurve')} FROM ${sqlIdent(names.diaForcedSource)} WHERE TRUE${since} GROUP BY "diaObjectId")`;
    select += ', flc."forcedLightcurve"';
    from += ' LEFT JOIN flc ON flc."diaObjectId" = o."diaObjectId"';
  }
  const where = ` WHERE lc._n >= ${minSources}${options.where ? ` AND (${options.where})` : ''}`;
  return `${sql} ${select}${from}${where} ORDER BY o."diaObjectId"`;
}

/**
 * Writes the nested object table to Parquet (zstd, by DuckDB).
 *
 * @example
 * await exportLightcurves(store.db, store.names, 'objects_lc.parquet', { minSources: 2 });
 * // python: nested_pandas.read_parquet('objects_lc.parquet')['lightcurve']
 */
export async function exportLightcurves(db: DuckdbHandle | DuckDBConnection, names: TableNames, out: string, options: LightcurveOptions = {}): Promise<ParquetExportResult> {
  return copyQueryToParquet(db, lightcurveQuery(names, options), out);
}
