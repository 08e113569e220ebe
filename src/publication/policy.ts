/**
 * Publication policies: how long a dataset stays embargoed after its
 * exposure, and when each dataset type expires ("difference_image expires
 * after 30 days"), with a default for types the config does not name. The
 * task query step applies them (as SQL, see {@link expirySql}); the plain
 * function {@link expiryTime} says the same thing for tests and the web page.
 */
import { readFileSync } from 'node:fs';
import type { DuckDBValue } from '@duckdb/node-api';
import { AlertflowError } from '../errors.js';

/** Expiry rule of one dataset type. `expireAfterDays: null` never expires. */
export interface ExpiryRule {
  expireAfterDays: number | null;
}

/**
 * A publication policy (plain JSON).
 *
 * @example
 * const p: PublicationPolicy = { embargoHours: 72, expireFrom: 'exposure', default: { expireAfterDays: 30 }, types: { preliminary_visit_image: { expireAfterDays: 90 } } };
 */
export interface PublicationPolicy {
  /** Hours after the exposure before a dataset may leave the embargo repository. */
  embargoHours: number;
  /** Expiry counts from the exposure time (default) or from the publication time. */
  expireFrom: 'exposure' | 'publication';
  /** Rule for dataset types not listed in `types`. */
  default: ExpiryRule;
  types: Record<string, ExpiryRule>;
}

/** The default policy: 72 h embargo; difference images expire after 30 days, visit images after 90, anything else after 30. */
export const DEFAULT_POLICY: PublicationPolicy = Object.freeze({
  embargoHours: 72,
  expireFrom: 'exposure',
  default: { expireAfterDays: 30 },
  types: { difference_image: { expireAfterDays: 30 }, preliminary_visit_image: { expireAfterDays: 90 } },
}) as PublicationPolicy;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const bad = (message: string, details: Record<string, unknown> = {}): never => {
  throw new AlertflowError('ERR_PUBLICATION', `policy: ${message}`, details);
};

function rule(v: unknown, where: string): ExpiryRule {
  if (typeof v === 'number' || v === null) v = { expireAfterDays: v };
  if (typeof v === 'string') v = { expireAfterDays: v === 'never' ? null : parseDays(v, where) };
  if (!v || typeof v !== 'object') return bad(`${where} must be {"expireAfterDays": N|null}, a number of days, "30d" or "never"`);
  const d = (v as ExpiryRule).expireAfterDays;
  if (d !== null && (typeof d !== 'number' || !Number.isFinite(d) || d < 0)) return bad(`${where}.expireAfterDays must be a number of days >= 0 or null (never)`, { value: d });
  return { expireAfterDays: d };
}

function parseDays(s: string, where: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(d|days?|h|hours?)$/.exec(s.trim());
  if (!m) return bad(`${where}: cannot read "${s}" (use e.g. "30d" or "12h")`);
  return m[2].startsWith('h') ? Number(m[1]) / 24 : Number(m[1]);
}

/**
 * Validates a policy given as plain JSON; missing fields take the defaults.
 * Rules may be written as `{"expireAfterDays": 30}`, `30`, `"30d"` or `"never"`.
 *
 * @example
 * parsePolicy({ types: { difference_image: '30d', raw_summary: 'never' } })
 */
