/**
 * Projected decoding: a reader compiled from the writer schema that builds
 * only the fields a graph reads and skips the rest in place. A Rubin alert
 * carries about 20,000 values (a year of prvDiaSources with ~100 columns
 * each), while the seed-001 consumer reads ~220 of them; building the rest
 * is most of the cost of a full decode.
 *
 * The reader is JavaScript generated once per (schema, selection): straight-
 * line code per record, runs of fixed-size skipped fields folded into one
 * offset addition. Values are those of the full avsc decode (longs as
 * bigint, unions unwrapped the way avsc does, bytes as zero-copy views).
 */
import type avro from 'avsc';
import { AlertflowError } from '../../errors.js';
import { asBuffer } from './bytes.js';

/**
 * Which fields to build: `true` for the whole value, a nested selection for
 * part of a record. Arrays, maps and nullable unions are looked through, so
 * `{ prvDiaSources: { extendedness: true } }` builds each history record
 * with its extendedness alone.
 *
 * @example
 * const sel: FieldSelection = { diaSourceId: true, diaSource: { ra: true, dec: true } };
 */
export type FieldSelection = { [field: string]: true | FieldSelection };

/** Decodes one body (all of `bytes`), building only the selected fields. */
export type ProjectedReader = (bytes: Uint8Array) => Record<string, unknown>;

/**
 * Turns dotted paths into a selection; a path that is a prefix of another
 * wins (it selects the whole value).
 *
 * @example
 * selectionFromPaths(['diaSource.ra', 'prvDiaSources.extendedness', 'cutoutScience'])
 * // { diaSource: { ra: true }, prvDiaSources: { extendedness: true }, cutoutScience: true }
 */
export function selectionFromPaths(paths: readonly string[]): FieldSelection {
  const root: FieldSelection = {};
  for (const path of paths) {
    const parts = path.split('.').filter((p) => p !== '');
    if (parts.length === 0) throw new AlertflowError('ERR_STEP_CONFIG', `empty field path "${path}"`, { path });
    let node = root;
    for (let i = 0; i < parts.length; i++) {
      const key = parts[i]!;
      const cur = node[key];
      if (cur === true) break;
      if (i === parts.length - 1) node[key] = true;
      else node = typeof cur === 'object' ? cur : (node[key] = {});
    }
  }
  return root;
}

/** Every top-level field of a record type: a full read through the projected reader. */
export function everyField(type: avro.Type): FieldSelection {
  return Object.fromEntries((type as avro.types.RecordType).fields.map((f) => [f.name, true as const]));
}

interface Gen {
  fns: string[];
  consts: unknown[];
  memo: Map<avro.Type, Map<string, string>>;
  /** Record types seen on the current path: a recursive schema falls back to a full read. */
  count: number;
}

type AnyType = avro.Type & {
  typeName: string;
  fields?: Array<{ name: string; type: AnyType }>;
  itemsType?: AnyType;
  valuesType?: AnyType;
  types?: AnyType[];
  symbols?: string[];
  size?: number;
  branchName?: string;
};

/** The Avro kind of a type; alertflow's exact-long type is avsc's abstract long. */
function kindOf(t: AnyType): string {
  return t.typeName === 'abstract:long' ? 'long' : t.typeName;
}

function constRef(g: Gen, value: unknown): string {
  g.consts.push(value);
  return `K[${g.consts.length - 1}]`;
}

/** Fixed byte width of a value of `t`, or undefined when it varies. */
function fixedWidth(t: AnyType): number | undefined {
  switch (kindOf(t)) {
    case 'null':
      return 0;
    case 'boolean':
      return 1;
    case 'float':
      return 4;
    case 'double':
      return 8;
    case 'fixed':
      return t.size;
    default:
      return undefined;
  }
}

