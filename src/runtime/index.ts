/**
 * The dataflow runtime (`alertflow/runtime`): graph specs and their builder,
 * validation, Mermaid rendering, the executor, the worker pool, metrics.
 *
 * @example
 * import { graph, runGraph } from 'alertflow/runtime';
 */
export { graph, GraphBuilder } from './builder.js';
export type { NodeOptions } from './builder.js';
export { validateGraph, consumersOf } from './graph.js';
export type { GraphSpec, StepSpec, StepKind } from './graph.js';
export { toMermaid } from './mermaid.js';
export { runGraph } from './executor.js';
export type { RunOptions, RunResult, RunHandle, DeadLetter } from './executor.js';
export { DeliveryTracker, deriveToken } from './delivery.js';
export { createWindowStep, countWindows, parseCountWindowConfig } from './steps/window.js';
export type { CountWindow, CountWindowConfig } from './steps/window.js';
export type { DeliveryToken } from './delivery.js';
export { RunMetrics, LatencyHistogram } from './metrics.js';
export type { MetricsSnapshot, StepCounts } from './metrics.js';
export { WorkerPool } from './pool.js';
export type { PoolOptions } from './pool.js';
export { compilePredicate } from './predicate.js';
export type { Predicate, ComparisonOp } from './predicate.js';
export { paced, parsePace } from './paced.js';
export type { Pace } from './paced.js';
export { isKnownType, knownTypes } from './registry.js';
export { runStepBatch } from './step-runner.js';
export { installSignalHandlers } from './shutdown.js';
export type { Source, Sink, SourceRecord, SinkRecord, Position, BatchFn, StatefulBatchFn, RecordResult, BatchStepFactory, SourceFactory, SinkFactory } from './types.js';
