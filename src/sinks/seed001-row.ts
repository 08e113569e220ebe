/**
 * The seed-001 consumer's output layout as pure functions: the 16 CSV
 * columns, one row per Rubin alert, and the names of the daily CSV files and
 * FITS cutout files. The sink in `seed001-csv.ts` does the file work.
 */
import { gunzipSync } from 'node:zlib';
import { AlertflowError } from '../errors.js';
import { isFits, isGzip } from '../fits/read.js';
import { mjdTaiToEpochMs } from '../formats/avro/event-time.js';
import { alertOf, extendednessStats, type ExtendednessStats } from '../filters/extendedness.js';

/**
 * The CSV columns, in the seed's order.
 *
 * @example
 * SEED001_COLUMNS.join(',') // 'alertId,diaSourceId,…,timestamp'
 */
export const SEED001_COLUMNS = [
  'alertId',
  'diaSourceId',
  'diaObjectId',
  'ra',
  'dec',
  'mjd',
  'filterName',
  'psFlux',
  'psFluxErr',
  'extendednessMedian',
  'extendednessMin',
  'extendednessMax',
  'science_cutout_path',
  'template_cutout_path',
  'difference_cutout_path',
  'timestamp',
] as const;

/** The three cutout kinds, as they appear in file names. @example CUTOUT_KINDS[0] // 'science' */
export const CUTOUT_KINDS = ['science', 'template', 'difference'] as const;
export type CutoutKind = (typeof CUTOUT_KINDS)[number];

/** Packet field of each cutout kind (the same in Rubin v9, v10 and v11). */
const CUTOUT_FIELDS: Record<CutoutKind, string> = { science: 'cutoutScience', template: 'cutoutTemplate', difference: 'cutoutDifference' };

/**
 * What one alert contributes: its key, the row cells other than paths and
 * timestamp, the event time, and the cutout bytes (null when absent).
 *
 * @example
 * const { diaSourceId, cells, cutouts } = seed001Parts(record);
 */
export interface Seed001Parts {
  /** diaSourceId as an exact decimal string (the idempotency key). */
  diaSourceId: string;
  /** alertId … extendednessMax (12 cells), in column order. */
  cells: unknown[];
  /** Observation time (UTC ms since the epoch), from diaSource.midpointMjdTai; undefined when missing. */
  observedMs: number | undefined;
  cutouts: Record<CutoutKind, Uint8Array | null>;
}

/**
 * The packet fields the seed-001 row and cutouts are made of, as `decode`
 * step `fields` paths (with {@link EXTENDEDNESS_FIELDS}, all the consumer graph reads).
 *
 * @example
 * { fields: [...EXTENDEDNESS_FIELDS, ...SEED001_FIELDS] }
 */
export const SEED001_FIELDS: readonly string[] = [
  'diaSourceId',
  'diaSource.diaSourceId',
  'diaSource.diaObjectId',
  'diaSource.ra',
  'diaSource.dec',
  'diaSource.midpointMjdTai',
  'diaSource.band',
  'diaSource.psfFlux',
  'diaSource.psfFluxErr',
  ...Object.values(CUTOUT_FIELDS),
];

/**
 * A row made ahead of the sink (by the `seed001-row` step, on the worker
 * pool): the sink writes it as it is. Small, so it crosses back from a
 * worker cheaply, where a decoded alert with a year of history would not.
 */
export type Seed001Row = Seed001Parts & { kind: 'seed001-row' };

const isId = (v: unknown): v is bigint | number => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));

/**
 * Splits a record (a DecodedAlert from the `filter-extendedness` step, with
 * its `extendedness` statistics, or a bare Rubin v9–v11 alert; the stats are
 * computed when missing) into what the sink writes. alertId is the packet's
 * diaSourceId (Rubin alerts have no other id); mjd is midpointMjdTai;
 * filterName is band; psFlux/psFluxErr are psfFlux/psfFluxErr.
 * ERR_ALERT_INVALID when there is no diaSource or no integer diaSourceId.
 *
 * @example
 * seed001Parts({ kind: 'alert', survey: 'lsst', schema: 'lsst.v11_0', alert, extendedness }).cells[0] // alert.diaSourceId
 */
