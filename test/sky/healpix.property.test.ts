/** fast-check properties and unit checks of the HEALPix NESTED functions (no Python needed). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isAlertflowError } from '../../src/errors.js';
import {
  ang2pix,
  ang2pixBatch,
  ang2pixBig,
  childRangeBig,
  degrade,
  degradeBig,
  healpix29,
  healpix29Batch,
  maxPixelRadiusDeg,
  neighbours,
  neighboursBig,
  npix,
  nsideToOrder,
  orderToNside,
  pix2ang,
  pixelAreaDeg2,
  pixelPointVector,
  queryDisc,
  queryDiscRanges,
  radecToVector,
  separationDeg,
  vectorSeparationDeg,
  wrapRa,
} from '../../src/sky/index.js';

const position = fc.record({ ra: fc.double({ min: 0, max: 360, noNaN: true }), dec: fc.double({ min: -90, max: 90, noNaN: true }) });
const order = fc.integer({ min: 0, max: 29 });
const pixel = order.chain((k) => fc.bigInt({ min: 0n, max: BigInt(npix(k)) - 1n }).map((p) => ({ k, p })));

test('pix2ang(ang2pix(p)) is within the pixel radius of p', () => {
  fc.assert(
    fc.property(position, order, ({ ra, dec }, k) => {
      const [cra, cdec] = pix2ang(k, ang2pixBig(k, ra, dec));
      return separationDeg(ra, dec, cra, cdec) <= maxPixelRadiusDeg(k);
    }),
    { numRuns: 5000 },
  );
});

test('ang2pix(pix2ang(i)) == i at every order', () => {
  fc.assert(
    fc.property(pixel, ({ k, p }) => {
      const [ra, dec] = pix2ang(k, p);
      return ang2pixBig(k, ra, dec) === p && (k > 24 || ang2pix(k, ra, dec) === Number(p));
    }),
    { numRuns: 5000 },
  );
});

test('neighbours are symmetric and distinct', () => {
  fc.assert(
    fc.property(pixel, ({ k, p }) => {
      const ns = neighboursBig(k, p).filter((m) => m >= 0n);
      if (new Set(ns).size !== ns.length || ns.includes(p)) return false;
      if (k <= 24 && neighbours(k, Number(p)).some((m, i) => BigInt(m) !== neighboursBig(k, p)[i])) return false;
      return ns.every((m) => neighboursBig(k, m).includes(p));
    }),
    { numRuns: 3000 },
  );
});

test('a disc contains its centre pixel and only pixels that reach it', () => {
  const disc = fc.record({ ra: fc.double({ min: 0, max: 360, noNaN: true }), dec: fc.double({ min: -90, max: 90, noNaN: true }), k: fc.integer({ min: 0, max: 16 }), f: fc.double({ min: 0.01, max: 3, noNaN: true }) });
  fc.assert(
    fc.property(disc, ({ ra, dec, k, f }) => {
      const r = f * Math.sqrt(pixelAreaDeg2(k));
      const got = queryDisc(k, ra, dec, r);
      if (!got.includes(ang2pix(k, ra, dec))) return false;
      const c = radecToVector(ra, dec);
      // Each returned pixel has a point within r (grid of 11×11 points incl. the edges; slack = grid step).
      const slack = maxPixelRadiusDeg(k) / 5;
      return got.every((p) => {
        let best = Infinity;
        for (let u = 0; u <= 10; u++) for (let v = 0; v <= 10; v++) best = Math.min(best, vectorSeparationDeg(c, pixelPointVector(k, p, u / 10, v / 10)));
        return best <= r + slack;
      });
    }),
    { numRuns: 300 },
  );
});

test('hats vector, ra wrap, batch forms and order arithmetic', () => {
  assert.equal(healpix29(5, 5), 1370628467894962607n);
  assert.equal(healpix29(360, 10), healpix29(0, 10));
  assert.equal(wrapRa(-1e-15), 0);
  assert.equal(wrapRa(-90), 270);
  assert.equal(ang2pix(0, 5, 5), 4);
  assert.deepEqual(neighbours(0, 4), [11, 7, 3, -1, 0, 5, 8, -1]);
  const ra = Float64Array.from({ length: 1000 }, (_, i) => (i * 7.31) % 360);
  const dec = Float64Array.from({ length: 1000 }, (_, i) => ((i * 3.7) % 180) - 90);
  const b29 = healpix29Batch(ra, dec);
  const b10 = ang2pixBatch(10, ra, dec);
  for (let i = 0; i < ra.length; i++) {
    assert.equal(b29[i], healpix29(ra[i]!, dec[i]!));
    assert.equal(b10[i], ang2pix(10, ra[i]!, dec[i]!));
    assert.equal(degradeBig(b29[i]!, 10), BigInt(b10[i]!));
  }
  assert.equal(orderToNside(10), 1024);
  assert.equal(nsideToOrder(1024), 10);
  assert.equal(npix(29), 12 * 4 ** 29);
  assert.equal(degrade(23, 0, 1), 5);
  assert.deepEqual(childRangeBig(0, 1n), [1n << 58n, 2n << 58n]);
  assert.ok(Math.abs(pixelAreaDeg2(0) * 12 - 41252.96124941928) < 1e-6);
  const ranges = queryDiscRanges(20, 10, 20, 0.05);
  assert.ok(ranges.length > 0 && ranges.every(([a, b], i) => a < b && (i === 0 || ranges[i - 1]![1] < a)));
});

test('invalid input throws ERR_HEALPIX', () => {
  const bad = [() => ang2pix(10, NaN, 0), () => ang2pix(10, 0, 90.0000001), () => ang2pix(25, 0, 0), () => ang2pixBig(30, 0, 0), () => healpix29(Infinity, 0), () => pix2ang(1, 48), () => pix2ang(1, -1n), () => nsideToOrder(3), () => queryDisc(10, 0, 0, -1), () => queryDisc(12, 0, 0, 10, { maxPixels: 10 })];
  for (const f of bad) assert.throws(f, (e: unknown) => isAlertflowError(e, 'ERR_HEALPIX'));
  assert.throws(() => healpix29Batch(Float64Array.of(1, 2), Float64Array.of(0, NaN)), (e: unknown) => isAlertflowError(e, 'ERR_HEALPIX') && e.details.index === 1);
});
