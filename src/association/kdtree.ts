/**
 * A static 3-d tree over unit vectors on the celestial sphere. Working in
 * Cartesian coordinates means RA wrap-around and the poles need no special
 * cases; queries compare squared chord lengths, so the inner loop has no
 * trigonometry. Built once (O(n log n), median splits on the widest axis of each node's box);
 * the store puts later insertions in a small overlay and rebuilds now and then.
 */
import { radecToVector } from '../sky/vector.js';

/** Ranges at most this long are scanned linearly instead of split further. */
const LEAF = 8;

/**
 * @example
 * const tree = SkyKdTree.fromRaDec([10, 359.9999], [0, 0]);
 * tree.withinRaDec(0, 0, 1) // [1]: only the second point is within 1 degree of (0, 0)
 */
export class SkyKdTree {
  /** Number of points. */
  readonly size: number;
  // Coordinates in tree order; `order[i]` is the caller's index of tree slot i.
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private readonly zs: Float64Array;
  private readonly order: Int32Array;
  private readonly axis: Uint8Array;

  private constructor(xs: Float64Array, ys: Float64Array, zs: Float64Array, order: Int32Array, axis: Uint8Array) {
    this.size = order.length;
    this.xs = xs;
    this.ys = ys;
    this.zs = zs;
    this.order = order;
    this.axis = axis;
  }

  /**
   * Builds a tree over positions in degrees; index i of the inputs is what queries report.
   *
   * @example
   * const tree = SkyKdTree.fromRaDec(new Float64Array([0, 90]), new Float64Array([0, 0]));
   */
  static fromRaDec(ra: ArrayLike<number>, dec: ArrayLike<number>): SkyKdTree {
    const n = ra.length;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = radecToVector(ra[i], dec[i]);
      x[i] = v[0];
      y[i] = v[1];
      z[i] = v[2];
    }
    return SkyKdTree.fromVectors(x, y, z);
  }

  /**
   * Builds a tree over unit vectors given as three coordinate arrays (not modified).
   *
   * @example
   * const tree = SkyKdTree.fromVectors(new Float64Array([1]), new Float64Array([0]), new Float64Array([0]));
   */
  static fromVectors(x: Float64Array, y: Float64Array, z: Float64Array): SkyKdTree {
    const n = x.length;
    // Copies are permuted in place, so every pass reads memory sequentially (no index indirection).
    const cols: [Float64Array, Float64Array, Float64Array] = [Float64Array.from(x), Float64Array.from(y), Float64Array.from(z)];
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const axis = new Uint8Array(n);
    // Each pending range carries a bounding box: the root's is measured, a child's is its
    // parent's cut at the split value, so choosing the widest axis costs O(1) per node.
    const root = [0, 1, 2].flatMap((a) => bounds(cols[a], 0, n));
    const stack: number[] = [0, n, ...root];
    while (stack.length > 0) {
      const box = stack.splice(stack.length - 6, 6);
      const hi = stack.pop()!;
      const lo = stack.pop()!;
      if (hi - lo <= LEAF) continue;
      let a = 0;
      for (let k = 1; k < 3; k++) if (box[2 * k + 1] - box[2 * k] > box[2 * a + 1] - box[2 * a]) a = k;
      const mid = (lo + hi) >> 1;
      select(cols, a, order, lo, hi - 1, mid);
      axis[mid] = a;
      const split = cols[a][mid];
      const left = [...box];
      left[2 * a + 1] = split;
      const right = [...box];
      right[2 * a] = split;
      stack.push(lo, mid, ...left, mid + 1, hi, ...right);
    }
    return new SkyKdTree(cols[0], cols[1], cols[2], order, axis);
  }

  /**
   * Calls `visit(index, chord2)` for every point whose squared chord distance
   * to the unit vector (qx, qy, qz) is at most `maxChord2`, in no particular order.
   *
   * @example
   * tree.forEachWithin(1, 0, 0, chord2ForAngleDeg(1 / 3600), (i, c2) => hits.push(i));
   */
  forEachWithin(qx: number, qy: number, qz: number, maxChord2: number, visit: (index: number, chord2: number) => void): void {
    if (this.size === 0) return;
    const r = Math.sqrt(maxChord2);
    const { xs, ys, zs, order, axis } = this;
    // Depth is ~log2(n / LEAF); each level leaves at most one pending range.
    const los: number[] = [0];
    const his: number[] = [this.size];
    while (los.length > 0) {
      const lo = los.pop()!;
      const hi = his.pop()!;
      if (hi - lo <= LEAF) {
        for (let i = lo; i < hi; i++) {
          const dx = xs[i] - qx;
          const dy = ys[i] - qy;
          const dz = zs[i] - qz;
          const d2 = dx * dx + dy * dy + dz * dz;
          if (d2 <= maxChord2) visit(order[i], d2);
        }
        continue;
      }
      const mid = (lo + hi) >> 1;
      const dx = xs[mid] - qx;
      const dy = ys[mid] - qy;
      const dz = zs[mid] - qz;
      const d2 = dx * dx + dy * dy + dz * dz;
      if (d2 <= maxChord2) visit(order[mid], d2);
      const a = axis[mid];
      // Signed distance from the query to the splitting plane (left side holds coordinates <= split).
      const d = a === 0 ? qx - xs[mid] : a === 1 ? qy - ys[mid] : qz - zs[mid];
      if (d <= r) {
        los.push(lo);
        his.push(mid);
      }
      if (d >= -r) {
        los.push(mid + 1);
        his.push(hi);
      }
    }
  }

  /**
   * Indices of the points within `radiusDeg` of (ra, dec), by chord distance; unsorted.
   *
   * @example
   * tree.withinRaDec(0, 90, 1 / 3600) // points within 1 arcsec of the north pole
   */
  withinRaDec(ra: number, dec: number, radiusDeg: number): number[] {
    const [qx, qy, qz] = radecToVector(ra, dec);
    const s = Math.sin((Math.min(radiusDeg, 180) * Math.PI) / 360);
    const out: number[] = [];
    this.forEachWithin(qx, qy, qz, 4 * s * s, (i) => out.push(i));
    return out;
  }
}

function bounds(c: Float64Array, lo: number, hi: number): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = lo; i < hi; i++) {
    const v = c[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/**
 * Quickselect (Hoare partition, median-of-three pivot) on column `a`: puts the
 * k-th smallest of [lo, hi] at k, moving the other columns and `order` along.
 */
function select(cols: [Float64Array, Float64Array, Float64Array], a: number, order: Int32Array, lo: number, hi: number, k: number): void {
  const c = cols[a];
  const [x, y, z] = cols;
  const swap = (i: number, j: number): void => {
    let t = x[i];
    x[i] = x[j];
    x[j] = t;
    t = y[i];
    y[i] = y[j];
    y[j] = t;
    t = z[i];
    z[i] = z[j];
    z[j] = t;
    const o = order[i];
    order[i] = order[j];
    order[j] = o;
  };
  while (hi > lo) {
    const m = (lo + hi) >> 1;
    // Median of three as the pivot, which keeps sorted or clustered input from going quadratic.
    const p = c[lo];
    const q = c[m];
    const r = c[hi];
    const pivot = p < q ? (q < r ? q : p < r ? r : p) : p < r ? p : q < r ? r : q;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (c[i] < pivot) i++;
      while (c[j] > pivot) j--;
      if (i <= j) {
        swap(i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}