/** Fewest bytes a value of `t` can take: bounds a block's item count by the bytes left. */
function minWidth(t: AnyType): number {
  const w = fixedWidth(t);
  if (w !== undefined) return w;
  switch (kindOf(t)) {
    case 'record':
      return t.fields!.reduce((sum, f) => sum + minWidth(f.type), 0);
    case 'union:unwrapped':
    case 'union:wrapped':
      return 1 + Math.min(...t.types!.map(minWidth));
    default:
      return 1;
  }
}

/** A statement that reads a value of `t` into `target` (or skips it when `sel` is undefined). */
function readInto(g: Gen, t: AnyType, sel: true | FieldSelection | undefined, target: string | undefined): string {
  const set = (expr: string): string => (target ? `${target} = ${expr};` : `${expr};`);
  if (sel === undefined) return skipStmt(g, t);
  switch (kindOf(t)) {
    case 'null':
      return set('null');
    case 'boolean':
      return set('buf[p++] !== 0');
    case 'int':
      return set('readInt()');
    case 'long':
      return set('readLong()');
    case 'float':
      return set('(need(4), p += 4, dv.getFloat32(p - 4, true))');
    case 'double':
      return set('(need(8), p += 8, dv.getFloat64(p - 8, true))');
    case 'string':
      return set('readString()');
    case 'bytes':
      return set('readBytes(readLen())');
    case 'fixed':
      return set(`readBytes(${t.size})`);
    case 'enum':
      return set(`readEnum(${constRef(g, t.symbols)})`);
    case 'record':
      return set(`${recordFn(g, t, sel)}()`);
    case 'array': {
      const item = itemFn(g, t.itemsType!, sel);
      return set(`readArray(${item}, ${minWidth(t.itemsType!)})`);
    }
    case 'map': {
      const item = itemFn(g, t.valuesType!, sel);
      return set(`readMap(${item}, ${1 + minWidth(t.valuesType!)})`);
    }
    case 'union:unwrapped':
    case 'union:wrapped':
      return unionStmt(g, t, sel, target);
    default:
      throw new AlertflowError('ERR_SCHEMA_INVALID', `projection: unsupported Avro type ${t.typeName}`);
  }
}

/** A function name that returns one value of `t` (for array items and map values). */
function itemFn(g: Gen, t: AnyType, sel: true | FieldSelection): string {
  const key = selKey(sel);
  let byType = g.memo.get(t);
  const cached = byType?.get(`item:${key}`);
  if (cached) return cached;
  const name = `f${g.count++}`;
  if (!byType) g.memo.set(t, (byType = new Map()));
  byType.set(`item:${key}`, name);
  g.fns.push(`function ${name}() { let v; ${readInto(g, t, sel, 'v')} return v; }`);
  return name;
}

function unionStmt(g: Gen, t: AnyType, sel: true | FieldSelection, target: string | undefined): string {
  const wrapped = t.typeName === 'union:wrapped';
  const cases = t.types!.map((b, i) => {
    const inner = `v${g.count++}`;
    const read = readInto(g, b, b.typeName === 'null' ? true : sel, inner);
    const value = wrapped && b.typeName !== 'null' ? `{ ${JSON.stringify(b.branchName)}: ${inner} }` : inner;
    return `case ${branchByte(i)}: { let ${inner}; ${read} ${target ? `${target} = ${value};` : ''} break; }`;
  });
  return unionSwitch(cases);
}

/**
 * The one byte that encodes branch index `i` (zig-zag varint): unions have
 * far fewer than 64 branches, so the index is read as a byte, not a varint.
 */
function branchByte(i: number): number {
  if (i > 63) throw new AlertflowError('ERR_SCHEMA_INVALID', 'projection: unions of more than 64 branches are not supported');
  return i * 2;
}

function unionSwitch(cases: string[]): string {
  // One byte is the canonical index; a longer (non-canonical) varint is legal Avro and avsc reads it, so do we.
  return `switch (buf[p] < 0x80 ? buf[p++] : 2 * readInt()) { ${cases.join(' ')} default: bad(p > end ? 'truncated' : 'union branch out of range'); }`;
}

