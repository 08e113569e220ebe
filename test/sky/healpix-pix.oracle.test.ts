/**
 * pix2ang and neighbours vs healpy (and cdshealpix centres) on seeded pixels at
 * every order 0..29, including every pixel touching a base-face corner.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { neighbours, neighboursBig } from '../../src/sky/healpix-neighbours.js';
import { npix } from '../../src/sky/healpix-order.js';
import { pix2ang } from '../../src/sky/healpix-pix2ang.js';
import { PYTHON_ORACLE_MISSING, pythonOracle } from '../../src/testing/python.js';
import { oracleNeighbours, oraclePix2ang } from './healpix-oracle-io.js';
import { randomIndex, rng } from './healpix-points.js';

const skip = pythonOracle() ? false : PYTHON_ORACLE_MISSING;

/** Random pixels at every order plus the 4 corner pixels of every base face. */
function pixels(perOrder: number, seed: number): { orders: number[]; ipix: bigint[] } {
  const r = rng(seed);
  const orders: number[] = [];
  const ipix: bigint[] = [];
  for (let order = 0; order <= 29; order++) {
    const per = 4n ** BigInt(order);
    for (let face = 0n; face < 12n; face++) {
      // Corners of the face: (0,0), (n−1,0), (0,n−1), (n−1,n−1) = 0, 0b0101…, 0b1010…, per − 1.
      for (const c of [0n, (per - 1n) / 3n, ((per - 1n) / 3n) * 2n, per - 1n]) {
        orders.push(order);
        ipix.push(face * per + c);
      }
    }
    for (let k = 0; k < perOrder; k++) {
      orders.push(order);
      ipix.push(randomIndex(r, order));
    }
  }
  return { orders, ipix };
}

test('pix2ang equals healpy (ulp-level) and cdshealpix centres (< 1e-9 arcsec)', { skip, timeout: 120_000 }, async (t) => {
  const { orders, ipix } = pixels(2000, 11);
  const o = await oraclePix2ang(orders, ipix);
  let exact = 0;
  let maxHealpy = 0;
  let maxCds = 0;
  ipix.forEach((p, i) => {
    const [ra, dec] = orders[i]! <= 24 && i % 2 ? pix2ang(orders[i]!, Number(p)) : pix2ang(orders[i]!, p);
    if (ra === o.hLon[i] && dec === o.hLat[i]) exact++;
    const dra = Math.abs(ra - o.hLon[i]!) * Math.cos((dec * Math.PI) / 180);
    maxHealpy = Math.max(maxHealpy, Math.hypot(dra, dec - o.hLat[i]!));
    const cra = Math.abs(((ra - o.cLon[i]! + 540) % 360) - 180) * Math.cos((dec * Math.PI) / 180);
    maxCds = Math.max(maxCds, Math.hypot(cra, dec - o.cLat[i]!));
  });
  t.diagnostic(JSON.stringify({ pixels: ipix.length, exactlyEqualHealpy: exact, maxDiffHealpyDeg: maxHealpy, maxDiffCdsDeg: maxCds }));
  assert.ok(maxHealpy < 1e-12, `healpy centre differs by ${maxHealpy} deg`);
  assert.ok(maxCds < 3e-13, `cdshealpix centre differs by ${maxCds} deg`);
});

test('neighbours equal healpy get_all_neighbours at orders 0..29', { skip, timeout: 120_000 }, async (t) => {
  const { orders, ipix } = pixels(2000, 12);
  const o = await oracleNeighbours(orders, ipix);
  let mismatches = 0;
  ipix.forEach((p, i) => {
    const ours = orders[i]! <= 24 ? neighbours(orders[i]!, Number(p)).map(BigInt) : neighboursBig(orders[i]!, p);
    for (let d = 0; d < 8; d++) if (ours[d] !== o[8 * i + d]) mismatches++;
  });
  t.diagnostic(JSON.stringify({ pixels: ipix.length, neighbourMismatches: mismatches }));
  assert.equal(mismatches, 0);
  assert.ok(ipix.every((p, i) => p < BigInt(npix(orders[i]!))));
});
