/**
 * The `_healpix_29` column: HEALPix NESTED order-29 index of (ra, dec) in
 * degrees, computed by the project's HEALPix code in `src/sky` and exposed to
 * DuckDB as a vectorised scalar function so a whole export is one SQL pass.
 */
import { DuckDBScalarFunction, BIGINT, DOUBLE, type DuckDBConnection, type DuckDBVector } from '@duckdb/node-api';
import { healpix29Batch } from '../sky/index.js';

/**
 * Batch `_healpix_29`: `out[i]` = NESTED order-29 pixel of (ra[i], dec[i]) in
 * degrees. Inputs are already checked (finite, |dec| ≤ 90).
 *
 * @example
 * const fn: Healpix29Batch = (ra, dec, out) => { … return out; };
 */
export type Healpix29Batch = (ra: Float64Array, dec: Float64Array, out: BigInt64Array) => BigInt64Array;

/** Name of the DuckDB scalar function registered by {@link registerHealpix29}. */
export const HEALPIX29_SQL = 'alertflow_healpix29';

/**
 * The project's batch `_healpix_29` function (`healpix29Batch` from `src/sky`),
 * bit-exact with cdshealpix (checked by the oracle tests).
 *
 * @example
 * const h29 = await defaultHealpix29();
 */
export async function defaultHealpix29(): Promise<Healpix29Batch> {
  return healpix29Batch;
}

/** Typed-array view of a flat DuckDB vector's data (the API keeps it private). */
function itemsOf<T>(v: DuckDBVector, ctor: abstract new (...args: never[]) => T): T | undefined {
  const items = (v as unknown as { items?: unknown }).items;
  return items instanceof ctor ? (items as T) : undefined;
}

/** False when the vector has no validity mask (DuckDB allocates one only for NULLs). */
function mayHoldNulls(v: DuckDBVector): boolean {
  const validity = (v as unknown as { validity?: { data?: unknown } }).validity;
  return validity?.data !== null;
}

/**
 * Registers `alertflow_healpix29(ra DOUBLE, dec DOUBLE) → BIGINT` on a
 * connection; DuckDB calls it once per vector of up to 2048 rows.
 *
 * @example
 * registerHealpix29(connection, await defaultHealpix29());
 * await connection.run(`SELECT alertflow_healpix29(ra, dec) FROM t`);
 */
export function registerHealpix29(connection: DuckDBConnection, fn: Healpix29Batch): void {
  const f = DuckDBScalarFunction.create({
    name: HEALPIX29_SQL,
    returnType: BIGINT,
    parameterTypes: [DOUBLE, DOUBLE],
    mainFunction: (info, chunk, output) => {
      try {
        const n = chunk.rowCount;
        const raV = chunk.getColumnVector(0);
        const decV = chunk.getColumnVector(1);
        const ra = itemsOf(raV, Float64Array)?.subarray(0, n) ?? Float64Array.from({ length: n }, (_, i) => Number(raV.getItem(i)));
        const dec = itemsOf(decV, Float64Array)?.subarray(0, n) ?? Float64Array.from({ length: n }, (_, i) => Number(decV.getItem(i)));
        const direct = itemsOf(output, BigInt64Array);
        if (direct) {
          fn(ra, dec, direct.subarray(0, n));
        } else {
          const out = fn(ra, dec, new BigInt64Array(n));
          for (let i = 0; i < n; i++) output.setItem(i, out[i]!);
        }
        // SQL NULL in, NULL out (the batch function itself never sees a missing value's garbage).
        if (mayHoldNulls(raV) || mayHoldNulls(decV)) {
          for (let i = 0; i < n; i++) if (raV.getItem(i) === null || decV.getItem(i) === null) output.setItem(i, null);
        }
        output.flush();
      } catch (err) {
        info.setError(err instanceof Error ? err.message : String(err));
      }
    },
  });
  connection.registerScalarFunction(f);
}
