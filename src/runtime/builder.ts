/**
 * Fluent construction of a {@link GraphSpec}. Each call adds a node whose
 * input defaults to the node added just before it; pass `from` to branch.
 */
import type { GraphSpec, StepSpec } from './graph.js';
import { validateGraph } from './graph.js';

export interface NodeOptions {
  /** Upstream node ids; defaults to the previously added node. */
  from?: string | string[];
  pool?: boolean;
  batchSize?: number;
  key?: string;
}

/**
 * @example
 * const spec = graph('demo')
 *   .source('alerts', 'avro-file', { path: 'night.avro' })
 *   .step('decode', 'decode', {}, { pool: true })
 *   .step('bright', 'filter', { where: { field: 'alert.diaSource.snr', op: '>=', value: 5 } })
 *   .sink('archive', 'avro-file', { path: 'out.avro' })
 *   .sink('summary', 'jsonl', { path: 'out.jsonl' }, { from: 'bright' })
 *   .build();
 */
export class GraphBuilder {
  private readonly steps: StepSpec[] = [];
  private deadLetter: GraphSpec['deadLetter'];
  private last: string | undefined;

  constructor(private readonly name: string) {}

  source(id: string, type: string, config: Record<string, unknown> = {}): this {
    return this.add({ id, kind: 'source', type, config }, undefined);
  }

  step(id: string, type: string, config: Record<string, unknown> = {}, options: NodeOptions = {}): this {
    return this.add({ id, kind: 'step', type, config }, options);
  }

  sink(id: string, type: string, config: Record<string, unknown> = {}, options: NodeOptions = {}): this {
    return this.add({ id, kind: 'sink', type, config }, options);
  }

  /** Where failed records go (a sink type and its config). */
  deadLetters(type: string, config: Record<string, unknown> = {}): this {
    this.deadLetter = { type, config };
    return this;
  }

  /** Returns the validated spec. */
  build(): GraphSpec {
    const spec: GraphSpec = { name: this.name, steps: this.steps.map((s) => ({ ...s })), ...(this.deadLetter ? { deadLetter: this.deadLetter } : {}) };
    validateGraph(spec);
    return spec;
  }

  private add(step: StepSpec, options: NodeOptions | undefined): this {
    if (step.kind !== 'source') {
      const from = options?.from ?? this.last;
      step.inputs = from === undefined ? [] : Array.isArray(from) ? from : [from];
      if (options?.pool) step.pool = true;
      if (options?.batchSize) step.batchSize = options.batchSize;
      if (options?.key) step.key = options.key;
    }
    this.steps.push(step);
    // A sink has no output, so the next node keeps reading what the sink read.
    if (step.kind !== 'sink') this.last = step.id;
    return this;
  }
}

/** Starts a new graph. */
export function graph(name: string): GraphBuilder {
  return new GraphBuilder(name);
}