function selKey(sel: true | FieldSelection): string {
  return sel === true ? '*' : JSON.stringify(sel);
}

/** Generates (once) the reader of a record type under a selection; returns its name. */
function recordFn(g: Gen, t: AnyType, sel: true | FieldSelection): string {
  const key = selKey(sel);
  let byType = g.memo.get(t);
  const cached = byType?.get(key);
  if (cached) return cached;
  const name = `r${g.count++}`;
  if (!byType) g.memo.set(t, (byType = new Map()));
  byType.set(key, name);
  const body: string[] = [];
  const built: string[] = [];
  let skipped: AnyType[] = [];
  for (const f of t.fields!) {
    const fsel = sel === true ? true : sel[f.name];
    if (fsel === undefined) {
      skipped.push(f.type);
      continue;
    }
    body.push(...skipFields(g, skipped));
    skipped = [];
    built.push(f.name);
    body.push(readInto(g, f.type, fsel, `o[${JSON.stringify(f.name)}]`));
  }
  body.push(...skipFields(g, skipped));
  g.fns.push(`function ${name}() { const o = ${shapeLiteral(built)}; ${chunked(g, name, body).join(' ')} return o; }`);
  return name;
}

/**
 * The object a record reader fills, with every built field declared up
 * front. Added one by one, a Rubin diaSource's ~140 properties grew the
 * property store again and again and passed V8's fast-property limit, so
 * the later fields were stored as dictionary entries. A literal of this
 * shape is one allocation with fixed slots. (`__proto__` in a literal would
 * set the prototype, so a record with such a field starts empty and, as
 * with avsc, the field is dropped.)
 */
function shapeLiteral(names: string[]): string {
  if (names.includes('__proto__')) return '{}';
  return `{ ${names.map((n) => `${JSON.stringify(n)}: undefined`).join(', ')} }`;
}

/**
 * Statements per generated function. TurboFan's compile time grows faster
 * than linearly with function size: a Rubin diaSource (~140 fields) as one
 * function took 0.6-1.1 s to optimise per isolate, and ran unoptimised for
 * its first ~1,000 alerts. Chunks of this size compile in milliseconds and
 * are too large to be inlined back.
 */
const CHUNK = 16;

/** Splits a record's statements into helper functions `name_k(o)` when there are more than CHUNK. */
function chunked(g: Gen, name: string, body: string[]): string[] {
  if (body.length <= CHUNK) return body;
  const calls: string[] = [];
  for (let i = 0; i < body.length; i += CHUNK) {
    const part = `${name}_${i / CHUNK}`;
    g.fns.push(`function ${part}(o) { ${body.slice(i, i + CHUNK).join(' ')} }`);
    calls.push(`${part}(o);`);
  }
  return calls;
}

/**
 * Byte widths of the two branches of a union of null and one fixed-size
 * type (`["null", "float"]`, the shape of most Rubin columns), else undefined.
 */
function nullableWidths(t: AnyType): [number, number] | undefined {
  if (!kindOf(t).startsWith('union') || t.types!.length !== 2) return undefined;
  const [a, b] = t.types!.map(fixedWidth);
  if (a === undefined || b === undefined || (a !== 0 && b !== 0)) return undefined;
  return [a, b];
}

/**
 * Statements that skip consecutive fields of the given types. Fixed-size
 * fields fold into one offset addition. A run of nullable fixed-size
 * fields is skipped without a branch per field: each canonical branch byte
 * (0 or 2) picks its width arithmetically, the bytes are OR-ed together and
 * checked once at the end of the run; anything else (a non-canonical or bad
 * index, the end of the body) re-reads the run field by field, which
 * accepts or rejects exactly what a field-by-field read would. Null/non-null
 * patterns are data-dependent, so a branch per field is mostly mispredicted.
 */
