/**
 * Moves the byte arrays of a worker's results back to the main thread
 * without copying them twice. Structured clone copies the whole
 * ArrayBuffer behind every view, so three cutouts that are views into one
 * 77 KiB packet would cross as three 77 KiB copies; here every view found
 * in the outputs is packed into one fresh ArrayBuffer, which is then
 * transferred (handed over, not copied).
 */
import { types } from 'node:util';
import type { SpareBuffers } from '../../io/spare-buffers.js';

type View = ArrayBufferView & { constructor: { BYTES_PER_ELEMENT?: number } };

interface Slot {
  holder: Record<string | number, unknown>;
  key: string | number;
  view: View;
}

/** Deepest nesting searched for views: outputs are records of records, not trees. */
const MAX_DEPTH = 8;

function collect(value: unknown, holder: Record<string | number, unknown>, key: string | number, depth: number, out: Slot[], keep?: ReadonlySet<ArrayBufferLike>): void {
  if (value === null || typeof value !== 'object') return;
  if (types.isArrayBufferView(value)) {
    if (!(value.buffer instanceof SharedArrayBuffer) && !(value instanceof DataView) && !keep?.has(value.buffer)) out.push({ holder, key, view: value as View });
    return;
  }
  if (depth >= MAX_DEPTH || value instanceof Map || value instanceof Set || value instanceof Date) return;
  if (Array.isArray(value)) {
    // Arrays of numbers or strings hold no views: skip them without a walk.
    if (value.length === 0 || (value[0] !== null && typeof value[0] !== 'object')) return;
    for (let i = 0; i < value.length; i++) collect(value[i], value as unknown as Record<number, unknown>, i, depth + 1, out, keep);
    return;
  }
  const obj = value as Record<string, unknown>;
  for (const k in obj) collect(obj[k], obj, k, depth + 1, out, keep);
}

/**
 * Repacks every byte view inside `values` (in place) into one new
 * ArrayBuffer and returns it for the transfer list, or undefined when
 * there is nothing to move. Views keep their type (a Buffer stays a
 * Buffer, a Float32Array a Float32Array) and their contents. Views into a
 * buffer of `keep` (buffers transferred as they are) are left alone.
 *
 * @example
 * const buffer = packViews(outputs);
 * return buffer ? Piscina.move(movable(result, [buffer])) : result;
 */
export function packViews(values: unknown[], keep?: ReadonlySet<ArrayBufferLike>): ArrayBuffer | undefined {
  const slots: Slot[] = [];
  for (let i = 0; i < values.length; i++) collect(values[i], values as unknown as Record<number, unknown>, i, 0, slots, keep);
  if (slots.length === 0) return undefined;
  return repack(slots);
}

