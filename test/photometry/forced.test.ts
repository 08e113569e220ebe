import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFitsImage, primaryCards, encodeHeader } from '../../src/fits/index.js';
import { forcedPhotometry, defaultFitShape } from '../../src/photometry/fit.js';
import { gaussianPrf } from '../../src/photometry/psf.js';
import { createForcedMeasureStep, type ForcedMeasurement } from '../../src/photometry/step.js';
import { readImageHdu } from '../../src/photometry/load.js';
import { LruCache } from '../../src/photometry/cache.js';
import { synthField } from './synth.js';

const FWHM = 3.5;

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'alertflow-forced-'));
}

function outOf(r: { ok: boolean; out?: ForcedMeasurement[] }): ForcedMeasurement {
  assert.ok(r.ok, JSON.stringify(r));
  return r.out![0];
}

test('noiseless: the step recovers injected fluxes to 1e-5 at sky positions read through FITS and the TAN WCS', async () => {
  const dir = tmp();
  try {
    const f = synthField({ width: 400, height: 300, fwhm: FWHM, spacing: 24, seed: 3, sigma: 0 });
    const { image } = f.write(dir);
    const step = createForcedMeasureStep({ image, sigma: 10, psfFwhm: FWHM });
    const results = await step(f.sources.map((s, i) => ({ id: i, ra: s.ra, dec: s.dec })));
    let worst = 0;
    results.forEach((r, i) => {
      const m = outOf(r);
      const s = f.sources[i];
      assert.ok(Math.abs(m.x - s.x) < 1e-6 && Math.abs(m.y - s.y) < 1e-6, `pixel ${m.x},${m.y} vs ${s.x},${s.y}`);
      assert.deepEqual(m.flags, ['forced']);
      worst = Math.max(worst, Math.abs(m.psfFlux / s.flux - 1));
      // err = σ / √(Σ P²): independent of the data.
      assert.ok(m.psfFluxErr > 10 && m.psfFluxErr < 10 * 3 * FWHM, `err ${m.psfFluxErr}`);
    });
    assert.ok(f.sources.length >= 150);
    assert.ok(worst < 1e-5, `worst relative flux error ${worst}`); // float32 pixels
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('flags: edge (box clipped), nan (masked pixels skipped), outside (no measurement), zeroWeight', () => {
  const width = 60, height = 40;
  const psf = gaussianPrf(3);
  const data = new Float64Array(width * height);
  const stamp = new Float64Array(width * height);
  for (const [x, y, flux] of [[1.2, 20.4, 1000], [30.3, 20.1, 2000]] as const) {
    psf.render(x, y, 0, 0, width, height, stamp);
    for (let i = 0; i < data.length; i++) data[i] += flux * stamp[i];
  }
  const variance = new Float64Array(width * height).fill(4);
  // Mask two pixels near the second source, one as NaN data, one as zero variance.
  data[21 * width + 31] = NaN;
  variance[19 * width + 29] = 0;
  const img = { data, width, height, variance };
  const [edge, nan, out1, out2, out3] = forcedPhotometry(img, [{ x: 1.2, y: 20.4 }, { x: 30.3, y: 20.1 }, { x: -0.6, y: 5 }, { x: 10, y: 40 }, { x: NaN, y: 3 }], { psf });
  assert.deepEqual(edge.flags, ['forced', 'edge']);
  assert.ok(Math.abs(edge.psfFlux / 1000 - 1) < 1e-9, `edge flux ${edge.psfFlux}`);
  assert.deepEqual(nan.flags, ['forced', 'nan']);
  assert.ok(Math.abs(nan.psfFlux / 2000 - 1) < 1e-9, `nan flux ${nan.psfFlux}`);
  for (const o of [out1, out2, out3]) {
    assert.deepEqual(o.flags, ['forced', 'outside']);
    assert.ok(Number.isNaN(o.psfFlux) && Number.isNaN(o.psfFluxErr));
  }
  // Every pixel of the box masked: no weight.
  const zero = forcedPhotometry({ data, width, height, variance: new Float64Array(width * height).fill(NaN) }, [{ x: 30, y: 20 }], { psf })[0];
  assert.deepEqual(zero.flags, ['forced', 'nan', 'zeroWeight']);
  assert.ok(Number.isNaN(zero.psfFlux));
  assert.equal(defaultFitShape(3), 11);
  assert.throws(() => forcedPhotometry(img, [{ x: 1, y: 1 }], { psf, fitShape: 10 }), (e: any) => e.code === 'ERR_PHOTOMETRY');
  assert.throws(() => forcedPhotometry({ data, width, height }, [{ x: 1, y: 1 }], { psf }), (e: any) => e.code === 'ERR_PHOTOMETRY');
  assert.throws(() => forcedPhotometry({ data, width, height, sigma: 1 }, [{ ra: 1, dec: 1 }], { psf }), (e: any) => e.code === 'ERR_PHOTOMETRY');
});

test('a variance plane equal to sigma² gives the same answer as sigma; weights follow the variance', () => {
  const f = synthField({ width: 200, height: 200, fwhm: FWHM, spacing: 40, seed: 5, sigma: 3 });
  const pos = f.sources.map((s) => ({ x: s.x, y: s.y }));
  const a = forcedPhotometry({ ...f, sigma: 3 }, pos, { psf: gaussianPrf(FWHM) });
  const b = forcedPhotometry({ ...f, variance: new Float32Array(f.data.length).fill(9) }, pos, { psf: gaussianPrf(FWHM) });
  a.forEach((r, i) => {
    assert.ok(Math.abs(r.psfFlux - b[i].psfFlux) < 1e-9 * Math.abs(r.psfFlux) + 1e-9);
    assert.ok(Math.abs(r.psfFluxErr - b[i].psfFluxErr) < 1e-12 * r.psfFluxErr);
  });
  // Quadrupling the variance doubles the error.
  const c = forcedPhotometry({ ...f, sigma: 6 }, pos, { psf: gaussianPrf(FWHM) });
  assert.ok(Math.abs(c[0].psfFluxErr / a[0].psfFluxErr - 2) < 1e-12);
});

test('background: "fit" recovers flux and a constant sky level; "none" is biased by it', () => {
  const f = synthField({ width: 200, height: 200, fwhm: FWHM, spacing: 40, seed: 6, sigma: 0 });
  const data = Float64Array.from(f.data, (v) => v + 25);
  const pos = f.sources.map((s) => ({ x: s.x, y: s.y }));
  const fit = forcedPhotometry({ data, width: f.width, height: f.height, sigma: 1 }, pos, { psf: gaussianPrf(FWHM), background: 'fit' });
  const none = forcedPhotometry({ data, width: f.width, height: f.height, sigma: 1 }, pos, { psf: gaussianPrf(FWHM) });
  fit.forEach((r, i) => {
    assert.ok(Math.abs(r.psfFlux / f.sources[i].flux - 1) < 1e-5, `flux ${r.psfFlux} vs ${f.sources[i].flux}`);
    assert.ok(Math.abs(r.background! - 25) < 1e-4);
    assert.ok(r.psfFluxErr > none[i].psfFluxErr, 'a free background widens the flux error');
    assert.ok(none[i].psfFlux > f.sources[i].flux + 100);
  });
});

test('pulls: with Gaussian noise over ≥1000 positions, (flux − truth)/err has mean ≈ 0 and unit standard deviation', () => {
  // Sources 16 px apart (≥ 4.5 FWHM, far beyond the 13-px box's reach of a neighbour's light).
  const f = synthField({ width: 640, height: 640, fwhm: FWHM, spacing: 16, seed: 11, sigma: 7.5, flux: [50, 5000] });
  assert.ok(f.sources.length >= 1000, `${f.sources.length} sources`);
  const rows = forcedPhotometry({ ...f, sigma: 7.5 }, f.sources.map((s) => ({ ra: s.ra, dec: s.dec })), { psf: gaussianPrf(FWHM) });
  const pulls = rows.map((r, i) => (r.psfFlux - f.sources[i].flux) / r.psfFluxErr);
  const n = pulls.length;
  const mean = pulls.reduce((s, p) => s + p, 0) / n;
  const sd = Math.sqrt(pulls.reduce((s, p) => s + (p - mean) ** 2, 0) / (n - 1));
  // Standard errors for n = 1521: mean ±0.026, sd ±0.018; bounds are > 3σ wide.
  assert.ok(Math.abs(mean) < 0.1, `mean pull ${mean}`);
  assert.ok(Math.abs(sd - 1) < 0.1, `pull sd ${sd}`);
  console.log(`# pulls: n=${n} mean=${mean.toFixed(4)} sd=${sd.toFixed(4)}`);
});

test('step: per-record images, variance planes, the LRU cache, and typed per-record failures', async () => {
  const dir = tmp();
  try {
    const a = synthField({ width: 120, height: 120, fwhm: FWHM, spacing: 30, seed: 21, sigma: 0 });
    const b = synthField({ width: 120, height: 120, fwhm: FWHM, spacing: 30, seed: 22, sigma: 0 });
    const pa = a.write(join(dir, ''));
    const imageB = join(dir, 'b.fits');
    writeFileSync(imageB, writeFitsImage({ data: b.data, axes: [120, 120], cards: [] })); // no WCS
    const step = createForcedMeasureStep({ image: pa.image, variance: pa.variance, psfFwhm: FWHM, cacheSize: 1 });
    const s0 = a.sources[0];
    const res = await step([
      { id: 'a', ra: s0.ra, dec: s0.dec },
      { id: 'nan', ra: NaN, dec: s0.dec },
      { id: 'own', ra: s0.ra, dec: s0.dec, image: pa.image, variance: pa.variance },
      { id: 'nowcs', ra: s0.ra, dec: s0.dec, image: imageB },
      { id: 'missing', ra: s0.ra, dec: s0.dec, image: join(dir, 'nope.fits') },
    ]);
    const m = outOf(res[0]);
    assert.ok(Math.abs(m.psfFlux / s0.flux - 1) < 1e-5);
    assert.ok(Math.abs(m.psfFluxErr - 1 / Math.sqrt(sumP2(m.x, m.y))) < 1e-9, 'variance 1 → err = 1/√ΣP²');
    assert.deepEqual(outOf(res[2]), { ...m, id: 'own', image: pa.image });
    const codes = res.map((r) => (r.ok ? 'ok' : r.error.code));
    assert.deepEqual(codes, ['ok', 'ERR_PHOTOMETRY', 'ok', 'ERR_PHOTOMETRY', 'ERR_IO']);
    assert.throws(() => createForcedMeasureStep({ image: pa.image, sigma: 1 }), (e: any) => e.code === 'ERR_STEP_CONFIG');
    assert.throws(() => createForcedMeasureStep({ image: pa.image, sigma: 1, psfFwhm: 3, psf: 'x.fits' }), (e: any) => e.code === 'ERR_STEP_CONFIG');
    assert.throws(() => createForcedMeasureStep({ sigma: 1, psfFwhm: 3, fitShape: 4 }), (e: any) => e.code === 'ERR_STEP_CONFIG');
    assert.throws(() => createForcedMeasureStep({ sigma: -1, psfFwhm: 3 }), (e: any) => e.code === 'ERR_STEP_CONFIG');
    assert.throws(() => createForcedMeasureStep({ sigma: 1, psf: join(dir, 'nope.fits') }), (e: any) => e.code === 'ERR_STEP_CONFIG');
    // A record without any image fails alone.
    const bare = createForcedMeasureStep({ sigma: 1, psfFwhm: FWHM });
    assert.equal((await bare([{ id: 1, ra: 1, dec: 1 }]))[0].ok, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function sumP2(x: number, y: number): number {
  const n = defaultFitShape(FWHM);
  const out = new Float64Array(n * n);
  gaussianPrf(FWHM).render(x, y, Math.ceil(x - n / 2), Math.ceil(y - n / 2), n, n, out);
  return out.reduce((s, v) => s + v * v, 0);
}

test('LRU cache evicts the least recently used entry and does not cache failed loads', () => {
  const c = new LruCache<string, number>(2);
  c.get('a', () => 1);
  c.get('b', () => 2);
  c.get('a', () => -1); // hit, a becomes most recent
  c.get('c', () => 3); // evicts b
  assert.equal(c.get('a', () => -1), 1);
  assert.equal(c.get('b', () => 22), 22);
  assert.equal(c.loads, 4);
  assert.throws(() => c.get('x', () => { throw new Error('io'); }));
  assert.equal(c.get('x', () => 5), 5);
});

test('image extensions: the first 2-D image HDU is found when the primary is empty; --hdu picks one', () => {
  const f = synthField({ width: 50, height: 40, fwhm: FWHM, spacing: 25, seed: 2, sigma: 0 });
  const primary = writeFitsImage({ data: new Float32Array(0), axes: [] });
  const ext = (data: Float32Array, extra: { key: string; value: number | string }[]): Buffer => {
    const cards = primaryCards(-32, [50, 40]).filter((c) => c.key !== 'SIMPLE' && c.key !== 'EXTEND');
    const header = encodeHeader([{ key: 'XTENSION', value: 'IMAGE' }, ...cards, { key: 'PCOUNT', value: 0 }, { key: 'GCOUNT', value: 1 }, ...extra]);
    const body = Buffer.alloc(Math.ceil((data.length * 4) / 2880) * 2880);
    data.forEach((v, i) => body.writeFloatBE(v, i * 4));
    return Buffer.concat([header, body]);
  };
  const second = Float32Array.from(f.data, (v) => v * 2);
  const bytes = Buffer.concat([primary, ext(f.data, [{ key: 'EXTNAME', value: 'IMAGE' }]), ext(second, [{ key: 'EXTNAME', value: 'VARIANCE' }])]);
  const first = readImageHdu(bytes);
  assert.equal(first.hdu, 1);
  assert.deepEqual([first.width, first.height], [50, 40]);
  assert.deepEqual(Array.from(first.data.slice(0, 100)), Array.from(f.data.slice(0, 100)));
  assert.equal(readImageHdu(bytes, 2).data[510], second[510]);
  assert.throws(() => readImageHdu(bytes, 0), (e: any) => e.code === 'ERR_FITS');
  assert.throws(() => readImageHdu(bytes, 3), (e: any) => e.code === 'ERR_FITS');
});