function skipFields(g: Gen, types: AnyType[]): string[] {
  const out: string[] = [];
  let fixed = 0;
  let run: AnyType[] = [];
  const flushFixed = (): void => {
    if (fixed > 0) out.push(`p += ${fixed};`);
    fixed = 0;
  };
  const flushRun = (): void => {
    const nullable = run.filter((t) => nullableWidths(t) !== undefined).length;
    if (nullable < 2) {
      for (const t of run) {
        const w = fixedWidth(t);
        if (w !== undefined) fixed += w;
        else {
          flushFixed();
          out.push(skipStmt(g, t));
        }
      }
    } else {
      flushFixed();
      const fast: string[] = [];
      let pending = 0;
      for (const t of run) {
        const nw = nullableWidths(t);
        if (!nw) {
          pending += fixedWidth(t)!;
          continue;
        }
        if (pending > 0) fast.push(`q += ${pending};`);
        pending = 0;
        const [w0, w1] = nw;
        fast.push(`b = u[q++]; c |= b; q += ${w0 === 0 ? `(b >>> 1) * ${w1}` : `${w0} - (b >>> 1) * ${w0}`};`);
      }
      if (pending > 0) fast.push(`q += ${pending};`);
      const slow = run.map((t) => skipStmt(g, t)).join(' ');
      // Locals, not the shared closure variables: they stay in registers.
      out.push(`{ const u = buf; let q = p, c = 0, b; ${fast.join(' ')} if ((c & ~2) !== 0 || q > end) { ${slow} } else p = q; }`);
    }
    run = [];
  };
  for (const t of types) {
    if (fixedWidth(t) !== undefined || nullableWidths(t) !== undefined) {
      run.push(t);
      continue;
    }
    flushRun();
    flushFixed();
    out.push(skipStmt(g, t));
  }
  flushRun();
  flushFixed();
  return out;
}

/** A statement that moves `p` past a value of `t` without building it. */
function skipStmt(g: Gen, t: AnyType): string {
  const w = fixedWidth(t);
  if (w !== undefined) return w === 0 ? '' : `p += ${w};`;
  switch (kindOf(t)) {
    case 'int':
    case 'long':
    case 'enum':
      return 'skipVarint();';
    case 'string':
    case 'bytes':
      return 'skipLen();';
    case 'record': {
      const byType = g.memo.get(t);
      const cached = byType?.get('skip');
      if (cached) return `${cached}();`;
      const name = `s${g.count++}`;
      if (byType) byType.set('skip', name);
      else g.memo.set(t, new Map([['skip', name]]));
      const parts = skipFields(g, t.fields!.map((f) => f.type));
      g.fns.push(`function ${name}() { ${parts.join(' ')} }`);
      return `${name}();`;
    }
    case 'array':
      return `skipBlocks(() => { ${skipStmt(g, t.itemsType!)} }, ${minWidth(t.itemsType!)});`;
    case 'map':
      return `skipBlocks(() => { skipLen(); ${skipStmt(g, t.valuesType!)} }, ${1 + minWidth(t.valuesType!)});`;
    case 'union:unwrapped':
    case 'union:wrapped': {
      const cases = t.types!.map((b, i) => `case ${branchByte(i)}: ${skipStmt(g, b)} break;`);
      return unionSwitch(cases);
    }
    default:
      throw new AlertflowError('ERR_SCHEMA_INVALID', `projection: unsupported Avro type ${t.typeName}`);
  }
}

