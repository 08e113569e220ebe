/**
 * A small JSON predicate language, so that filters in a graph spec stay
 * plain data that can cross to a worker:
 * `{ field, op, value }`, `{ all: [...] }`, `{ any: [...] }`, `{ not: p }`.
 * Comparisons with 64-bit ids are exact: a bigint field is compared as a
 * bigint, and JSON may give the value as a decimal string.
 */
import { AlertflowError } from '../errors.js';
import { compilePath } from './path.js';

export type ComparisonOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'exists' | 'isNull';

export type Predicate =
  | { field: string; op: ComparisonOp; value?: unknown }
  | { all: Predicate[] }
  | { any: Predicate[] }
  | { not: Predicate };

const OPS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=', 'in', 'exists', 'isNull']);

/**
 * Compiles a predicate; throws ERR_PREDICATE when it is malformed.
 *
 * @example
 * const bright = compilePredicate({ field: 'alert.diaSource.snr', op: '>=', value: 5 });
 * bright({ alert: { diaSource: { snr: 7 } } }) // true
 */
export function compilePredicate(p: Predicate, where = 'where'): (value: unknown) => boolean {
  if (!p || typeof p !== 'object') throw new AlertflowError('ERR_PREDICATE', `${where}: a predicate must be an object`, { where });
  if ('all' in p) {
    if (!Array.isArray(p.all)) throw new AlertflowError('ERR_PREDICATE', `${where}.all must be an array`, { where });
    const parts = p.all.map((q, i) => compilePredicate(q, `${where}.all[${i}]`));
    return (v) => parts.every((f) => f(v));
  }
  if ('any' in p) {
    if (!Array.isArray(p.any)) throw new AlertflowError('ERR_PREDICATE', `${where}.any must be an array`, { where });
    const parts = p.any.map((q, i) => compilePredicate(q, `${where}.any[${i}]`));
    return (v) => parts.some((f) => f(v));
  }
  if ('not' in p) {
    const inner = compilePredicate(p.not, `${where}.not`);
    return (v) => !inner(v);
  }
  if (typeof p.field !== 'string' || p.field === '') throw new AlertflowError('ERR_PREDICATE', `${where}.field must be a non-empty string`, { where });
  if (!OPS.has(p.op)) throw new AlertflowError('ERR_PREDICATE', `${where}.op must be one of ${[...OPS].join(', ')} (got ${JSON.stringify(p.op)})`, { where });
  const get = compilePath(p.field);
  const { op, value } = p;
  if (op === 'exists') return (v) => get(v) !== undefined && get(v) !== null;
  if (op === 'isNull') return (v) => get(v) === null || get(v) === undefined;
  if (op === 'in') {
    if (!Array.isArray(value)) throw new AlertflowError('ERR_PREDICATE', `${where}.value must be an array for "in"`, { where });
    return (v) => {
      const x = get(v);
      return value.some((candidate) => compare(x, candidate) === 0);
    };
  }
  return (v) => {
    const c = compare(get(v), value);
    if (c === undefined) return op === '!=';
    switch (op) {
      case '==': return c === 0;
      case '!=': return c !== 0;
      case '<': return c < 0;
      case '<=': return c <= 0;
      case '>': return c > 0;
      default: return c >= 0;
    }
  };
}

/** Orders two scalars; undefined when they cannot be compared (null, NaN, mixed kinds). */
function compare(a: unknown, b: unknown): number | undefined {
  if (a === null || a === undefined || b === null || b === undefined) return undefined;
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    const x = toBigInt(a);
    const y = toBigInt(b);
    if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
    // A fractional threshold against a bigint field: compare as doubles.
    const xf = Number(a);
    const yf = Number(b);
    return Number.isNaN(xf) || Number.isNaN(yf) ? undefined : Math.sign(xf - yf);
  }
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return undefined;
}

function toBigInt(x: unknown): bigint | undefined {
  if (typeof x === 'bigint') return x;
  if (typeof x === 'number' && Number.isInteger(x)) return BigInt(x);
  if (typeof x === 'string' && /^-?\d+$/.test(x)) return BigInt(x);
  return undefined;
}
