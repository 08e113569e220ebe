/**
 * Moves the byte arrays of a worker's results back to the main thread
 * without copying them twice. Structured clone copies the whole
 * ArrayBuffer behind every view, so three cutouts that are views into one
 * 77 KiB packet would cross as three 77 KiB copies; here every view found
 * in the outputs is packed into one fresh ArrayBuffer, which is then
 * transferred (handed over, not copied).
 */
import { types } from 'node:util';

type View = ArrayBufferView & { constructor: { BYTES_PER_ELEMENT?: number } };

interface Slot {
  holder: Record<string | number, unknown>;
  key: string | number;
  view: View;
}

/** Deepest nesting searched for views: outputs are records of records, not trees. */
const MAX_DEPTH = 8;

function collect(value: unknown, holder: Record<string | number, unknown>, key: string | number, depth: number, out: Slot[]): void {
  if (value === null || typeof value !== 'object') return;
  if (types.isArrayBufferView(value)) {
    if (!(value.buffer instanceof SharedArrayBuffer) && !(value instanceof DataView)) out.push({ holder, key, view: value as View });
    return;
  }
  if (depth >= MAX_DEPTH || value instanceof Map || value instanceof Set || value instanceof Date) return;
  if (Array.isArray(value)) {
    // Arrays of numbers or strings hold no views: skip them without a walk.
    if (value.length === 0 || (value[0] !== null && typeof value[0] !== 'object')) return;
    for (let i = 0; i < value.length; i++) collect(value[i], value as unknown as Record<number, unknown>, i, depth + 1, out);
    return;
  }
  const obj = value as Record<string, unknown>;
  for (const k in obj) collect(obj[k], obj, k, depth + 1, out);
}

/**
 * Repacks every byte view inside `values` (in place) into one new
 * ArrayBuffer and returns it for the transfer list, or undefined when
 * there is nothing to move. Views keep their type (a Buffer stays a
 * Buffer, a Float32Array a Float32Array) and their contents.
 *
 * @example
 * const buffer = packViews(outputs);
 * return buffer ? Piscina.move(movable(result, [buffer])) : result;
 */
export function packViews(values: unknown[]): ArrayBuffer | undefined {
  const slots: Slot[] = [];
  for (let i = 0; i < values.length; i++) collect(values[i], values as unknown as Record<number, unknown>, i, 0, slots);
  if (slots.length === 0) return undefined;
  let total = 0;
  for (const s of slots) total = align(total, s.view) + s.view.byteLength;
  const packed = new ArrayBuffer(total);
  const bytes = new Uint8Array(packed);
  let at = 0;
  for (const s of slots) {
    at = align(at, s.view);
    const { view } = s;
    bytes.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), at);
    s.holder[s.key] = rebuild(view, packed, at);
    at += view.byteLength;
  }
  return packed;
}

/** Typed arrays need offsets that are multiples of their element size. */
function align(at: number, view: View): number {
  const size = view.constructor.BYTES_PER_ELEMENT ?? 1;
  return Math.ceil(at / size) * size;
}

function rebuild(view: View, buffer: ArrayBuffer, offset: number): ArrayBufferView {
  if (Buffer.isBuffer(view)) return Buffer.from(buffer, offset, view.byteLength);
  const Ctor = view.constructor as unknown as new (b: ArrayBuffer, o: number, n: number) => ArrayBufferView;
  return new Ctor(buffer, offset, view.byteLength / (view.constructor.BYTES_PER_ELEMENT ?? 1));
}