/** The runtime the generated code closes over: position, buffer and primitive readers. */
const PRELUDE = `
let buf, dv, p = 0, end = 0;
function bad(msg) { throw new ProjectionError(msg); }
function need(n) { if (p + n > end) bad('truncated'); }
function readInt() {
  let n = 0, shift = 0, b;
  do {
    if (p >= end) bad('truncated');
    b = buf[p++];
    n |= (b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80 && shift < 35);
  if (b & 0x80) bad('varint too long');
  return (n >>> 1) ^ -(n & 1);
}
// Rubin alerts carry ~800 longs each, most of them ids of 8-9 bytes, and one
// object's id repeats in every row of its history. So: a one-byte long comes
// from a table, the rest are read as two 32-bit halves, and a value equal to
// the previous long reuses its bigint (bigints are immutable) instead of
// allocating a new one.
const SMALL_LONGS = Array.from({ length: 128 }, (_, i) => BigInt((i >>> 1) ^ -(i & 1)));
function readLong() {
  const b = buf[p];
  if (b < 0x80) { p++; return SMALL_LONGS[b]; }
  return readLong64();
}
// Gather the zig-zag value into two 32-bit halves and make one bigint through a
// scratch view, not one per byte.
const scratch = new DataView(new ArrayBuffer(8));
let lastLo = 0, lastHi = 0, lastLong = 0n;
function readLong64() {
  const start = p;
  let lo = 0, hi = 0, b;
  for (let shift = 0; shift < 70; shift += 7) {
    if (p >= end) bad('truncated');
    b = buf[p++];
    const v = b & 0x7f;
    if (shift < 28) lo |= v << shift;
    else if (shift === 28) { lo |= v << 28; hi = v >>> 4; }
    else if (shift < 63) hi |= v << (shift - 32);
    else if (v > 1) { p = start; return readLongWide(); }
    else hi |= v << 31;
    if (b < 0x80) {
      const neg = lo & 1;
      let l = (lo >>> 1) | (hi << 31), h = hi >>> 1;
      if (neg) { l = ~l; h = ~h; }
      if (l === lastLo && h === lastHi) return lastLong;
      scratch.setUint32(0, l >>> 0, true);
      scratch.setUint32(4, h >>> 0, true);
      lastLo = l; lastHi = h; lastLong = scratch.getBigInt64(0, true);
      return lastLong;
    }
  }
  bad('varint too long');
}
// What a varint with bits beyond 64 decodes to, as the byte-by-byte reading gives it.
function readLongWide() {
  let n = 0, mul = 1, b;
  for (let i = 0; i < 7; i++) {
    b = buf[p++];
    n += (b & 0x7f) * mul;
    mul *= 128;
  }
  let z = BigInt(n), shift = 49n;
  for (;;) {
    if (p >= end) bad('truncated');
    b = buf[p++];
    z |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) break;
    if (shift >= 63n) bad('varint too long');
    shift += 7n;
  }
  return (z >> 1n) ^ -(z & 1n);
}
function readLen() {
  const n = readInt();
  if (n < 0) bad('negative length');
  if (p + n > end) bad('truncated');
  return n;
}
// Not \`p += readLen()\`: that reads p before readLen moves it past the length.
function skipLen() { const n = readLen(); p += n; }
function skipVarint() {
  for (let i = 0; i < 10; i++) { if (p >= end) bad('truncated'); if ((buf[p++] & 0x80) === 0) return; }
  bad('varint too long');
}
function readString() {
  const n = readLen();
  if (n < 24) {
    let s = '';
    for (let i = p; i < p + n; i++) {
      const c = buf[i];
      if (c >= 0x80) { s = buf.utf8Slice(p, p + n); break; }
      s += String.fromCharCode(c);
    }
    p += n;
    return s;
  }
  p += n;
  return buf.utf8Slice(p - n, p);
}
function readBytes(n) { need(n); p += n; return buf.subarray(p - n, p); }
function readEnum(symbols) { const i = readInt(); if (i < 0 || i >= symbols.length) bad('enum index out of range'); return symbols[i]; }
function blockCount() {
  let n = readInt();
  if (n < 0) { n = -n; readLen0(); }
  return n;
}
function readLen0() { const s = readInt(); if (s < 0) bad('negative block size'); }
// A count no item widths can fit in the bytes left is corrupt; zero-width items are capped instead.
function checkCount(n, minW) {
  if (minW > 0 ? n * minW > end - p : n > 10000000) bad('block count exceeds the bytes left');
}
function readArray(item, minW) {
  const out = [];
  for (let n = blockCount(); n !== 0; n = blockCount()) {
    checkCount(n, minW);
    for (let i = 0; i < n; i++) out.push(item());
  }
  return out;
}
function readMap(item, minW) {
  const out = {};
  for (let n = blockCount(); n !== 0; n = blockCount()) {
    checkCount(n, minW);
    for (let i = 0; i < n; i++) { const k = readString(); out[k] = item(); }
  }
  return out;
}
function skipBlocks(item, minW) {
  for (;;) {
    let n = readInt();
    if (n === 0) return;
    if (n < 0) {
      const size = readInt();
      if (size < 0) bad('negative block size');
      need(size);
      p += size;
      continue;
    }
    checkCount(n, minW);
    for (let i = 0; i < n; i++) item();
  }
}
`;

