/**
 * PSF models for forced photometry. Both are pixel response functions (PRFs):
 * the value of pixel (i, j) is the fraction of a unit-flux source's light that
 * falls on that pixel, so the fitted amplitude is the source's total flux and
 * the model sums to 1 over the infinite plane.
 *
 * Pixel convention (as astropy/photutils, origin 0): pixel i is centred on the
 * integer coordinate i and covers [i − 0.5, i + 0.5); arrays are row-major,
 * index = y · width + x.
 */
import { AlertflowError } from '../errors.js';
import { erfc } from './erf.js';

const FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.LN2);

/**
 * A unit-flux PRF that can fill a box of pixels for a source at (x, y).
 *
 * @example
 * const psf: PsfModel = gaussianPrf(3.5);
 * const out = new Float64Array(9 * 9);
 * psf.render(20.3, 11.8, 16, 8, 9, 9, out); // box x 16..24, y 8..16
 */
export interface PsfModel {
  /** Full width at half maximum in image pixels (given, or measured from a PSF image). */
  readonly fwhm: number;
  /**
   * Writes the model of a unit-flux source at (x, y) into `out` for the box
   * whose lower-left pixel is (bx, by) and size nx × ny (row-major).
   */
  render(x: number, y: number, bx: number, by: number, nx: number, ny: number, out: Float64Array): void;
}

/**
 * The circular Gaussian integrated over each pixel: the product of two erf
 * differences across the pixel edges, `¼ [erf((i+½−x)/(√2σ)) − erf((i−½−x)/(√2σ))] · [same in y]`
 * (photutils calls this CircularGaussianPRF). It is separable, so a box costs
 * nx + ny + 2 erf evaluations.
 *
 * @example
 * const prf = gaussianPrf(4); // σ = 4 / 2.3548 pixels
 */
export function gaussianPrf(fwhm: number): PsfModel {
  if (!(fwhm > 0) || !Number.isFinite(fwhm)) throw new AlertflowError('ERR_PHOTOMETRY', `PSF FWHM must be a positive number of pixels (got ${fwhm})`, { fwhm });
  const scale = 1 / (Math.SQRT2 * (fwhm / FWHM_PER_SIGMA));
  let ex = new Float64Array(0);
  let ey = new Float64Array(0);
  let q = new Float64Array(0);
  // Pixel i spans edges t_i, t_{i+1}; one erfc per edge serves both neighbours:
  // ½[erf(t_{i+1}) − erf(t_i)] from q = erfc(|t|) without cancellation in either tail.
  const edges = (c: number, b: number, n: number, e: Float64Array): void => {
    if (q.length < n + 1) q = new Float64Array(n + 1);
    for (let k = 0; k <= n; k++) q[k] = erfc(Math.abs((b + k - 0.5 - c) * scale));
    for (let i = 0; i < n; i++) {
      const a = b + i - 0.5 - c;
      const d = a + 1;
      e[i] = a >= 0 ? 0.5 * (q[i] - q[i + 1]) : d <= 0 ? 0.5 * (q[i + 1] - q[i]) : 1 - 0.5 * (q[i] + q[i + 1]);
    }
  };
  return {
    fwhm,
    render(x, y, bx, by, nx, ny, out) {
      if (ex.length < nx) ex = new Float64Array(nx);
      if (ey.length < ny) ey = new Float64Array(ny);
      edges(x, bx, nx, ex);
      edges(y, by, ny, ey);
      for (let j = 0; j < ny; j++) {
        const vy = ey[j];
        const row = j * nx;
        for (let i = 0; i < nx; i++) out[row + i] = vy * ex[i];
      }
    },
  };
}

/**
 * How a PSF image is shifted to a sub-pixel position.
 * - `sinc` (default): the band-limited shift, i.e. what multiplying the PSF's
 *   discrete Fourier transform by a phase ramp does, done as a convolution
 *   with the periodic sinc (Dirichlet) kernel over the whole PSF image. Exact
 *   for a PRF sampled above Nyquist; on pixel-integrated Gaussians the flux
 *   bias is < 1e-6 for FWHM ≥ 3 px and ~3e-5 at 2.5 px. Preserves the sum.
 * - `lanczos3`: windowed sinc, 6 taps per axis, weights renormalised to sum 1;
 *   cheaper, ~0.4% flux bias at FWHM 3.5 px from the window's roll-off.
 * - `bicubic`: Keys' cubic convolution (a = −½), 4 taps; ~0.6% at 3.5 px.
 * - `bilinear`: 2 taps; broadens the PSF at half-pixel shifts (~5% at 3.5 px).
 *
 * @example
 * const interp: PsfInterpolation = 'sinc';
 */
