/**
 * The 8 neighbours of a HEALPix NESTED pixel, in healpy's order
 * (`get_all_neighbours(nest=True)`): SW, W, NW, N, NE, E, SE, S.
 *
 * In-face coordinates grow towards the north-east (x) and north-west (y), so the
 * directions are the offsets (−1,0), (−1,+1), (0,+1), (+1,+1), (+1,0), (+1,−1),
 * (0,−1), (−1,−1). A step that leaves the base face lands in the adjacent face;
 * which one, and how (x, y) turn, follows from the face layout: around each pole
 * four faces meet edge to edge (rotated a quarter turn each), the equatorial
 * faces touch polar ones without rotation. Where only three faces meet (the
 * north and south corners of equatorial faces, east and west corners of polar
 * faces) the pixel at the corner has 7 neighbours and the missing one is −1.
 */
import { MAX_NUMBER_ORDER, MAX_ORDER, checkOrder, nestToXyf, xyfToNest, xyfToNestBig } from './healpix-order.js';

/** Where a step off face `face` in region (dx, dy) ∈ {−1, 0, 1}² lands: [face, rotation] or null. */
type Hop = [number, 'shift' | 'cw' | 'ccw' | 'half'] | null;

function hop(face: number, dx: number, dy: number): Hop {
  const k = face & 3;
  const band = face >> 2; // 0 north, 1 equator, 2 south
  if (band === 1) {
    if (dx === 1 && dy === 0) return [k, 'shift']; // NE edge → north face k
    if (dx === 0 && dy === 1) return [(k + 3) & 3, 'shift']; // NW edge → north face k−1
    if (dx === 0 && dy === -1) return [8 + k, 'shift']; // SE edge → south face k
    if (dx === -1 && dy === 0) return [8 + ((k + 3) & 3), 'shift']; // SW edge → south face k−1
    if (dx === 1 && dy === -1) return [4 + ((k + 1) & 3), 'shift']; // E corner: four faces meet
    if (dx === -1 && dy === 1) return [4 + ((k + 3) & 3), 'shift']; // W corner
    return null; // N and S corners: three faces meet
  }
  if (band === 0) {
    if (dx === -1 && dy === 0) return [4 + k, 'shift'];
    if (dx === 0 && dy === -1) return [4 + ((k + 1) & 3), 'shift'];
    if (dx === 1 && dy === 0) return [(k + 1) & 3, 'cw'];
    if (dx === 0 && dy === 1) return [(k + 3) & 3, 'ccw'];
    if (dx === 1 && dy === 1) return [(k + 2) & 3, 'half']; // north pole
    if (dx === -1 && dy === -1) return [8 + k, 'shift'];
    return null;
  }
  if (dx === 1 && dy === 0) return [4 + ((k + 1) & 3), 'shift'];
  if (dx === 0 && dy === 1) return [4 + k, 'shift'];
  if (dx === -1 && dy === 0) return [8 + ((k + 3) & 3), 'cw'];
  if (dx === 0 && dy === -1) return [8 + ((k + 1) & 3), 'ccw'];
  if (dx === -1 && dy === -1) return [8 + ((k + 2) & 3), 'half']; // south pole
  if (dx === 1 && dy === 1) return [k, 'shift'];
  return null;
}

const OFFSETS: readonly [number, number][] = [
  [-1, 0],
  [-1, 1],
  [0, 1],
  [1, 1],
  [1, 0],
  [1, -1],
  [0, -1],
  [-1, -1],
];

/** Calls `emit(i, x, y, face)` for each direction i, or `emit(i, -1, -1, -1)` when absent. */
function walk(order: number, index: number | bigint, emit: (i: number, x: number, y: number, face: number) => void): void {
  const { x, y, face } = nestToXyf(order, index);
  const n = 2 ** order;
  OFFSETS.forEach(([ox, oy], i) => {
    let nx = x + ox;
    let ny = y + oy;
    const dx = nx < 0 ? -1 : nx >= n ? 1 : 0;
    const dy = ny < 0 ? -1 : ny >= n ? 1 : 0;
    if (dx === 0 && dy === 0) return emit(i, nx, ny, face);
    const h = hop(face, dx, dy);
    if (!h) return emit(i, -1, -1, -1);
    const [f, turn] = h;
    const north = (face >> 2) === 0;
    if (turn === 'shift') {
      nx -= dx * n;
      ny -= dy * n;
    } else if (turn === 'half') {
      nx = north ? 2 * n - 1 - nx : -1 - nx;
      ny = north ? 2 * n - 1 - ny : -1 - ny;
    } else if (north) {
      // Around the north pole: across the NE edge (x ≥ n) → (y, 2n−1−x); across NW → (2n−1−y, x).
      [nx, ny] = turn === 'cw' ? [ny, 2 * n - 1 - nx] : [2 * n - 1 - ny, nx];
    } else {
      // Around the south pole: across the SW edge (x < 0) → (y, −1−x); across SE → (−1−y, x).
      [nx, ny] = turn === 'cw' ? [ny, -1 - nx] : [-1 - ny, nx];
    }
    emit(i, nx, ny, f);
  });
}

/**
 * The 8 neighbours (SW, W, NW, N, NE, E, SE, S) of pixel `index` at `order` ≤ 24;
 * −1 where the pixel has only 7.
 *
 * @example
 * neighbours(0, 4) // [11, 7, 3, -1, 0, 5, 8, -1]
 */
export function neighbours(order: number, index: number): number[] {
  checkOrder(order, MAX_NUMBER_ORDER);
  const out = new Array<number>(8);
  walk(order, index, (i, x, y, f) => {
    out[i] = f < 0 ? -1 : xyfToNest(order, x, y, f);
  });
  return out;
}

/**
 * bigint form of {@link neighbours} for any order ≤ 29; −1n where absent.
 *
 * @example
 * neighboursBig(29, 0n) // [ …8 bigint indices or -1n ]
 */
export function neighboursBig(order: number, index: bigint): bigint[] {
  checkOrder(order, MAX_ORDER);
  const out = new Array<bigint>(8);
  walk(order, index, (i, x, y, f) => {
    out[i] = f < 0 ? -1n : xyfToNestBig(order, x, y, f);
  });
  return out;
}
