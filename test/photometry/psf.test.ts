import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erf, erfc, erfDiff } from '../../src/photometry/erf.js';
import { gaussianPrf, imagePsf, type PsfInterpolation } from '../../src/photometry/psf.js';

// Reference values of erf/erfc (DLMF 7, to 16 digits).
const ERF: [number, number][] = [
  [0, 0],
  [0.1, 0.1124629160182849],
  [0.5, 0.5204998778130465],
  [1, 0.8427007929497149],
  [2, 0.9953222650189527],
  [-0.5, -0.5204998778130465],
  [-1, -0.8427007929497149],
  [-2.5, -0.999593047982555],
];
const ERFC: [number, number][] = [
  [2.5, 4.069520174449590e-4],
  [3, 2.209049699858544e-5],
  [5, 1.537459794428035e-12],
  [10, 2.088487583762545e-45],
  [-1, 1.842700792949715],
];

test('erf and erfc match reference values to 1e-14 relative, on both signs', () => {
  for (const [x, v] of ERF) assert.ok(Math.abs(erf(x) - v) <= 1e-15 + 1e-14 * Math.abs(v), `erf(${x}) = ${erf(x)}, want ${v}`);
  for (const [x, v] of ERFC) assert.ok(Math.abs(erfc(x) / v - 1) < 1e-13, `erfc(${x}) = ${erfc(x)}, want ${v}`);
  // Continuity across the series / continued-fraction switch, and oddness.
  assert.ok(Math.abs(erf(2.5 - 1e-12) - erf(2.5 + 1e-12)) < 1e-14);
  for (let x = -6; x <= 6; x += 0.37) assert.ok(Math.abs(erf(x) + erf(-x)) < 1e-15);
  assert.ok(Math.abs(erfDiff(3, 3.5) / (erfc(3) - erfc(3.5)) - 1) < 1e-14);
  assert.ok(Number.isNaN(erf(NaN)));
});

/** ∫ over [a, b] of the unit Gaussian density of width sigma centred at 0, by composite Simpson. */
function simpson(a: number, b: number, sigma: number, n = 400): number {
  const f = (t: number): number => Math.exp(-(t * t) / (2 * sigma * sigma)) / (Math.sqrt(2 * Math.PI) * sigma);
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += f(a + i * h) * (i % 2 ? 4 : 2);
  return (s * h) / 3;
}

test('Gaussian PRF: pixel values are the Gaussian integrated over each pixel, and sum to 1', () => {
  const fwhm = 3.2;
  const sigma = fwhm / (2 * Math.sqrt(2 * Math.LN2));
  const psf = gaussianPrf(fwhm);
  const n = 41;
  const out = new Float64Array(n * n);
  const x = 20.37, y = 19.81;
  psf.render(x, y, 0, 0, n, n, out);
  let sum = 0;
  for (const v of out) sum += v;
  assert.ok(Math.abs(sum - 1) < 1e-12, `sum ${sum}`);
  for (const [i, j] of [[20, 20], [22, 18], [15, 24], [30, 20]]) {
    const want = simpson(i - 0.5 - x, i + 0.5 - x, sigma) * simpson(j - 0.5 - y, j + 0.5 - y, sigma);
    assert.ok(Math.abs(out[j * n + i] - want) < 1e-12, `pixel ${i},${j}: ${out[j * n + i]} vs ${want}`);
  }
  assert.throws(() => gaussianPrf(0), (e: any) => e.code === 'ERR_PHOTOMETRY');
});

/** Flux bias of fitting `model` to data made with `truth` (noiseless, uniform weights): Σ m t / Σ m² − 1. */
function fluxBias(model: Float64Array, truth: Float64Array): number {
  let mt = 0, mm = 0;
  for (let i = 0; i < model.length; i++) {
    mt += model[i] * truth[i];
    mm += model[i] * model[i];
  }
  return mt / mm - 1;
}

