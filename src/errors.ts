/**
 * Typed errors. Every error alertflow raises carries a stable string `code`
 * (`ERR_…`) that tests and callers match on, plus plain-data `details`.
 * Errors thrown inside a worker are serialised with {@link toErrorData} and
 * rebuilt on the main thread with {@link fromErrorData}, so the code survives.
 *
 * @example
 * try { decodeWire(buf) } catch (e) { if (isAlertflowError(e, 'ERR_WIRE_MAGIC')) … }
 */
export type ErrorCode =
  // formats
  | 'ERR_AVRO_DECODE'
  | 'ERR_AVRO_TRUNCATED'
  | 'ERR_AVRO_TRAILING_BYTES'
  | 'ERR_AVRO_ENCODE'
  | 'ERR_OCF_HEADER'
  | 'ERR_OCF_CODEC'
  | 'ERR_OCF_SYNC'
  | 'ERR_WIRE_MAGIC'
  | 'ERR_WIRE_EMPTY'
  | 'ERR_WIRE_TRUNCATED'
  | 'ERR_SCHEMA_UNKNOWN'
  | 'ERR_SCHEMA_INVALID'
  | 'ERR_REGISTRY_UNAVAILABLE'
  | 'ERR_FORMAT_UNKNOWN'
  | 'ERR_FITS'
  | 'ERR_HEALPIX'
  | 'ERR_WCS'
  | 'ERR_HATS'
  // alerts (packaging and alert filters)
  | 'ERR_ALERT_INVALID'
  // runtime
  | 'ERR_GRAPH_INVALID'
  | 'ERR_STEP_UNKNOWN'
  | 'ERR_STEP_CONFIG'
  | 'ERR_STEP_FAILED'
  | 'ERR_PREDICATE'
  | 'ERR_WORKER'
  | 'ERR_SHUTDOWN'
  // io
  | 'ERR_KAFKA'
  | 'ERR_KAFKA_BROKER'
  | 'ERR_IO'
  | 'ERR_CLI_USAGE'
  // simulator
  | 'ERR_SIMULATOR_OPTIONS'
  // association
  | 'ERR_ASSOCIATION'
  // stores (DuckDB tables, Parquet exports)
  | 'ERR_STORE'
  // photometry
  | 'ERR_PHOTOMETRY'
  // archive deliveries and file retention
  | 'ERR_ARCHIVE'
  // streaming mosaic (DSA-110)
  | 'ERR_MOSAIC'
  // prompt publication service (Rubin prompt data products)
  | 'ERR_PUBLICATION';

export interface ErrorData {
  name: string;
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  cause?: ErrorData | { message: string };
  stack?: string;
}

/** Base class of every error alertflow throws on purpose. */
export class AlertflowError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AlertflowError';
    this.code = code;
    this.details = details;
  }
}

/** True when `err` is an AlertflowError (optionally with the given code). */
export function isAlertflowError(err: unknown, code?: ErrorCode): err is AlertflowError {
  return err instanceof AlertflowError && (code === undefined || err.code === code);
}

/** Wraps any thrown value as an AlertflowError, keeping one that already is. */
export function asAlertflowError(err: unknown, fallback: ErrorCode, details: Record<string, unknown> = {}): AlertflowError {
  if (err instanceof AlertflowError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new AlertflowError(fallback, message, details, { cause: err });
}

/** Structured-clone-safe form of an error, for crossing to and from workers. */
export function toErrorData(err: unknown): ErrorData {
  const e = asAlertflowError(err, 'ERR_STEP_FAILED');
  const cause = e.cause instanceof AlertflowError ? toErrorData(e.cause) : e.cause instanceof Error ? { message: e.cause.message } : undefined;
  return { name: e.name, code: e.code, message: e.message, details: jsonSafe(e.details), ...(cause ? { cause } : {}), ...(e.stack ? { stack: e.stack } : {}) };
}

/** Rebuilds an AlertflowError from {@link toErrorData} output. */
export function fromErrorData(data: ErrorData): AlertflowError {
  const cause = data.cause && 'code' in data.cause ? fromErrorData(data.cause as ErrorData) : data.cause ? new Error(data.cause.message) : undefined;
  const e = new AlertflowError(data.code, data.message, data.details ?? {}, cause ? { cause } : undefined);
  if (data.stack) e.stack = data.stack;
  return e;
}

function jsonSafe(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(details)) {
    out[k] = typeof v === 'function' || typeof v === 'symbol' ? String(v) : v;
  }
  return out;
}
