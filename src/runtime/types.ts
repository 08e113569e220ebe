/**
 * Interfaces between the executor and the things it runs: sources, sinks and
 * batch steps. Sources and sinks live on the main thread; batch steps are
 * plain functions that run in-process or inside a Piscina worker.
 */
import type { ErrorData } from '../errors.js';

/** A position in a source: a Kafka partition offset or a file record index. */
export interface Position {
  /** Partition key: the Kafka partition number, or a file path. */
  partition: string;
  /** Offset of this record within its partition (monotonic, dense or not). */
  offset: number;
}

/** One record as a source produces it. */
export interface SourceRecord<T = unknown> {
  value: T;
  position: Position;
  /** Event time in ms since the epoch, when the source knows it (Kafka timestamp, alert time). */
  eventTime?: number;
  /** Original bytes, kept for the dead-letter output. */
  bytes?: Uint8Array;
  key?: string;
  /**
   * Set when the source could not read this record (a corrupt or truncated
   * file block): it goes straight to the dead letters and `value` is unused.
   */
  error?: ErrorData;
}

/**
 * A source of records. The executor pulls batches only while it has room for
 * more in-flight records, so a source must read no further than it is pulled
 * (backpressure: Kafka sources pause, file sources stop reading).
 */
export interface Source<T = unknown> {
  /** Yields batches until the input ends or `signal` aborts. */
  batches(signal: AbortSignal): AsyncIterable<SourceRecord<T>[]>;
  /**
   * Commits progress: for each partition, the offset of the next record to read.
   * Everything below it has been acknowledged by every sink.
   */
  commit(next: Map<string, number>): Promise<void>;
  /** Records known to be waiting in the input but not yet pulled (consumer lag), when known. */
  lag?(): number | undefined;
  close(): Promise<void>;
}

/** A record on its way to a sink. */
export interface SinkRecord<T = unknown> {
  value: T;
  /** Idempotency key (for example a diaSourceId as a decimal string), when the step sets one. */
  key?: string;
  position: Position;
}

/** A sink. `write` resolves only when the batch is durable; that is the acknowledgement. */
export interface Sink<T = unknown> {
  write(batch: SinkRecord<T>[]): Promise<void>;
  /**
   * Most `write` calls the runtime keeps outstanding at once (default 1). A
   * sink that allows more still applies batches in call order and resolves
   * each only once it is durable; it overlaps their stages (seed001-csv
   * writes one batch's cutouts while it appends the previous batch's rows).
   */
  readonly writesInFlight?: number;
  /** Describes where the output went, for the run summary (a path, a topic). */
  describe?(): string;
  close(): Promise<void>;
}

/** Outcome of one record in a batch step: zero or more outputs, or a failure. */
export type RecordResult<O = unknown> =
  | {
      ok: true;
      out: O[];
      /** Stateful steps only: the step keeps this input in its state, so its delivery stays open. */
      hold?: boolean;
      /** Stateful steps only: the k oldest held inputs are released once this result's outputs are acknowledged. */
      releaseHeld?: number;
    }
  | { ok: false; error: ErrorData };

/**
 * A batch step: the science core of an operator, as a plain function over a
 * batch of values. Results line up with inputs (one result per input). It
 * runs in-process or in a worker, so inputs and outputs must survive
 * structured clone.
 */
export type BatchFn<I = unknown, O = unknown> = (batch: I[]) => RecordResult<O>[] | Promise<RecordResult<O>[]>;

/**
 * A batch step with state across batches (a count window). `flush` is called
 * once when the upstream is exhausted, before sinks close; its outputs derive
 * from every input still held. Stateful steps run in-process only (their state
 * lives in one place), one instance per run.
 */
export interface StatefulBatchFn<I = unknown, O = unknown> {
  (batch: I[]): RecordResult<O>[] | Promise<RecordResult<O>[]>;
  flush?(): RecordResult<O>[] | Promise<RecordResult<O>[]>;
  /** Set by factories whose steps hold inputs even without a flush. */
  stateful?: true;
}

/** Creates a batch function from a step's JSON config. */
export type BatchStepFactory = (config: Record<string, unknown>) => BatchFn | Promise<BatchFn>;
export type SourceFactory = (config: Record<string, unknown>) => Source | Promise<Source>;
export type SinkFactory = (config: Record<string, unknown>) => Sink | Promise<Sink>;