/** Internal signal of corrupt input inside generated code; turned into a typed error at the boundary. */
class ProjectionError extends Error {}

const readers = new WeakMap<avro.Type, Map<string, ProjectedReader>>();

/**
 * Compiles (once per type and selection) a reader of `type` that builds
 * only `selection`. The reader throws ERR_AVRO_TRUNCATED when the body ends
 * early, ERR_AVRO_TRAILING_BYTES when bytes are left over and
 * ERR_AVRO_DECODE for other corrupt input. Selected fields that the schema
 * lacks are ignored (one selection serves Rubin v9 to v11, whose field sets
 * differ); skipped fields are absent from the output; every built value
 * equals the full avsc decode's.
 *
 * @example
 * const read = projectedReader(schema.type, { diaSourceId: true, prvDiaSources: { extendedness: true } });
 * const partial = read(body); // { diaSourceId: 1234n, prvDiaSources: [{ extendedness: 0.1 }, …] }
 */
export function projectedReader(type: avro.Type, selection: FieldSelection): ProjectedReader {
  const key = JSON.stringify(selection);
  let byKey = readers.get(type);
  const cached = byKey?.get(key);
  if (cached) return cached;
  const t = type as AnyType;
  if (t.typeName !== 'record') throw new AlertflowError('ERR_SCHEMA_INVALID', `projection needs a record schema, got ${t.typeName}`);
  const g: Gen = { fns: [], consts: [], memo: new Map(), count: 0 };
  const top = recordFn(g, t, selection);
  const source = `${PRELUDE}\n${g.fns.join('\n')}\nreturn function read(b) { buf = b; dv = new DataView(b.buffer, b.byteOffset, b.byteLength); p = 0; end = b.length; const v = ${top}(); if (p > end) bad('truncated'); return [v, p]; };`;
  const compiled = new Function('K', 'ProjectionError', source)(g.consts, ProjectionError) as (b: Buffer) => [Record<string, unknown>, number];
  const read: ProjectedReader = (bytes) => {
    const b = asBuffer(bytes);
    let res: [Record<string, unknown>, number];
    try {
      res = compiled(b);
    } catch (err) {
      if (err instanceof ProjectionError && err.message === 'truncated') throw new AlertflowError('ERR_AVRO_TRUNCATED', 'Avro body ends before the record does', { length: b.length });
      if (err instanceof ProjectionError || err instanceof RangeError) throw new AlertflowError('ERR_AVRO_DECODE', `corrupt Avro body: ${err.message}`, { length: b.length }, { cause: err });
      throw err;
    }
    if (res[1] !== b.length) throw new AlertflowError('ERR_AVRO_TRAILING_BYTES', `Avro body has ${b.length - res[1]} bytes after the record`, { consumed: res[1], length: b.length });
    return res[0];
  };
  if (!byKey) readers.set(type, (byKey = new Map()));
  byKey.set(key, read);
  return read;
}
