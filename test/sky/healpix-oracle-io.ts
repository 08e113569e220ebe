/** Calls test/oracles/healpix_oracle.py through temp files (binary, little-endian). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oracleScript, runPython } from '../../src/testing/python.js';

async function call(args: (dir: string) => string[], input: Buffer, outName = 'out.bin'): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'alertflow-healpix-'));
  try {
    writeFileSync(join(dir, 'in.bin'), input);
    const { code, stderr } = await runPython(oracleScript('healpix_oracle.py'), args(dir));
    if (code !== 0) throw new Error(`healpix_oracle.py failed (${code}): ${stderr.slice(-2000)}`);
    return readFileSync(join(dir, outName));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function f64(values: ArrayLike<number>[]): Buffer {
  const n = values.reduce((s, v) => s + v.length, 0);
  const a = new Float64Array(n);
  let o = 0;
  for (const v of values) {
    a.set(v, o);
    o += v.length;
  }
  return Buffer.from(a.buffer);
}

function i64(buf: Buffer): BigInt64Array {
  const copy = new Uint8Array(buf); // aligned copy
  return new BigInt64Array(copy.buffer, 0, copy.length / 8);
}

/** healpy and cdshealpix indices per order: result[order] = { healpy, cds }. */
export async function oracleAng2pix(ra: number[], dec: number[], orders: number[]): Promise<Map<number, { healpy: BigInt64Array; cds: BigInt64Array }>> {
  const buf = await call((d) => ['ang2pix', join(d, 'in.bin'), join(d, 'out.bin'), orders.join(',')], f64([ra, dec]));
  const all = i64(buf);
  const n = ra.length;
  const out = new Map<number, { healpy: BigInt64Array; cds: BigInt64Array }>();
  orders.forEach((k, m) => out.set(k, { healpy: all.subarray(2 * m * n, (2 * m + 1) * n), cds: all.subarray((2 * m + 1) * n, (2 * m + 2) * n) }));
  return out;
}

function pairs(orders: number[], ipix: bigint[]): Buffer {
  const a = new BigInt64Array(orders.length * 2);
  orders.forEach((k, i) => {
    a[2 * i] = BigInt(k);
    a[2 * i + 1] = ipix[i]!;
  });
  return Buffer.from(a.buffer);
}

/** healpy pix2ang (lonlat) and cdshealpix centre of each (order, index). */
export async function oraclePix2ang(orders: number[], ipix: bigint[]): Promise<{ hLon: Float64Array; hLat: Float64Array; cLon: Float64Array; cLat: Float64Array }> {
  const buf = await call((d) => ['pix2ang', join(d, 'in.bin'), join(d, 'out.bin')], pairs(orders, ipix));
  const a = new Float64Array(new Uint8Array(buf).buffer);
  const n = orders.length;
  return { hLon: a.subarray(0, n), hLat: a.subarray(n, 2 * n), cLon: a.subarray(2 * n, 3 * n), cLat: a.subarray(3 * n, 4 * n) };
}

/** healpy get_all_neighbours (SW, W, NW, N, NE, E, SE, S), 8 per pixel. */
export async function oracleNeighbours(orders: number[], ipix: bigint[]): Promise<BigInt64Array> {
  return i64(await call((d) => ['neighbours', join(d, 'in.bin'), join(d, 'out.bin')], pairs(orders, ipix)));
}

/** sin and cos from the libm Python (and so healpy/cdshealpix) uses. */
export async function oracleTrig(x: number[]): Promise<{ sin: Float64Array; cos: Float64Array }> {
  const buf = await call((d) => ['trig', join(d, 'in.bin'), join(d, 'out.bin')], f64([x]));
  const a = new Float64Array(new Uint8Array(buf).buffer);
  return { sin: a.subarray(0, x.length), cos: a.subarray(x.length) };
}

/** healpy query_disc (centre / inclusive) and cdshealpix cone_search for each disc. */
export async function oracleDisc(discs: [number, number, number, number][]): Promise<{ centre: number[]; inclusive: number[]; cds: number[] }[]> {
  const { code, stdout, stderr } = await runPython(oracleScript('healpix_oracle.py'), ['disc'], JSON.stringify(discs));
  if (code !== 0) throw new Error(`healpix_oracle.py disc failed (${code}): ${stderr.slice(-2000)}`);
  return JSON.parse(stdout) as { centre: number[]; inclusive: number[]; cds: number[] }[];
}
