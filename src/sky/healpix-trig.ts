/**
 * Correctly rounded sine and cosine for arguments in [−2π, 2π].
 *
 * Why: V8's `Math.sin`/`Math.cos` (fdlibm) and glibc's libm — which healpy and
 * cdshealpix call — disagree in the last bit for a few percent of arguments.
 * A one-ulp difference is harmless for a random position but decides the cell
 * of a position lying exactly on a HEALPix pixel edge. glibc's results are
 * correctly rounded for practically every argument, so computing in
 * double-double (~106 bits) and rounding once reproduces them. These are ~30×
 * slower than `Math.sin`, so the pixel code calls them only for the rare
 * positions whose cell depends on the last bit.
 */

/** π/2 split in three doubles (sum accurate to ~160 bits). */
const PIO2_1 = 1.5707963267948966;
const PIO2_2 = 6.123233995736766e-17;
const PIO2_3 = -1.4973849048591698e-33;
const SPLIT = 134217729; // 2^27 + 1, Dekker's splitter

// Scratch outputs of the double-double helpers (avoid allocating pairs).
let H = 0;
let L = 0;

/** Exact a·b as H + L (Dekker). */
function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  H = p;
  L = ah * bh - p + ah * bl + al * bh + al * bl;
}

/** Double-double sum (ah+al) + (bh+bl) into H + L. */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  const s = ah + bh;
  const bb = s - ah;
  const e = ah - (s - bb) + (bh - bb) + al + bl;
  H = s + e;
  L = e - (H - s);
}

/** Double-double product (ah+al)·(bh+bl) into H + L. */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  const p = H;
  const e = L + (ah * bl + al * bh);
  H = p + e;
  L = e - (H - p);
}

/** 1/n! for n = 0..31 as double-double pairs, built once by exact-enough division. */
const INV_FACT: Float64Array = (() => {
  const out = new Float64Array(64);
  let h = 1;
  let l = 0;
  out[0] = 1;
  for (let n = 1; n < 32; n++) {
    // (h + l) / n in double-double: q = h/n, remainder corrected with twoProd.
    const q = h / n;
    twoProd(q, n);
    const r = h - H - L + l;
    const q2 = r / n;
    h = q + q2;
    l = q2 - (h - q);
    out[2 * n] = h;
    out[2 * n + 1] = l;
  }
  return out;
})();

/** sin (odd = 1) or cos (odd = 0) series of the reduced argument H + L, into H + L. */
function series(rh: number, rl: number, odd: number): void {
  ddMul(rh, rl, rh, rl);
  const x2h = H;
  const x2l = L;
  // Horner over the alternating series, highest term first.
  const top = odd ? 29 : 30;
  let sh = INV_FACT[2 * top]!;
  let sl = INV_FACT[2 * top + 1]!;
  for (let n = top - 2; n >= odd; n -= 2) {
    ddMul(sh, sl, x2h, x2l);
    ddAdd(INV_FACT[2 * n]!, INV_FACT[2 * n + 1]!, -H, -L);
    sh = H;
    sl = L;
  }
  if (odd) ddMul(sh, sl, rh, rl);
  else {
    H = sh;
    L = sl;
  }
}

function sinCos(x: number, wantCos: boolean): number {
  if (x === 0) return wantCos ? 1 : x;
  let k = reduceFull(x);
  const rh = H;
  const rl = L;
  if (wantCos) k += 1; // cos x = sin(x + π/2)
  const q = ((k % 4) + 4) % 4;
  series(rh, rl, q & 1 ? 0 : 1);
  const v = H + L;
  return q >= 2 ? -v : v;
}

/** Full reduction x − k·π/2 into H + L using all three parts of π/2. */
function reduceFull(x: number): number {
  const k = Math.round(x / PIO2_1);
  if (k === 0) {
    H = x;
    L = 0;
    return 0;
  }
  twoProd(k, PIO2_1);
  const ph = H;
  const pl = L;
  twoProd(k, PIO2_2);
  const qh = H;
  const ql = L + k * PIO2_3;
  // x − (ph + pl) − (qh + ql), each step in double-double.
  ddAdd(x, 0, -ph, -pl);
  ddAdd(H, L, -qh, -ql);
  return k;
}

/**
 * sin x, correctly rounded (|x| ≤ 2π; larger arguments lose accuracy).
 *
 * @example
 * crSin(Math.PI / 6) // 0.49999999999999994, as glibc's sin gives
 */
export function crSin(x: number): number {
  return sinCos(x, false);
}

/**
 * cos x, correctly rounded (|x| ≤ 2π; larger arguments lose accuracy).
 *
 * @example
 * crCos(Math.PI / 3) // 0.5000000000000001, as glibc's cos gives
 */
export function crCos(x: number): number {
  return sinCos(x, true);
}
