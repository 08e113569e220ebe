/**
 * The graph spec: a plain, JSON-serialisable description of a dataflow —
 * sources, batch steps and sinks joined by their `inputs` — that is validated
 * before it runs. Build one with {@link GraphBuilder} or write it as JSON.
 */
import { AlertflowError } from '../errors.js';

export type StepKind = 'source' | 'step' | 'sink';

/** One node of the graph. */
export interface StepSpec {
  /** Unique id, used in errors, metrics and dead letters. */
  id: string;
  kind: StepKind;
  /** Registered type, e.g. `avro-file`, `decode`, `filter`, `jsonl`, or `module`. */
  type: string;
  /** Plain-JSON configuration handed to the type's factory. */
  config?: Record<string, unknown>;
  /** Ids of upstream nodes (empty for sources). */
  inputs?: string[];
  /** Batch steps only: run on the worker pool instead of in-process. */
  pool?: boolean;
  /** Records per batch for batch steps and sinks. */
  batchSize?: number;
  /** Sinks only: dotted path of the idempotency key in each record, e.g. `alert.diaSourceId`. */
  key?: string;
}

/** A whole graph. */
export interface GraphSpec {
  name: string;
  steps: StepSpec[];
  /** Where failed records go; defaults to a JSONL file chosen by the runner. */
  deadLetter?: { type: string; config?: Record<string, unknown> };
}

const ID_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/**
 * Checks a spec and returns its nodes in topological order. Every problem is
 * reported as ERR_GRAPH_INVALID with the offending step's id in `details.step`.
 *
 * @example
 * const order = validateGraph(spec); // throws AlertflowError on a cycle, a dangling input, …
 */
export function validateGraph(spec: GraphSpec, knownTypes?: (kind: StepKind, type: string) => boolean): StepSpec[] {
  const fail = (step: string | undefined, message: string): never => {
    throw new AlertflowError('ERR_GRAPH_INVALID', step ? `step "${step}": ${message}` : message, { step, graph: spec?.name });
  };
  if (!spec || typeof spec !== 'object') fail(undefined, 'graph spec must be an object');
  if (typeof spec.name !== 'string' || spec.name === '') fail(undefined, 'graph needs a non-empty "name"');
  if (!Array.isArray(spec.steps) || spec.steps.length === 0) fail(undefined, 'graph needs at least one step');
  const byId = new Map<string, StepSpec>();
  for (const step of spec.steps) {
    if (typeof step.id !== 'string' || !ID_PATTERN.test(step.id)) fail(String(step.id), 'id must start with a letter and use only letters, digits, "_", "-" or "."');
    if (byId.has(step.id)) fail(step.id, 'duplicate step id');
    if (!['source', 'step', 'sink'].includes(step.kind)) fail(step.id, `kind must be source, step or sink (got ${JSON.stringify(step.kind)})`);
    if (typeof step.type !== 'string' || step.type === '') fail(step.id, 'missing "type"');
    if (knownTypes && !knownTypes(step.kind, step.type)) fail(step.id, `unknown ${step.kind} type "${step.type}"`);
    if (step.config !== undefined && (typeof step.config !== 'object' || step.config === null || Array.isArray(step.config))) fail(step.id, '"config" must be an object');
    if (step.batchSize !== undefined && (!Number.isInteger(step.batchSize) || step.batchSize < 1)) fail(step.id, '"batchSize" must be a positive integer');
    if (step.pool && step.kind !== 'step') fail(step.id, 'only batch steps can run on the pool');
    if (step.key !== undefined && step.kind !== 'sink') fail(step.id, '"key" is for sinks');
    byId.set(step.id, step);
  }
  const consumers = new Map<string, number>();
  for (const step of spec.steps) {
    const inputs = step.inputs ?? [];
    if (step.kind === 'source' && inputs.length > 0) fail(step.id, 'a source takes no inputs');
    if (step.kind !== 'source' && inputs.length === 0) fail(step.id, 'needs at least one input');
    for (const input of inputs) {
      const up = byId.get(input);
      if (!up) fail(step.id, `input "${input}" is not a step of this graph`);
      if (up!.kind === 'sink') fail(step.id, `input "${input}" is a sink; sinks have no output`);
      consumers.set(input, (consumers.get(input) ?? 0) + 1);
    }
  }
  for (const step of spec.steps) {
    if (step.kind !== 'sink' && !consumers.get(step.id)) fail(step.id, 'its output goes nowhere (add a sink)');
  }
  return topologicalOrder(spec.steps, fail);
}

function topologicalOrder(steps: StepSpec[], fail: (step: string, message: string) => never): StepSpec[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const byId = new Map(steps.map((s) => [s.id, s]));
  const order: StepSpec[] = [];
  const visit = (step: StepSpec, path: string[]): void => {
    const s = state.get(step.id);
    if (s === 'done') return;
    if (s === 'visiting') fail(step.id, `cycle: ${[...path, step.id].join(' -> ')}`);
    state.set(step.id, 'visiting');
    for (const input of step.inputs ?? []) visit(byId.get(input)!, [...path, step.id]);
    state.set(step.id, 'done');
    order.push(step);
  };
  for (const step of steps) visit(step, []);
  return order;
}

/** Ids of the nodes that read `id`'s output. */
export function consumersOf(spec: GraphSpec, id: string): string[] {
  return spec.steps.filter((s) => (s.inputs ?? []).includes(id)).map((s) => s.id);
}