/** Copies every slot's view into one ArrayBuffer (a spare one when it is large enough) and points the slot at its copy. */
function repack(slots: Slot[], spares?: SpareBuffers): ArrayBuffer {
  let total = 0;
  for (const s of slots) total = align(total, s.view) + s.view.byteLength;
  const packed = spares?.take(total) ?? new ArrayBuffer(total);
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

/**
 * Buffers the runtime itself created and hands to no one else (a Kafka
 * message's value): only these may be moved to a worker. A user's own
 * records (an array given to memorySource, say) are never detached, since
 * the caller may read them again after the run.
 */
const movable = new WeakSet<ArrayBuffer>();

/**
 * Marks a packet's bytes as the runtime's own, so a pool step may move them
 * to a worker instead of copying them. Only when the view is the whole of
 * its ArrayBuffer; views into shared or pooled memory are left unmarked.
 *
 * @example
 * const bytes = message.value; markMovable(bytes); // in a source, before yielding
 */
export function markMovable(view: Uint8Array): void {
  const buffer = view.buffer;
  if (buffer instanceof ArrayBuffer && view.byteOffset === 0 && view.byteLength === buffer.byteLength && view.byteLength > 0) movable.add(buffer);
}

/** A batch ready for postMessage: its values and the buffers to transfer with it. */
export interface OutgoingBatch {
  values: unknown[];
  transferList: ArrayBuffer[];
  /** Some of the batch's own buffers were moved: the worker hands them back with its result. */
  moved: boolean;
  /** The buffer the batch's copied views were packed into, if any. */
  packed?: ArrayBuffer;
}

/**
 * Prepares a batch for a worker; the byte views considered are a value that
 * is a view, or a view one property deep (a RawPacket's `bytes`).
 *
 * With `move`, a view whose buffer a source marked with
 * {@link markMovable} (a Kafka message's bytes) travels by transfer, with no copy at all: the main
 * thread's view is detached until the worker hands the buffer back with
 * its result ({@link inputBuffers}). Only for records nothing else on the
 * main thread reads meanwhile. Other views (slices of a file block) are
 * copied into one new buffer, which is transferred; the batch's own objects
 * are never modified (copies are shallow copies), so other readers of the
 * same records see them unchanged.
 *
 * @example
 * const { values, transferList, moved } = prepareBatch(batch, true);
 * await piscina.run({ chain, batch: values, handBack: moved }, { transferList });
 */
export function prepareBatch(batch: readonly unknown[], move: boolean, spares?: SpareBuffers): OutgoingBatch {
  const values = batch.slice();
  const slots: Slot[] = [];
  const moving = new Set<ArrayBuffer>();
  const place = (view: View, holder: () => Record<string | number, unknown>, key: string | number): void => {
    const buffer = view.buffer as ArrayBuffer;
    if (move && (moving.has(buffer) || movable.has(buffer))) moving.add(buffer);
    else slots.push({ holder: holder(), key, view });
  };
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let copy: Record<string, unknown> | undefined;
    forEachRecordView(v, (view, key) => {
      if (key === undefined) place(view, () => values as unknown as Record<number, unknown>, i);
      else place(view, () => (copy ??= { ...(v as Record<string, unknown>) }), key);
    });
    if (copy) values[i] = copy;
  }
  const transferList = [...moving];
  const packed = slots.length > 0 ? repack(slots, spares) : undefined;
  if (packed) transferList.push(packed);
  return { values, transferList, moved: moving.size > 0, ...(packed ? { packed } : {}) };
}

/**
 * The distinct ArrayBuffers behind the byte views of a batch (as
 * {@link prepareBatch} finds them): in a worker, what it hands back.
 */
export function inputBuffers(batch: readonly unknown[]): Set<ArrayBuffer> {
  const out = new Set<ArrayBuffer>();
  for (const v of batch) forEachRecordView(v, (view) => out.add(view.buffer as ArrayBuffer));
  return out;
}

/**
 * The input buffers a worker must hand back when the main thread needs the
 * packets only where something still refers to them: buffers behind the
 * views an output holds (decoded cutouts are views into their packet), and
 * the packets of records that failed (their dead letters carry the exact
 * bytes). The rest stay in the worker and are freed there, so the main
 * thread never takes their memory back.
 */
export function neededInputBuffers(batch: readonly unknown[], results: ReadonlyArray<{ out: unknown[]; failed: unknown[] }>): Set<ArrayBuffer> {
  const inputs = inputBuffers(batch);
  const needed = new Set<ArrayBuffer>();
  const slots: Slot[] = [];
  results.forEach((r, i) => {
    if (r.failed.length > 0) forEachRecordView(batch[i], (view) => needed.add(view.buffer as ArrayBuffer));
    collect(r.out, r as unknown as Record<string, unknown>, 'out', 0, slots);
  });
  for (const s of slots) if (inputs.has(s.view.buffer as ArrayBuffer)) needed.add(s.view.buffer as ArrayBuffer);
  return needed;
}

/** True when a record's byte views are all in `buffers` (it can travel back with them, uncopied). */
export function viewsWithin(v: unknown, buffers: ReadonlySet<ArrayBuffer>): boolean {
  let within = true;
  forEachRecordView(v, (view) => (within &&= buffers.has(view.buffer as ArrayBuffer)));
  return within;
}

/** Calls `fn` for a value that is a byte view, or for each view one property deep in a plain object. */
function forEachRecordView(v: unknown, fn: (view: View, key: string | undefined) => void): void {
  if (v === null || typeof v !== 'object') return;
  if (movableView(v)) return fn(v as View, undefined);
  if (Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype) return;
  for (const k in v as Record<string, unknown>) {
    const inner = (v as Record<string, unknown>)[k];
    if (movableView(inner)) fn(inner as View, k);
  }
}

function movableView(v: unknown): boolean {
  return types.isArrayBufferView(v) && !(v instanceof DataView) && !(v.buffer instanceof SharedArrayBuffer);
}
