/**
 * A growable hash grid over unit vectors: cubes of side `cell` in 3-d space,
 * so RA wrap and the poles need no special handling. The in-memory store uses
 * it as a small overlay (objects created or moved since the k-d tree was
 * last built), where cheap insert and remove matter more than build speed.
 */
import type { Vec3 } from '../sky/vector.js';

// Cell coordinates are offset into [0, SPAN) so a key is a small exact integer.
const SPAN = 1 << 17;
const HALF = SPAN / 2;

interface Entry<K> {
  key: K;
  x: number;
  y: number;
  z: number;
}

/**
 * @example
 * const grid = new SkyHashGrid<bigint>();
 * grid.insert(1n, radecToVector(10, 20));
 * grid.forEachWithin(radecToVector(10, 20), chord2ForAngleDeg(1 / 3600), (k) => console.log(k));
 */
export class SkyHashGrid<K> {
  private readonly cells = new Map<number, Entry<K>[]>();
  private readonly cell: number;
  private count = 0;

  /** `cell` is the cube side in chord units (default 1e-4, about 20 arcsec; at least 2^-15). */
  constructor(cell = 1e-4) {
    if (!(cell >= 4 / SPAN)) throw new RangeError(`cell must be at least ${4 / SPAN}`);
    this.cell = cell;
  }

  get size(): number {
    return this.count;
  }

  /**
   * Adds an entry at unit vector `v` (duplicates are the caller's business).
   *
   * @example
   * grid.insert(42n, [1, 0, 0]);
   */
  insert(key: K, v: Vec3): void {
    const k = this.keyOf(v);
    let list = this.cells.get(k);
    if (!list) this.cells.set(k, (list = []));
    list.push({ key, x: v[0], y: v[1], z: v[2] });
    this.count++;
  }

  /**
   * Removes the entry with `key` inserted at `v`; false if it is not there.
   *
   * @example
   * grid.remove(42n, [1, 0, 0]) // true
   */
  remove(key: K, v: Vec3): boolean {
    const k = this.keyOf(v);
    const list = this.cells.get(k);
    if (!list) return false;
    const i = list.findIndex((e) => e.key === key);
    if (i < 0) return false;
    list.splice(i, 1);
    if (list.length === 0) this.cells.delete(k);
    this.count--;
    return true;
  }

  /**
   * Calls `visit(key, chord2)` for entries within squared chord `maxChord2` of `q`.
   *
   * @example
   * grid.forEachWithin([1, 0, 0], 1e-10, (key) => keys.push(key));
   */
  forEachWithin(q: Vec3, maxChord2: number, visit: (key: K, chord2: number) => void): void {
    const r = Math.sqrt(maxChord2);
    const h = this.cell;
    // Clamped to the cube around the sphere so wide queries keep exact keys.
    const lo = [0, 1, 2].map((a) => Math.floor(Math.max(-1, q[a] - r) / h));
    const hi = [0, 1, 2].map((a) => Math.floor(Math.min(1, q[a] + r) / h));
    const cellsToScan = (hi[0] - lo[0] + 1) * (hi[1] - lo[1] + 1) * (hi[2] - lo[2] + 1);
    // A wide query over a sparse overlay is cheaper as one pass over every cell.
    if (cellsToScan > this.cells.size) {
      for (const list of this.cells.values()) scan(list, q, maxChord2, visit);
      return;
    }
    for (let i = lo[0]; i <= hi[0]; i++)
      for (let j = lo[1]; j <= hi[1]; j++)
        for (let k = lo[2]; k <= hi[2]; k++) {
          const list = this.cells.get(cellKey(i, j, k));
          if (list) scan(list, q, maxChord2, visit);
        }
  }

  private keyOf(v: Vec3): number {
    const h = this.cell;
    return cellKey(Math.floor(v[0] / h), Math.floor(v[1] / h), Math.floor(v[2] / h));
  }
}

function cellKey(i: number, j: number, k: number): number {
  // |i|, |j|, |k| < SPAN / 2 (coordinates lie in [-1, 1] and cell > 2 / SPAN), and SPAN^3 = 2^51,
  // so the key is an exact integer.
  return ((i + HALF) * SPAN + (j + HALF)) * SPAN + (k + HALF);
}

function scan<K>(list: Entry<K>[], q: Vec3, maxChord2: number, visit: (key: K, chord2: number) => void): void {
  for (const e of list) {
    const dx = e.x - q[0];
    const dy = e.y - q[1];
    const dz = e.z - q[2];
    const d2 = dx * dx + dy * dy + dz * dz;
    if (d2 <= maxChord2) visit(e.key, d2);
  }
}