export type PsfInterpolation = 'sinc' | 'lanczos3' | 'bicubic' | 'bilinear';

/**
 * Options of {@link imagePsf}.
 *
 * @example
 * const o: ImagePsfOptions = { oversampling: 1, interpolation: 'sinc' };
 */
export interface ImagePsfOptions {
  /** PSF samples per image pixel along each axis (default 1: the PSF image is a PRF at image sampling). */
  oversampling?: number;
  /** Default `sinc`. */
  interpolation?: PsfInterpolation;
}

function sinc(t: number): number {
  if (t === 0) return 1;
  const p = Math.PI * t;
  return Math.sin(p) / p;
}

function keys(t: number): number {
  const a = Math.abs(t);
  if (a < 1) return 1.5 * a * a * a - 2.5 * a * a + 1;
  if (a < 2) return -0.5 * a * a * a + 2.5 * a * a - 4 * a + 2;
  return 0;
}

/** The N-periodic sinc: interpolates N samples of a band-limited periodic signal (even N splits the Nyquist term). */
function dirichlet(t: number, n: number): number {
  const s = Math.sin((Math.PI * t) / n);
  if (Math.abs(s) < 1e-14) return Math.round(t / n) % 2 === 0 || n % 2 === 0 ? 1 : -1;
  return n % 2 === 1 ? Math.sin(Math.PI * t) / (n * s) : Math.sin(Math.PI * t) / (n * Math.tan((Math.PI * t) / n));
}

/** First tap (relative to floor(u)) and weights for sampling at fractional offset f ∈ [0, 1). */
function kernelWeights(kind: Exclude<PsfInterpolation, 'sinc'>, f: number, w: Float64Array): number {
  if (kind === 'bilinear') {
    w[0] = 1 - f;
    w[1] = f;
    return 0;
  }
  const half = kind === 'bicubic' ? 2 : 3;
  let sum = 0;
  for (let k = 0; k < 2 * half; k++) {
    const t = f - (k - half + 1);
    const v = kind === 'bicubic' ? keys(t) : sinc(t) * sinc(t / 3);
    w[k] = v;
    sum += v;
  }
  // Lanczos weights do not sum exactly to 1; renormalising keeps flux.
  if (kind === 'lanczos3') for (let k = 0; k < 2 * half; k++) w[k] /= sum;
  return -half + 1;
}

/**
 * One axis of an interpolation: for box pixel i the PSF-grid coordinate is
 * u = s + i·os, and its value is Σ_c m[i·size + c] · sample[c]. Writes the
 * dense [n × size] weight matrix `m` (zero where u is off the PSF).
 */
function axisWeights(kind: PsfInterpolation, s: number, os: number, n: number, size: number, m: Float64Array, table: Float64Array): void {
  m.fill(0, 0, n * size);
  const k = Math.floor(s);
  const f = s - k;
  if (kind === 'sinc') {
    // u − c = (k_i − c) + f with k_i = k + i·os, and the kernel is size-periodic,
    // so `size` evaluations serve the whole matrix.
    for (let r = 0; r < size; r++) table[r] = dirichlet(r + f, size);
    for (let i = 0; i < n; i++) {
      const ki = k + i * os;
      if (ki + f < 0 || ki + f > size - 1) continue; // zero outside the PSF footprint
      const row = i * size;
      for (let c = 0; c < size; c++) m[row + c] = table[(((ki - c) % size) + size) % size];
    }
    return;
  }
  const w = table;
  const t0 = kernelWeights(kind, f, w);
  const taps = kind === 'bilinear' ? 2 : kind === 'bicubic' ? 4 : 6;
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < taps; a++) {
      const c = k + i * os + t0 + a;
      if (c >= 0 && c < size) m[i * size + c] = w[a];
    }
  }
}

/**
 * A PSF image used as the PRF: normalised to sum 1 (× oversampling²), its
 * centre at ((width − 1)/2, (height − 1)/2) in its own pixels (photutils'
 * ImagePSF convention), shifted to each position by separable interpolation
 * (see {@link PsfInterpolation}); zero outside its footprint.
 *
 * @example
 * const psf = imagePsf(psfPixels, 25, 25); // 25×25 PRF at image sampling, sinc-shifted
 */