export function parsePolicy(json: unknown): PublicationPolicy {
  if (json === undefined || json === null) return structuredClone(DEFAULT_POLICY);
  if (typeof json !== 'object' || Array.isArray(json)) return bad('must be a JSON object');
  const o = json as Record<string, unknown>;
  const known = new Set(['embargoHours', 'expireFrom', 'default', 'types']);
  for (const k of Object.keys(o)) if (!known.has(k)) bad(`unknown key "${k}" (expected ${[...known].join(', ')})`);
  const embargoHours = o.embargoHours ?? DEFAULT_POLICY.embargoHours;
  if (typeof embargoHours !== 'number' || !Number.isFinite(embargoHours) || embargoHours < 0) bad('embargoHours must be a number >= 0', { value: embargoHours });
  const expireFrom = o.expireFrom ?? 'exposure';
  if (expireFrom !== 'exposure' && expireFrom !== 'publication') bad('expireFrom must be "exposure" or "publication"', { value: expireFrom });
  const types: Record<string, ExpiryRule> = {};
  const t = o.types ?? DEFAULT_POLICY.types;
  if (!t || typeof t !== 'object' || Array.isArray(t)) bad('types must be an object of dataset type -> rule');
  for (const [name, v] of Object.entries(t as Record<string, unknown>)) types[name] = rule(v, `types.${name}`);
  return { embargoHours: embargoHours as number, expireFrom: expireFrom as PublicationPolicy['expireFrom'], default: rule(Object.hasOwn(o, 'default') ? o.default : DEFAULT_POLICY.default, 'default'), types };
}

/**
 * Reads a policy file (JSON).
 *
 * @example
 * const policy = loadPolicy('policy.json');
 */
export function loadPolicy(path: string): PublicationPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AlertflowError('ERR_PUBLICATION', `cannot read policy file ${path}: ${(err as Error).message}`, { path }, { cause: err });
  }
  try {
    return parsePolicy(JSON.parse(text));
  } catch (err) {
    if (err instanceof AlertflowError) throw err;
    throw new AlertflowError('ERR_PUBLICATION', `policy file ${path} is not JSON: ${(err as Error).message}`, { path }, { cause: err });
  }
}

/** The rule that applies to a dataset type. */
export const ruleFor = (p: PublicationPolicy, datasetType: string): ExpiryRule => (Object.hasOwn(p.types, datasetType) ? p.types[datasetType] : p.default);

/** When a dataset may leave the embargo repository (ms since the epoch). */
export const unembargoTime = (p: PublicationPolicy, exposureTime: number): number => exposureTime + p.embargoHours * HOUR_MS;

/**
 * When a dataset expires under the policy (ms since the epoch), or null if
 * never (or, with `expireFrom: 'publication'`, not yet published).
 *
 * @example
 * expiryTime(DEFAULT_POLICY, { dataset_type: 'difference_image', exposure_time: t, publication_time: null }) // t + 30 days
 */
export function expiryTime(p: PublicationPolicy, d: { dataset_type: string; exposure_time: number; publication_time: number | null }): number | null {
  const days = ruleFor(p, d.dataset_type).expireAfterDays;
  if (days === null) return null;
  const from = p.expireFrom === 'exposure' ? d.exposure_time : d.publication_time;
  return from === null ? null : from + days * DAY_MS;
}

/**
 * The policy as a SQL condition over `datasets` that is true when a dataset
 * is due to expire at `now`, and its parameters (numbered from `first`).
 *
 * @example
 * const { sql, params } = expirySql(policy, now, 1); // "(dataset_type = $1 AND exposure_time <= $2) OR …"
 */
export function expirySql(p: PublicationPolicy, now: number, first: number): { sql: string; params: DuckDBValue[] } {
  const params: DuckDBValue[] = [];
  const col = p.expireFrom === 'exposure' ? 'exposure_time' : 'publication_time';
  const arg = (v: DuckDBValue): string => (params.push(v), `$${first + params.length - 1}`);
  const parts: string[] = [];
  const named = Object.keys(p.types);
  for (const name of named) {
    const days = p.types[name].expireAfterDays;
    if (days !== null) parts.push(`(dataset_type = ${arg(name)} AND ${col} <= ${arg(now - days * DAY_MS)})`);
  }
  if (p.default.expireAfterDays !== null) {
    const notNamed = named.length === 0 ? 'true' : `dataset_type NOT IN (${named.map((n) => arg(n)).join(', ')})`;
    parts.push(`(${notNamed} AND ${col} <= ${arg(now - p.default.expireAfterDays * DAY_MS)})`);
  }
  return { sql: parts.length === 0 ? 'false' : `(${parts.join(' OR ')})`, params };
}
