/**
 * Display stretches for stamps: IRAF's zscale limits with a linear ramp, and
 * an asinh stretch on min–max normalised data, both to 8-bit grey levels.
 */

/**
 * Parameters of {@link zscaleLimits} (IRAF defaults).
 *
 * @example
 * zscaleLimits(values, { contrast: 0.1 })
 */
export interface ZscaleOptions {
  /** Sample size (default 1000). */
  nsamples?: number;
  /** Contrast: the fitted slope is divided by it (default 0.25). */
  contrast?: number;
  /** Largest fraction of the sample that may be rejected before giving up (default 0.5). */
  maxReject?: number;
  /** Fewest pixels the fit may keep (default 5). */
  minPixels?: number;
  /** Rejection threshold in standard deviations (default 2.5). */
  krej?: number;
  /** Fit iterations (default 5). */
  maxIterations?: number;
  /**
   * Where the limits sit about the median: 'iraf' (default) as IRAF places
   * them, median − (c − 1)·slope and median + (n − c)·slope with the 1-based
   * centre c = ⌊(n + 1)/2⌋; 'astropy' as astropy's ZScaleInterval does, one
   * sample step higher.
   */
  centre?: 'iraf' | 'astropy';
}

/** Finite values taken at a regular stride, at most n of them. */
function sample(values: ArrayLike<number>, n: number): Float64Array {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) finite.push(values[i]!);
  const stride = Math.max(1, Math.floor(finite.length / n));
  const out: number[] = [];
  for (let i = 0; i < finite.length && out.length < n; i += stride) out.push(finite[i]!);
  return Float64Array.from(out).sort();
}

/**
 * IRAF zscale display limits [z1, z2]: sample the finite pixels, sort them,
 * fit a line to value against rank with iterative k-sigma rejection (rejected
 * points grown by 1% of the sample), then stretch the fitted slope by
 * 1/contrast around the median. Too many rejections fall back to the sample's
 * full range. All-NaN input gives [0, 0].
 *
 * @example
 * const [z1, z2] = zscaleLimits(stamp.data);
 */
export function zscaleLimits(values: ArrayLike<number>, opts: ZscaleOptions = {}): [number, number] {
  const s = sample(values, opts.nsamples ?? 1000);
  const n = s.length;
  if (n === 0) return [0, 0];
  const zmin = s[0]!, zmax = s[n - 1]!;
  const c = Math.floor((n - 1) / 2);
  const median = n % 2 === 1 ? s[c]! : (s[c]! + s[c + 1]!) / 2;
  const minPix = Math.max(opts.minPixels ?? 5, Math.floor(n * (opts.maxReject ?? 0.5)));
  // Rejected points spread over a window of 1% of the sample (centred), since their neighbours in rank are suspect too.
  const grow = Math.max(1, Math.floor(n * 0.01));
  const before = Math.floor((grow - 1) / 2), after = grow - 1 - before;
  const krej = opts.krej ?? 2.5;
  let good = new Uint8Array(n).fill(1);
  let ngood = n;
  let last = n + 1;
  let slope = 0;
  for (let it = 0; it < (opts.maxIterations ?? 5) && ngood < last && ngood >= minPix; it++) {
    // Least squares of s[i] against rank i over the good points.
    let sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (let i = 0; i < n; i++) if (good[i]) { sx += i; sy += s[i]!; sxx += i * i; sxy += i * s[i]!; }
    const den = ngood * sxx - sx * sx;
    slope = den === 0 ? 0 : (ngood * sxy - sx * sy) / den;
    const icept = (sy - slope * sx) / ngood;
    let sum = 0, ss = 0;
    for (let i = 0; i < n; i++) if (good[i]) sum += s[i]! - (icept + slope * i);
    const mean = sum / ngood;
    for (let i = 0; i < n; i++) if (good[i]) ss += (s[i]! - (icept + slope * i) - mean) ** 2;
    const limit = krej * Math.sqrt(ss / ngood);
    const next = new Uint8Array(n).fill(1);
    for (let i = 0; i < n; i++) {
      if (good[i] && Math.abs(s[i]! - (icept + slope * i)) <= limit) continue;
      for (let j = Math.max(0, i - before); j <= Math.min(n - 1, i + after); j++) next[j] = 0;
    }
    good = next;
    last = ngood;
    ngood = good.reduce((a, g) => a + g, 0);
  }
  if (ngood < minPix) return [zmin, zmax];
  const contrast = opts.contrast ?? 0.25;
  if (contrast > 0) slope /= contrast;
  const lo = opts.centre === 'astropy' ? c - 1 : c;
  return [Math.max(zmin, median - lo * slope), Math.min(zmax, median + (n - lo - 1) * slope)];
}

/**
 * Finite min and max, or [0, 0] when there is no finite value.
 *
 * @example
 * minMax([3, NaN, -1]) // [-1, 3]
 */
export function minMax(values: ArrayLike<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

/**
 * A display stretch.
 *
 * @example
 * const s: StretchName = 'zscale';
 */
export type StretchName = 'zscale' | 'asinh';

/**
 * Maps values to [0, 1]: 'zscale' is linear between the zscale limits,
 * 'asinh' is asinh(x/a)/asinh(1/a) (a = 0.1) of the min–max normalised value.
 * Values are clipped to [0, 1]; NaN stays NaN.
 *
 * @example
 * const unit = stretchValues(stamp.data, 'asinh');
 */
export function stretchValues(values: ArrayLike<number>, stretch: StretchName, a = 0.1): Float64Array {
  const [lo, hi] = stretch === 'zscale' ? zscaleLimits(values) : minMax(values);
  const span = hi - lo;
  const out = new Float64Array(values.length);
  const norm = Math.asinh(1 / a);
  for (let i = 0; i < out.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) { out[i] = NaN; continue; }
    let x = span > 0 ? (v - lo) / span : 0;
    x = x < 0 ? 0 : x > 1 ? 1 : x;
    out[i] = stretch === 'asinh' ? Math.asinh(x / a) / norm : x;
  }
  return out;
}

/**
 * 8-bit grey levels of a stretched stamp, top row first (the image's last
 * row, so north-up stamps show north up, as with origin='lower'); NaN is black.
 *
 * @example
 * const grey = toGray8(stamp.data, stamp.width, stamp.height, 'zscale'); // Uint8Array(width*height)
 */
export function toGray8(values: ArrayLike<number>, width: number, height: number, stretch: StretchName): Uint8Array {
  const unit = stretchValues(values, stretch);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = (height - 1 - y) * width;
    for (let x = 0; x < width; x++) {
      const v = unit[y * width + x]!;
      out[row + x] = Number.isNaN(v) ? 0 : Math.round(v * 255);
    }
  }
  return out;
}
