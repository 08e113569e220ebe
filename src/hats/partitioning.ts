/**
 * Threshold partitioning (HATS spec §5.1) and incremental alignment (§5.2):
 * from a histogram of row counts at a mapping order M, choose a set of
 * non-overlapping HEALPix cells (orders ≤ M) that covers every non-empty
 * order-M cell, each holding at most `maxRows` rows where possible.
 *
 * The histogram is a sorted array of cells. NESTED numbering makes the
 * descendants of any coarser cell a contiguous run of it, so a cell's total is
 * a prefix-sum difference and the walk only visits the cells it decides on —
 * millions of order-10 cells cost one pass, not a tree of maps.
 */
import { AlertflowError } from '../errors.js';
import { compareBreadthFirst, type HatsPixel } from './pixel.js';

/** Deepest mapping order we accept (pixel indices stay exact doubles). */
export const MAX_MAPPING_ORDER = 20;

/**
 * Row counts per cell at one order, sorted by cell, cells unique, counts > 0.
 *
 * @example
 * const h: Histogram = { order: 0, cells: Float64Array.of(4, 11), counts: Float64Array.of(10, 20) };
 */
export interface Histogram {
  order: number;
  cells: Float64Array;
  counts: Float64Array;
}

/**
 * How cells are grouped:
 * - `top-down` (our default; lsdb `from_dataframe`'s, and what produced the
 *   hats fixture `small_sky_source`): the coarsest cell within the threshold wins;
 * - `drop-empty-siblings` (current hats-import's default): a cell becomes a
 *   partition when it is within the threshold and more than one of its
 *   children holds rows (coarsest such cell wins), so isolated data stays in
 *   small pixels.
 *
 * @example
 * const s: PartitionStrategy = 'top-down';
 */
export type PartitionStrategy = 'drop-empty-siblings' | 'top-down';

/**
 * Inputs of {@link choosePartitions} besides the histogram.
 *
 * @example
 * const o: PartitionOptions = { maxRows: 3000 };
 */
export interface PartitionOptions {
  /** Row threshold per partition (hats `pixel_threshold`). */
  maxRows: number;
  /** Coarsest order a partition may have (default 0). */
  lowestOrder?: number;
  strategy?: PartitionStrategy;
  /**
   * Partitions that already exist (incremental alignment): rows inside them go
   * to them, new cells never overlap them. Orders must be ≤ the histogram's.
   */
  existing?: readonly HatsPixel[];
}

/**
 * The partitions that receive rows of this histogram.
 *
 * @example
 * const { pixels, counts, created } = choosePartitions(hist, { maxRows: 3000 });
 */
export interface PartitionPlan {
  /** Partitions receiving rows (touched existing ones and new ones), breadth-first. */
  pixels: HatsPixel[];
  /** Rows of this histogram per entry of `pixels`. */
  counts: number[];
  /** Entries of `pixels` that did not exist before. */
  created: HatsPixel[];
}

/**
 * Chooses partitions for a histogram.
 *
 * @example
 * choosePartitions({ order: 6, cells: Float64Array.of(16384, 16385), counts: Float64Array.of(5, 5) }, { maxRows: 100 }).pixels
 * // [{ order: 0, pixel: 4 }]
 */