export function seed001Parts(record: unknown): Seed001Parts {
  if ((record as Partial<Seed001Row> | null)?.kind === 'seed001-row') return record as Seed001Row;
  const alert = alertOf(record);
  const ds = alert['diaSource'] as Record<string, unknown>;
  const id = alert['diaSourceId'] ?? ds['diaSourceId'];
  if (!isId(id)) throw new AlertflowError('ERR_ALERT_INVALID', 'seed-001 sink: alert has no integer diaSourceId', { field: 'diaSourceId' });
  const attached = (record as { extendedness?: ExtendednessStats } | null)?.extendedness;
  const stats = attached && typeof attached === 'object' ? attached : extendednessStats(alert);
  const mjd = ds['midpointMjdTai'];
  const observedMs = typeof mjd === 'number' && Number.isFinite(mjd) ? Math.round(mjdTaiToEpochMs(mjd)) : undefined;
  const cutouts = {} as Record<CutoutKind, Uint8Array | null>;
  for (const kind of CUTOUT_KINDS) {
    const v = alert[CUTOUT_FIELDS[kind]];
    cutouts[kind] = v instanceof Uint8Array && v.length > 0 ? v : null;
  }
  return {
    diaSourceId: String(id),
    cells: [id, id, ds['diaObjectId'], ds['ra'], ds['dec'], mjd, ds['band'], ds['psfFlux'], ds['psfFluxErr'], stats.median, stats.min, stats.max],
    observedMs,
    cutouts,
  };
}

/**
 * Plain FITS bytes of a stamp (gunzipped when gzipped), or undefined when it
 * is not FITS.
 *
 * @example
 * plainFits(gzippedStamp)?.subarray(0, 6) // 'SIMPLE'
 */
export function plainFits(bytes: Uint8Array): Uint8Array | undefined {
  let b = bytes;
  if (isGzip(b)) {
    try {
      b = gunzipSync(b);
    } catch {
      return undefined;
    }
  }
  return isFits(b) ? b : undefined;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * UTC calendar day of a time, `YYYYMMDD`.
 *
 * @example
 * utcDay(Date.UTC(2026, 1, 10, 2, 3, 15)) // '20260210'
 */
export function utcDay(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}

/**
 * UTC time stamp of a cutout file name, `YYYYMMDD_HHMMSS`.
 *
 * @example
 * utcStamp(Date.UTC(2026, 1, 10, 2, 3, 15)) // '20260210_020315'
 */
export function utcStamp(ms: number): string {
  const d = new Date(ms);
  return `${utcDay(ms)}_${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

/**
 * Daily CSV file name (inside `OUT/data/`).
 *
 * @example
 * csvFileName('20260210') // 'lsst_alerts_20260210.csv'
 */
export function csvFileName(day: string): string {
  return `lsst_alerts_${day}.csv`;
}

const CSV_NAME = /^lsst_alerts_(\d{8})\.csv$/;

/**
 * The day of a daily CSV file name, or undefined for other names.
 *
 * @example
 * dayOfCsvFile('lsst_alerts_20260210.csv') // '20260210'
 */
export function dayOfCsvFile(name: string): string | undefined {
  return CSV_NAME.exec(name)?.[1];
}

/**
 * Cutout file name (inside `OUT/cutouts/`).
 *
 * @example
 * cutoutFileName('1234567', 'science', '20260210_020315') // '1234567_science_20260210_020315.fits'
 */
export function cutoutFileName(diaSourceId: string, kind: CutoutKind, stamp: string): string {
  return `${diaSourceId}_${kind}_${stamp}.fits`;
}

const CUTOUT_NAME = /^(-?\d+)_(science|template|difference)_\d{8}_\d{6}\.fits$/;

/**
 * `<diaSourceId>_<kind>` of a cutout file name, or undefined for other names.
 * The sink uses it to find cutouts written by an earlier run.
 *
 * @example
 * cutoutKeyOfFile('1234567_science_20260210_020315.fits') // '1234567_science'
 */
export function cutoutKeyOfFile(name: string): string | undefined {
  const m = CUTOUT_NAME.exec(name);
  return m ? `${m[1]}_${m[2]}` : undefined;
}
