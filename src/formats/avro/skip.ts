/**
 * Schema-compiled skippers: find where an encoded value ends without
 * decoding it, safely on corrupt data. Used to split Object Container File blocks into per-record
 * bodies (decoded later, maybe in a worker) and to peek at one field cheaply.
 */
import type avro from 'avsc';
import { AlertflowError } from '../../errors.js';
import { readVarint } from './varint.js';

/** Returns the position just after the value that starts at `pos` (may exceed buf.length when truncated). */
export type Skipper = (buf: Uint8Array, pos: number) => number;

type Json = string | Json[] | { [k: string]: Json };

function varint(buf: Uint8Array, pos: number): [number, number] {
  const r = readVarint(buf, pos);
  // Past the end: report a position beyond the buffer so callers see truncation.
  return r ?? [0, buf.length + 1];
}

function skipVarint(buf: Uint8Array, pos: number): number {
  while (pos < buf.length && (buf[pos]! & 0x80) !== 0) pos++;
  return pos + 1;
}

function corrupt(message: string, pos: number): AlertflowError {
  return new AlertflowError('ERR_AVRO_DECODE', `corrupt Avro data: ${message}`, { offset: pos });
}

/** A length or block size: negative ones would move backwards (and loop forever) on corrupt data. */
function length(buf: Uint8Array, pos: number): [number, number] {
  const r = varint(buf, pos);
  if (r[0] < 0) throw corrupt(`negative length ${r[0]}`, pos);
  return r;
}

function skipBlocks(item: Skipper, isMap: boolean): Skipper {
  return (buf, pos) => {
    for (;;) {
      let count: number;
      [count, pos] = varint(buf, pos);
      if (count === 0 || pos > buf.length) return pos;
      if (count < 0) {
        let size: number;
        [size, pos] = length(buf, pos);
        pos += size;
        continue;
      }
      // Bounded by the buffer, not by the count: a corrupt count can be 2^60.
      for (let i = 0; i < count && pos <= buf.length; i++) {
        const start = pos;
        if (isMap) {
          let len: number;
          [len, pos] = length(buf, pos);
          pos += len;
        }
        pos = item(buf, pos);
        // Items that take no bytes (e.g. null) take none for the rest of the count too.
        if (pos === start) break;
      }
    }
  };
}

function compile(schema: Json, names: Map<string, Skipper>): Skipper {
  if (typeof schema === 'string') {
    switch (schema) {
      case 'null':
        return (_b, p) => p;
      case 'boolean':
        return (_b, p) => p + 1;
      case 'int':
      case 'long':
        return skipVarint;
      case 'float':
        return (_b, p) => p + 4;
      case 'double':
        return (_b, p) => p + 8;
      case 'bytes':
      case 'string':
        return (b, p) => {
          const [len, q] = length(b, p);
          return q + len;
        };
      default: {
        // Named reference; looked up at call time so recursive types work.
        return (b, p) => {
          const s = names.get(schema);
          if (!s) throw new AlertflowError('ERR_SCHEMA_INVALID', `unknown named type ${schema}`);
          return s(b, p);
        };
      }
    }
  }
  if (Array.isArray(schema)) {
    const branches = schema.map((s) => compile(s, names));
    return (b, p) => {
      const [idx, q] = varint(b, p);
      const branch = branches[idx];
      if (!branch) {
        if (q > b.length) return q;
        throw corrupt(`union index ${idx} out of range`, p);
      }
      return branch(b, q);
    };
  }
  const type = schema['type'] as Json;
  const name = schema['name'] as string | undefined;
  let out: Skipper;
  switch (type) {
    case 'record':
    case 'error': {
      const fields = (schema['fields'] as { [k: string]: Json }[]).map((f) => compile(f['type']!, names));
      out = (b, p) => {
        for (let i = 0; i < fields.length && p <= b.length; i++) p = fields[i]!(b, p);
        return p;
      };
      break;
    }
    case 'enum':
      out = skipVarint;
      break;
    case 'fixed': {
      const size = Number(schema['size']);
      out = (_b, p) => p + size;
      break;
    }
    case 'array':
      return skipBlocks(compile(schema['items']!, names), false);
    case 'map':
      return skipBlocks(compile(schema['values']!, names), true);
    default:
      return compile(type, names);
  }
  if (name) names.set(name, out);
  return out;
}

const cache = new WeakMap<avro.Type, Skipper>();

/**
 * A skipper for values of `type` (cached per type), compiled from the
 * schema. It never trusts the data: counts, lengths and union indexes from
 * corrupt bytes give ERR_AVRO_DECODE or a position past the end, never an
 * endless loop or an untyped error. A body it frames can then be decoded
 * by avsc without risk (avsc itself loops as long as a corrupt count says).
 *
 * @example
 * const end = skipperFor(type)(block, start);
 */
export function skipperFor(type: avro.Type): Skipper {
  let s = cache.get(type);
  if (!s) {
    s = compile(type.schema() as Json, new Map());
    cache.set(type, s);
  }
  return s;
}

/**
 * Compiles a reader for one `double` field reached through non-union records
 * (e.g. `['diaSource', 'midpointMjdTai']`), or undefined when the path is not
 * of that shape.
 *
 * @example
 * const mjd = doublePeeker(type, ['diaSource', 'midpointMjdTai'])?.(body);
 */
export function doublePeeker(type: avro.Type, path: readonly string[]): ((body: Uint8Array) => number | undefined) | undefined {
  const names = new Map<string, Skipper>();
  const steps: { before: Skipper[] }[] = [];
  const defs = new Map<string, { [k: string]: Json }>();
  const collect = (s: Json): void => {
    if (Array.isArray(s)) s.forEach(collect);
    else if (s && typeof s === 'object') {
      if (typeof s['name'] === 'string' && s['type'] === 'record') defs.set(s['name'], s);
      for (const f of (s['fields'] as { [k: string]: Json }[] | undefined) ?? []) collect(f['type']!);
      if (s['items']) collect(s['items']);
      if (s['values']) collect(s['values']);
    }
  };
  const root = type.schema() as Json;
  collect(root);
  compile(root, names);
  let cur: Json | undefined = root;
  for (let i = 0; i < path.length; i++) {
    if (typeof cur === 'string') cur = defs.get(cur);
    if (!cur || Array.isArray(cur) || cur['type'] !== 'record') return undefined;
    const fields = cur['fields'] as { [k: string]: Json }[];
    const idx = fields.findIndex((f) => f['name'] === path[i]);
    if (idx < 0) return undefined;
    steps.push({ before: fields.slice(0, idx).map((f) => compile(f['type']!, names)) });
    cur = fields[idx]!['type'];
  }
  if (cur !== 'double') return undefined;
  return (body) => {
    let p = 0;
    for (const step of steps) for (const skip of step.before) p = skip(body, p);
    if (p + 8 > body.length) return undefined;
    return Buffer.from(body.buffer, body.byteOffset, body.byteLength).readDoubleLE(p);
  };
}
