/**
 * `healpix` bench: ra/dec → NESTED index per second, ours (order-29 bigint batch
 * = HATS `_healpix_29`, order-10 number batch) vs healpy.ang2pix and
 * cdshealpix.lonlat_to_healpix on the same seeded points, in one run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ang2pixBatch, healpix29Batch } from '../../src/sky/healpix-ang2pix.js';
import { pythonMissing, runPeer } from '../lib/python.js';
import { median, round } from '../lib/stats.js';

/** Seeded points uniform on the sphere (splitmix32 words → 53-bit doubles). */
function points(n: number, seed: number): { ra: Float64Array; dec: Float64Array } {
  let s = seed >>> 0;
  const word = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = Math.imul(s ^ (s >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const u = (): number => ((word() >>> 5) * 67108864 + (word() >>> 6)) / 9007199254740992;
  const ra = new Float64Array(n);
  const dec = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ra[i] = u() * 360;
    dec[i] = (Math.asin(2 * u() - 1) * 180) / Math.PI;
  }
  return { ra, dec };
}

/** Median points/second of `rounds` timed calls (after one warm-up). */
function rate(n: number, rounds: number, fn: () => void): number {
  fn();
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  return n / median(times);
}

interface PeerRates {
  points: number;
  healpy: string;
  cdshealpix: string;
  order29: { healpy: number; cdshealpix: number };
  order10: { healpy: number; cdshealpix: number };
}

/**
 * Runs the bench and returns JSON-ready figures: rates in points per second and
 * ratios ours/peer (> 1 = ours faster). The Python side is skipped (with the
 * reason) when the oracle venv is missing.
 *
 * @example
 * const report = await benchHealpix({ points: 1_000_000, seed: 1 });
 */
export async function benchHealpix(opts: { points?: number; seed?: number }): Promise<Record<string, unknown>> {
  const n = opts.points ?? 1_000_000;
  const seed = opts.seed ?? 1;
  const { ra, dec } = points(n, seed);
  const out29 = new BigInt64Array(n);
  const out10 = new Float64Array(n);
  const ours = {
    order29BigintBatch: round(rate(n, 5, () => healpix29Batch(ra, dec, out29)), 0),
    order10NumberBatch: round(rate(n, 5, () => ang2pixBatch(10, ra, dec, out10)), 0),
  };
  const missing = pythonMissing();
  let peer: PeerRates | { skipped: string };
  if (missing) peer = { skipped: missing };
  else {
    const dir = mkdtempSync(join(tmpdir(), 'alertflow-bench-healpix-'));
    try {
      const file = join(dir, 'points.bin');
      const buf = new Float64Array(2 * n);
      buf.set(ra);
      buf.set(dec, n);
      writeFileSync(file, new Uint8Array(buf.buffer));
      peer = await runPeer<PeerRates>('healpix_oracle.py', ['bench', file]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const ratio = (a: number, b: number | undefined): number | null => (b ? round(a / b, 3) : null);
  const p = 'order29' in peer ? peer : undefined;
  return {
    inputs: { points: n, seed, distribution: 'uniform on the sphere' },
    results: { ours, peer },
    ratios: {
      order29_vs_healpy: ratio(ours.order29BigintBatch, p?.order29.healpy),
      order29_vs_cdshealpix: ratio(ours.order29BigintBatch, p?.order29.cdshealpix),
      order10_vs_healpy: ratio(ours.order10NumberBatch, p?.order10.healpy),
      order10_vs_cdshealpix: ratio(ours.order10NumberBatch, p?.order10.cdshealpix),
    },
    notes: [
      'rates are points per second, median of rounds; ratios are ours / peer (> 1 = ours faster)',
      'cdshealpix is timed single-threaded (num_threads=1) and includes astropy Longitude/Latitude construction, as hats calls it',
    ],
  };
}
