import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oracleScript, pythonOracle, PYTHON_ORACLE_MISSING, runPython } from '../../src/testing/python.js';
import { pixelToWorld0, worldToPixel0 } from '../../src/wcs/celestial.js';
import { wcsFromHeader, wcsHeaderCards } from '../../src/wcs/header.js';
import type { FitsCard } from '../../src/fits/header.js';

const skip = pythonOracle() ? false : PYTHON_ORACLE_MISSING;
type Header = Record<string, string | number>;

/** Angular distance in milliarcseconds (haversine, stable at tiny separations). */
function sepMas(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const r = Math.PI / 180;
  const h = Math.sin(((dec2 - dec1) * r) / 2) ** 2 + Math.cos(dec1 * r) * Math.cos(dec2 * r) * Math.sin(((ra2 - ra1) * r) / 2) ** 2;
  return 2 * Math.asin(Math.sqrt(Math.min(1, h))) * (180 / Math.PI) * 3.6e6;
}

const cards = (h: Header): FitsCard[] => Object.entries(h).map(([key, value]) => ({ key, value }));

/** Headers for one projection: every linear form, rotations, flips, the pole, ra wrap, swapped axes. */
function headers(p: string): { name: string; header: Header; scale: number }[] {
  const s = 0.2 / 3600;
  const base = (ra: number, dec: number): Header => ({ CTYPE1: `RA---${p}`, CTYPE2: `DEC--${p}`, CRVAL1: ra, CRVAL2: dec, CRPIX1: 1024.5, CRPIX2: 2048.25, CUNIT1: 'deg', CUNIT2: 'deg', RADESYS: 'ICRS' });
  const rot = (deg: number, c1: number, c2: number): Header => {
    const r = (deg * Math.PI) / 180;
    return { CD1_1: c1 * Math.cos(r), CD1_2: -c2 * Math.sin(r), CD2_1: c1 * Math.sin(r), CD2_2: c2 * Math.cos(r) };
  };
  return [
    { name: 'CD north-up', header: { ...base(150.1, 2.2), CD1_1: -s, CD1_2: 0, CD2_1: 0, CD2_2: s }, scale: s },
    { name: 'CD rotated 37°', header: { ...base(53.1, -28.1), ...rot(37, -s, s) }, scale: s },
    { name: 'CD flipped (east right)', header: { ...base(210, 54), ...rot(-20, s, s) }, scale: s },
    { name: 'CD skewed', header: { ...base(10, 40), CD1_1: -s, CD1_2: 0.1 * s, CD2_1: 0.05 * s, CD2_2: 1.1 * s }, scale: s },
    { name: 'PC+CDELT', header: { ...base(300, -45), CDELT1: -s, CDELT2: s, PC1_1: Math.cos(0.3), PC1_2: -Math.sin(0.3), PC2_1: Math.sin(0.3), PC2_2: Math.cos(0.3) }, scale: s },
    { name: 'CDELT only (PC identity)', header: { ...base(0.001, 12), CDELT1: -s, CDELT2: s }, scale: s },
    { name: 'CROTA2', header: { ...base(359.999, -5), CDELT1: -s, CDELT2: s, CROTA2: 123.4 }, scale: s },
    { name: 'CROTA2 flipped', header: { ...base(120, 30), CDELT1: s, CDELT2: -s, CROTA2: -15 }, scale: s },
    { name: 'near the north pole', header: { ...base(45, 89.99), ...rot(10, -s, s) }, scale: s },
    { name: 'at the north pole (LONPOLE 0)', header: { ...base(0, 90), ...rot(0, -s, s) }, scale: s },
    { name: 'near the south pole', header: { ...base(200, -89.95), CDELT1: -s, CDELT2: s, CROTA2: 200 }, scale: s },
    { name: 'explicit LONPOLE', header: { ...base(80, 10), CD1_1: -s, CD1_2: 0, CD2_1: 0, CD2_2: s, LONPOLE: 170 }, scale: s },
    { name: 'latitude first', header: { ...base(0, 0), CTYPE1: `DEC--${p}`, CTYPE2: `RA---${p}`, CRVAL1: -20, CRVAL2: 100, CD1_1: 0, CD1_2: s, CD2_1: -s, CD2_2: 0 }, scale: s },
    { name: 'wide field (0.01°/pixel)', header: { ...base(250, 60), ...rot(25, -0.01, 0.01) }, scale: 0.01 },
  ];
}

const PIXELS: [number, number][] = [];
for (const x of [-1500, -3.5, 0, 511.7, 1023.5, 2047, 4000]) for (const y of [-800, 0, 0.5, 2047.25, 3000.9, 5000]) PIXELS.push([x, y]);