function psfImage(fwhm: number, size: number, os = 1): Float64Array {
  // The PRF sampled every 1/os pixel around the centre of a size×size grid.
  const g = gaussianPrf(fwhm);
  const c = (size - 1) / 2;
  const data = new Float64Array(size * size);
  const one = new Float64Array(1);
  for (let j = 0; j < size; j++) for (let i = 0; i < size; i++) {
    g.render(-(i - c) / os, -(j - c) / os, 0, 0, 1, 1, one);
    data[j * size + i] = one[0];
  }
  return data;
}

test('image PSF: exact at integer offsets for every interpolation; sinc shift is exact to 1e-6 at sub-pixel offsets', () => {
  const fwhm = 3.5;
  const truth = gaussianPrf(fwhm);
  const bias: Record<string, number> = {};
  for (const kind of ['sinc', 'lanczos3', 'bicubic', 'bilinear'] as PsfInterpolation[]) {
    const psf = imagePsf(psfImage(fwhm, 31), 31, 31, { interpolation: kind });
    assert.ok(Math.abs(psf.fwhm - fwhm) < 0.01, `${kind}: moment FWHM ${psf.fwhm}`);
    let worst = 0;
    for (const [dx, dy] of [[0, 0], [0.5, 0], [0.25, -0.4], [-0.13, 0.49], [0.5, 0.5]]) {
      const a = new Float64Array(169), b = new Float64Array(169);
      const x = 40 + dx, y = 60 + dy;
      const bx = Math.ceil(x - 6.5), by = Math.ceil(y - 6.5);
      psf.render(x, y, bx, by, 13, 13, a);
      truth.render(x, y, bx, by, 13, 13, b);
      const e = Math.abs(fluxBias(a, b));
      if (dx === 0 && dy === 0) assert.ok(e < 1e-12, `${kind}: integer offset bias ${e}`);
      worst = Math.max(worst, e);
    }
    bias[kind] = worst;
  }
  assert.ok(bias.sinc < 1e-6, `sinc bias ${bias.sinc}`);
  assert.ok(bias.lanczos3 < 1e-2 && bias.bicubic < 1e-2 && bias.bilinear < 0.1, JSON.stringify(bias));
});

test('image PSF: sum preserved, oversampled PSF images, bad inputs are ERR_PHOTOMETRY', () => {
  const psf = imagePsf(psfImage(4, 81, 4).map((v) => v * 7), 81, 81, { oversampling: 4 }); // any scale: it is normalised
  const truth = gaussianPrf(4);
  const a = new Float64Array(25 * 25), b = new Float64Array(25 * 25);
  psf.render(100.3, 50.8, 88, 39, 25, 25, a);
  truth.render(100.3, 50.8, 88, 39, 25, 25, b);
  // 81 samples at 4× cover ±10 px (±5.9σ).
  assert.ok(Math.abs(fluxBias(a, b)) < 1e-6, `oversampled bias ${fluxBias(a, b)}`);
  const full = imagePsf(psfImage(3, 25), 25, 25);
  const out = new Float64Array(41 * 41);
  full.render(20.3, 20.6, 0, 0, 41, 41, out);
  // Flux kept to the aliasing level of a FWHM-3 PRF sampled at 1 px (~1e-5).
  assert.ok(Math.abs(out.reduce((s, v) => s + v, 0) - 1) < 1e-4);
  assert.throws(() => imagePsf([1, 2, 3], 2, 2), (e: any) => e.code === 'ERR_PHOTOMETRY');
  assert.throws(() => imagePsf([0, 0, 0, 0], 2, 2), (e: any) => e.code === 'ERR_PHOTOMETRY');
  assert.throws(() => imagePsf([1, NaN, 0, 0], 2, 2), (e: any) => e.code === 'ERR_PHOTOMETRY');
  assert.throws(() => imagePsf([1, 1, 1, 1], 2, 2, { oversampling: 1.5 }), (e: any) => e.code === 'ERR_PHOTOMETRY');
});