export function choosePartitions(h: Histogram, o: PartitionOptions): PartitionPlan {
  const M = h.order;
  const lowest = o.lowestOrder ?? 0;
  if (!Number.isInteger(M) || M < 0 || M > MAX_MAPPING_ORDER) throw new AlertflowError('ERR_HATS', `mapping order must be 0..${MAX_MAPPING_ORDER} (got ${M})`);
  if (!Number.isInteger(lowest) || lowest < 0 || lowest > M) throw new AlertflowError('ERR_HATS', `lowest order must be 0..${M} (got ${lowest})`);
  if (!(o.maxRows >= 1)) throw new AlertflowError('ERR_HATS', `max rows must be ≥ 1 (got ${o.maxRows})`);
  const existing = [...(o.existing ?? [])].sort(compareBreadthFirst);
  for (const e of existing) if (e.order > M) throw new AlertflowError('ERR_HATS', `existing partition order ${e.order} is deeper than the mapping order ${M}`);
  const exLo = existing.map((e) => e.pixel * 4 ** (M - e.order));
  const exHi = existing.map((e, i) => exLo[i]! + 4 ** (M - e.order));

  // Split the histogram: cells inside an existing partition go there, the rest is partitioned anew.
  const touched: { p: HatsPixel; n: number }[] = [];
  let freshCells = h.cells;
  let freshCounts = h.counts;
  if (existing.length) {
    freshCells = new Float64Array(h.cells.length);
    freshCounts = new Float64Array(h.cells.length);
    let k = 0;
    let j = 0;
    for (let i = 0; i < h.cells.length; i++) {
      const cell = h.cells[i]!;
      while (j < exLo.length && exHi[j]! <= cell) j++;
      if (j < exLo.length && exLo[j]! <= cell) {
        const last = touched[touched.length - 1];
        if (last && last.p === existing[j]) last.n += h.counts[i]!;
        else touched.push({ p: existing[j]!, n: h.counts[i]! });
      } else {
        freshCells[k] = cell;
        freshCounts[k++] = h.counts[i]!;
      }
    }
    freshCells = freshCells.subarray(0, k);
    freshCounts = freshCounts.subarray(0, k);
  }

  const walk = new Walk(freshCells, freshCounts, M, exLo, exHi);
  const made: { p: HatsPixel; n: number }[] = [];
  const topDown = (o.strategy ?? 'top-down') === 'top-down';
  const visit = (order: number, cell: number): void => {
    const n = walk.total(order, cell);
    if (n === 0) return;
    const ok = order === M || (n <= o.maxRows && !walk.overlapsExisting(order, cell) && (topDown || walk.nonEmptyChildren(order, cell) > 1));
    if (ok) {
      made.push({ p: { order, pixel: cell }, n });
      return;
    }
    for (let c = 0; c < 4; c++) visit(order + 1, 4 * cell + c);
  };
  // Cells are sorted, so their ancestors at the lowest order come in order too.
  const f = 4 ** (M - lowest);
  let last = -1;
  for (let i = 0; i < freshCells.length; i++) {
    const start = Math.floor(freshCells[i]! / f);
    if (start !== last) visit(lowest, start);
    last = start;
  }

  const all = [...touched, ...made].sort((a, b) => compareBreadthFirst(a.p, b.p));
  const createdSet = new Set(made.map((m) => m.p));
  return { pixels: all.map((a) => a.p), counts: all.map((a) => a.n), created: all.filter((a) => createdSet.has(a.p)).map((a) => a.p) };
}

/** Range queries over the sorted order-M cells. */
class Walk {
  private readonly prefix: Float64Array;

  constructor(
    private readonly cells: Float64Array,
    counts: Float64Array,
    private readonly M: number,
    private readonly exLo: number[],
    private readonly exHi: number[],
  ) {
    this.prefix = new Float64Array(cells.length + 1);
    for (let i = 0; i < cells.length; i++) this.prefix[i + 1] = this.prefix[i]! + counts[i]!;
  }

  /** First index with cells[i] ≥ x. */
  private lowerBound(x: number): number {
    let a = 0;
    let b = this.cells.length;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (this.cells[m]! < x) a = m + 1;
      else b = m;
    }
    return a;
  }

  private range(order: number, cell: number): [number, number] {
    const f = 4 ** (this.M - order);
    return [cell * f, (cell + 1) * f];
  }

  total(order: number, cell: number): number {
    const [lo, hi] = this.range(order, cell);
    return this.prefix[this.lowerBound(hi)]! - this.prefix[this.lowerBound(lo)]!;
  }

  nonEmptyChildren(order: number, cell: number): number {
    let k = 0;
    for (let c = 0; c < 4; c++) if (this.total(order + 1, 4 * cell + c) > 0) k++;
    return k;
  }

  overlapsExisting(order: number, cell: number): boolean {
    const [lo, hi] = this.range(order, cell);
    // Existing intervals are sorted and disjoint: find the last one starting before hi.
    let a = 0;
    let b = this.exLo.length - 1;
    let best = -1;
    while (a <= b) {
      const m = (a + b) >> 1;
      if (this.exLo[m]! < hi) {
        best = m;
        a = m + 1;
      } else b = m - 1;
    }
    return best >= 0 && this.exHi[best]! > lo;
  }
}
