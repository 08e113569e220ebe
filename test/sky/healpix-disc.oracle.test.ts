/**
 * queryDisc (exact overlap) vs healpy query_disc and cdshealpix cone_search on
 * seeded discs: healpy's centre-inside set ⊆ ours ⊆ healpy's inclusive set, and
 * ours ⊆ cdshealpix's cone (also an overlap superset).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { queryDisc } from '../../src/sky/healpix-disc.js';
import { PYTHON_ORACLE_MISSING, pythonOracle } from '../../src/testing/python.js';
import { oracleDisc } from './healpix-oracle-io.js';
import { rng } from './healpix-points.js';

const skip = pythonOracle() ? false : PYTHON_ORACLE_MISSING;

test('queryDisc lies between healpy query_disc(inclusive=False) and (inclusive=True)', { skip, timeout: 120_000 }, async (t) => {
  const r = rng(21);
  const discs: [number, number, number, number][] = [];
  for (let i = 0; i < 300; i++) {
    const order = Math.floor(r() * 13);
    const pix = Math.sqrt((4 * Math.PI) / (12 * 4 ** order)) * (180 / Math.PI);
    const dec = i % 10 === 0 ? (r() < 0.5 ? 89.9 : -89.9) : Math.asin(2 * r() - 1) * (180 / Math.PI);
    discs.push([order, r() * 360, dec, pix * (0.05 + r() * 4)]);
  }
  const o = await oracleDisc(discs);
  let missingCentre = 0;
  let beyondInclusive = 0;
  let beyondCds = 0;
  let total = 0;
  let inclusiveExtra = 0;
  discs.forEach(([order, ra, dec, rad], i) => {
    const ours = new Set(queryDisc(order, ra, dec, rad));
    total += ours.size;
    for (const p of o[i]!.centre) if (!ours.has(p)) missingCentre++;
    const incl = new Set(o[i]!.inclusive);
    const cds = new Set(o[i]!.cds);
    for (const p of ours) {
      if (!incl.has(p)) beyondInclusive++;
      if (!cds.has(p)) beyondCds++;
    }
    inclusiveExtra += incl.size - ours.size;
  });
  t.diagnostic(JSON.stringify({ discs: discs.length, pixels: total, missingCentre, beyondInclusive, beyondCds, healpyInclusiveExtraPixels: inclusiveExtra }));
  assert.equal(missingCentre, 0);
  assert.equal(beyondInclusive, 0);
  assert.equal(beyondCds, 0);
});