test('WCS agrees with astropy.wcs: TAN, SIN, ZEA × CD, PC+CDELT, CROTA2, rotated, flipped, poles (< 1 mas, < 1e-6 px)', { skip }, async () => {
  const cases = ['TAN', 'SIN', 'ZEA'].flatMap((p) => headers(p).map((c) => ({ ...c, p })));
  const job = { cases: cases.map((c) => ({ header: c.header, pixels: PIXELS })) };
  const r = await runPython(oracleScript('fits_wcs.py'), [], JSON.stringify(job));
  assert.equal(r.code, 0, r.stderr);
  const { results } = JSON.parse(r.stdout) as { results: { world: [number, number][]; lonpole: number }[] };
  // Round trip: astropy's world coordinates back to pixels, by both.
  const job2 = { cases: cases.map((c, i) => ({ header: c.header, sky: results[i]!.world.filter((w) => w.every(Number.isFinite)) })) };
  const r2 = await runPython(oracleScript('fits_wcs.py'), [], JSON.stringify(job2));
  assert.equal(r2.code, 0, r2.stderr);
  const back = (JSON.parse(r2.stdout) as { results: { pix: [number, number][] }[] }).results;
  let worstMas = 0, worstPix = 0, compared = 0;
  cases.forEach((c, i) => {
    const wcs = wcsFromHeader(cards(c.header));
    PIXELS.forEach(([x, y], j) => {
      const [a1, a2] = results[i]!.world[j]!;
      const [w1, w2] = pixelToWorld0(wcs, x, y);
      if (!Number.isFinite(a1)) return assert.ok(!Number.isFinite(w1), `${c.p} ${c.name}: astropy has no world for (${x}, ${y}), we do`);
      const lngFirst = wcs.lngAxis !== 1;
      const d = lngFirst ? sepMas(w1, w2, a1, a2) : sepMas(w2, w1, a2, a1);
      worstMas = Math.max(worstMas, d);
      assert.ok(d < 1, `${c.p} ${c.name} pixel (${x}, ${y}): ${d} mas`);
      compared++;
    });
    job2.cases[i]!.sky.forEach(([s1, s2], j) => {
      const [x, y] = worldToPixel0(wcs, s1, s2);
      const [ax, ay] = back[i]!.pix[j]!;
      // astropy's own round trip sets the scale of "agreement" for far-off pixels of wide fields.
      const err = Math.max(Math.abs(x - ax), Math.abs(y - ay));
      worstPix = Math.max(worstPix, err);
      assert.ok(err < 1e-6, `${c.p} ${c.name} sky (${s1}, ${s2}): ${err} px`);
    });
    assert.equal(wcs.lonpole ?? (c.header.CRVAL2 === 90 ? 0 : 180), results[i]!.lonpole, `${c.name}: LONPOLE`);
  });
  console.log(`# WCS vs astropy: ${compared} pixel→sky points, worst ${worstMas.toExponential(2)} mas; worst sky→pixel ${worstPix.toExponential(2)} px`);
});

test('wcsHeaderCards (CD form) rebuild the same transform in astropy and here', { skip }, async () => {
  const cases = ['TAN', 'SIN', 'ZEA'].flatMap((p) => headers(p).map((c) => ({ ...c, p })));
  const job = {
    cases: cases.map((c) => {
      const h: Header = {};
      for (const card of wcsHeaderCards(wcsFromHeader(cards(c.header)))) h[card.key] = card.value as string | number;
      return { header: h, pixels: PIXELS };
    }),
  };
  const ref = { cases: cases.map((c) => ({ header: c.header, pixels: PIXELS })) };
  const [a, b] = await Promise.all([runPython(oracleScript('fits_wcs.py'), [], JSON.stringify(job)), runPython(oracleScript('fits_wcs.py'), [], JSON.stringify(ref))]);
  assert.equal(a.code, 0, a.stderr);
  const ra = (JSON.parse(a.stdout) as { results: { world: number[][] }[] }).results;
  const rb = (JSON.parse(b.stdout) as { results: { world: number[][] }[] }).results;
  ra.forEach((res, i) => res.world.forEach((w, j) => {
    const o = rb[i]!.world[j]!;
    if (Number.isFinite(o[0]!)) assert.ok(sepMas(w[0]!, w[1]!, o[0]!, o[1]!) < 1e-3 || sepMas(w[1]!, w[0]!, o[1]!, o[0]!) < 1e-3, `${cases[i]!.name} ${j}`);
  }));
});