export function imagePsf(data: ArrayLike<number>, width: number, height: number, opts: ImagePsfOptions = {}): PsfModel {
  const os = opts.oversampling ?? 1;
  const kind = opts.interpolation ?? 'sinc';
  if (!Number.isInteger(os) || os < 1) throw new AlertflowError('ERR_PHOTOMETRY', `PSF oversampling must be a positive integer (got ${os})`);
  if (!['sinc', 'lanczos3', 'bicubic', 'bilinear'].includes(kind)) throw new AlertflowError('ERR_PHOTOMETRY', `unknown PSF interpolation ${String(kind)}`);
  if (width * height !== data.length || width < 1 || height < 1) throw new AlertflowError('ERR_PHOTOMETRY', `PSF image has ${data.length} pixels, not ${width}×${height}`);
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new AlertflowError('ERR_PHOTOMETRY', 'PSF image has non-finite pixels', { index: i });
    sum += data[i];
  }
  if (!(sum > 0)) throw new AlertflowError('ERR_PHOTOMETRY', `PSF image must have a positive sum (got ${sum})`);
  const psf = new Float64Array(data.length);
  const norm = (os * os) / sum;
  for (let i = 0; i < data.length; i++) psf[i] = data[i] * norm;
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  // Scratch buffers, grown on demand and reused (render is called once per position).
  let wx = new Float64Array(0), wy = new Float64Array(0), horiz = new Float64Array(0);
  const table = new Float64Array(Math.max(width, height, 6));
  return {
    fwhm: momentFwhm(psf, width, height) / os,
    render(x, y, bx, by, nx, ny, out) {
      if (wx.length < nx * width) wx = new Float64Array(nx * width);
      if (wy.length < ny * height) wy = new Float64Array(ny * height);
      if (horiz.length < height * nx) horiz = new Float64Array(height * nx);
      // Box pixel i sits at PSF-grid coordinate (bx + i − x)·os + cx.
      axisWeights(kind, (bx - x) * os + cx, os, nx, width, wx, table);
      axisWeights(kind, (by - y) * os + cy, os, ny, height, wy, table);
      // Locals, not the reassignable closure variables, keep the loops below tight.
      const mx = wx, my = wy, h = horiz, p = psf;
      // Horizontal pass over every PSF row (rows no box pixel uses are skipped), then vertical.
      for (let r = 0; r < height; r++) {
        let used = false;
        for (let j = 0; j < ny && !used; j++) used = my[j * height + r] !== 0;
        const hrow = r * nx;
        if (!used) {
          h.fill(0, hrow, hrow + nx);
          continue;
        }
        const prow = r * width;
        for (let i = 0; i < nx; i++) {
          const wrow = i * width;
          let v = 0;
          for (let c = 0; c < width; c++) v += mx[wrow + c] * p[prow + c];
          h[hrow + i] = v;
        }
      }
      for (let j = 0; j < ny; j++) {
        const wrow = j * height;
        for (let i = 0; i < nx; i++) {
          let v = 0;
          for (let r = 0; r < height; r++) v += my[wrow + r] * h[r * nx + i];
          out[j * nx + i] = v;
        }
      }
    },
  };
}

/** FWHM of a PSF image from its second moments, as if it were Gaussian (sets the default fit box). */
function momentFwhm(psf: Float64Array, width: number, height: number): number {
  let s = 0, sx = 0, sy = 0;
  for (let j = 0; j < height; j++) for (let i = 0; i < width; i++) {
    const v = Math.max(0, psf[j * width + i]);
    s += v; sx += v * i; sy += v * j;
  }
  const mx = sx / s, my = sy / s;
  let m2 = 0;
  for (let j = 0; j < height; j++) for (let i = 0; i < width; i++) {
    const v = Math.max(0, psf[j * width + i]);
    m2 += v * ((i - mx) ** 2 + (j - my) ** 2);
  }
  // A pixelated Gaussian adds 1/12 pixel² of variance per axis.
  const sigma2 = Math.max(m2 / s / 2 - 1 / 12, 0.01);
  return FWHM_PER_SIGMA * Math.sqrt(sigma2);
}
