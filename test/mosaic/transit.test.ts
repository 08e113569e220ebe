import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DSA110_SITE, gmstDeg, hourAngleDeg, localSiderealDeg, nearestTransitMjd, transitAfterMjd, SIDEREAL_RATE } from '../../src/mosaic/transit.js';
import { oracleScript, pythonOracle, PYTHON_ORACLE_MISSING, runPython } from '../../src/testing/python.js';

const SECOND_DEG = 360 / 86400; // one second of time in degrees of rotation

test('GMST at J2000.0 is 18h41m50.548s (to within DUT1, 0.36 s then)', () => {
  const expected = (18 + 41 / 60 + 50.54841 / 3600) * 15;
  assert.ok(Math.abs(gmstDeg(51544.5) - expected) < 0.5 * SECOND_DEG, `${gmstDeg(51544.5)} vs ${expected}`);
});

test('transits: hour angle is zero there, consecutive transits one sidereal day apart, "after" is never before', () => {
  for (const ra of [0, 24.42208, 202.78453, 359.9]) {
    const t = nearestTransitMjd(ra, 60977.3);
    assert.ok(Math.abs(hourAngleDeg(t, ra)) < 1e-7);
    assert.ok(Math.abs(t - 60977.3) <= 0.5 / SIDEREAL_RATE + 1e-9);
    const next = transitAfterMjd(ra, t + 1e-6);
    // A mean sidereal day is 1/1.0027379093 d: the Earth rotation rate plus precession.
    assert.ok(Math.abs(next - t - 1 / 1.0027379093) < 1e-9, 'one sidereal day later');
    assert.ok(transitAfterMjd(ra, 60977.3) >= 60977.3);
  }
  // The site longitude moves the transit: 1° east is 4 sidereal minutes earlier.
  const east = nearestTransitMjd(100, 60977.3, { ...DSA110_SITE, lonDeg: DSA110_SITE.lonDeg + 1 });
  assert.ok(Math.abs((nearestTransitMjd(100, 60977.3) - east) * 86400 - 240 / SIDEREAL_RATE) < 0.01);
});

test('oracle: GMST, LST and transits agree with astropy (IAU 2006 mean sidereal time) to within a second', { skip: pythonOracle() ? false : PYTHON_ORACLE_MISSING }, async () => {
  const gmst = [51544.5, 55000.123, 58849.0, 60977.7, 61200.91];
  const transits = [
    { ra: 202.78453, near: 60977.79 },
    { ra: 24.42208, near: 60978.2 },
    { ra: 85.65057, near: 61100.5 },
    { ra: 0.5, near: 59000.0 },
    { ra: 359.5, near: 60500.25 },
  ];
  const { stdout, stderr, code } = await runPython(oracleScript('transit_astropy.py'), [], JSON.stringify({ lon: DSA110_SITE.lonDeg, lat: DSA110_SITE.latDeg, gmst, transits }));
  assert.equal(code, 0, stderr);
  const ref = JSON.parse(stdout) as { gmst_deg: number[]; lst_deg: number[]; transit_mjd: number[] };
  const angleDiff = (a: number, b: number) => Math.abs(((a - b + 540) % 360) - 180);
  gmst.forEach((m, i) => {
    assert.ok(angleDiff(gmstDeg(m), ref.gmst_deg[i]) < SECOND_DEG, `GMST at ${m}: ${gmstDeg(m)} vs ${ref.gmst_deg[i]}`);
    assert.ok(angleDiff(localSiderealDeg(m), ref.lst_deg[i]) < SECOND_DEG, `LST at ${m}`);
  });
  transits.forEach((c, i) => {
    const dt = Math.abs(nearestTransitMjd(c.ra, c.near) - ref.transit_mjd[i]) * 86400;
    assert.ok(dt < 1, `transit of RA ${c.ra} near ${c.near}: ${dt.toFixed(3)} s from astropy`);
  });
});
