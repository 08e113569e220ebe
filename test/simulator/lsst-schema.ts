/**
 * Test helper: avsc types for the official lsst.v11_0 schema read from
 * ../shared/data (absent in users' clones, so callers skip with `SCHEMA_MISSING`).
 */
import avsc from 'avsc';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from '../../src/testing/repo-root.js';

/** Folder of the official v11 .avsc files. */
export const SCHEMA_DIR = resolve(repoRoot(), '..', 'shared', 'data', 'lsst-alert-packet', '11.0');
/** Skip message when the reference schemas are not there. */
export const SCHEMA_MISSING = existsSync(SCHEMA_DIR) ? false : `official schemas not found at ${SCHEMA_DIR} (../shared/data is absent in fresh clones); skipping`;

const LongType = avsc.types.LongType.__with({
  fromBuffer: (b: Buffer) => b.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(n));
    return b;
  },
  fromJSON: BigInt,
  toJSON: Number,
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

/** The alert type with longs as bigints (timestamp-micros longs too). */
export function lsstAlertType(): avsc.Type {
  const registry: Record<string, avsc.Type> = { long: LongType as unknown as avsc.Type };
  const opts = { registry, typeHook: (s: any) => (s === 'long' || (s && s.type === 'long') ? (LongType as unknown as avsc.Type) : undefined) };
  let alert: avsc.Type | undefined;
  for (const name of ['diaSource', 'diaForcedSource', 'diaObject', 'ssSource', 'mpc_orbits', 'alert']) {
    alert = avsc.Type.forSchema(JSON.parse(readFileSync(join(SCHEMA_DIR, `lsst.v11_0.${name}.avsc`), 'utf8')), opts as any);
  }
  return alert as avsc.Type;
}
