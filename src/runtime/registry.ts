/**
 * The table of step types a graph spec can name. Factories load lazily, so a
 * graph that never reads Kafka never loads node-rdkafka, and a worker only
 * loads the step modules it runs.
 */
import { pathToFileURL } from 'node:url';
import { resolve as resolvePath } from 'node:path';
import { AlertflowError } from '../errors.js';
import type { StepKind, StepSpec } from './graph.js';
import type { BatchStepFactory, SinkFactory, SourceFactory } from './types.js';

type Loader<T> = () => Promise<T>;

const batchSteps: Record<string, Loader<BatchStepFactory>> = {
  decode: async () => (await import('../formats/avro/decode-step.js')).createDecodeStep as unknown as BatchStepFactory,
  filter: async () => (await import('./steps/filter.js')).createFilterStep,
  select: async () => (await import('./steps/select.js')).createSelectStep,
  associate: async () => (await import('../operators/associate.js')).createAssociateStep as unknown as BatchStepFactory,
  'filter-extendedness': async () => (await import('../filters/extendedness-step.js')).createFilterExtendednessStep as unknown as BatchStepFactory,
  'package-alert': async () => (await import('../alerts/step.js')).createPackageAlertStep as unknown as BatchStepFactory,
  cutout: async () => (await import('../operators/cutout.js')).createCutoutStep as unknown as BatchStepFactory,
  'forced-measure': async () => (await import('../photometry/step.js')).createForcedMeasureStep as unknown as BatchStepFactory,
  window: async () => (await import('./steps/window.js')).createWindowStep as unknown as BatchStepFactory,
  frame: async () => (await import('../formats/frame.js')).createFrameStep as unknown as BatchStepFactory,
  'seed001-row': async () => (await import('../sinks/seed001-row-step.js')).createSeed001RowStep as unknown as BatchStepFactory,
  'prompt-output-parse': async () => (await import('../publication/intake.js')).createPromptOutputParseStep as unknown as BatchStepFactory,
};

const sources: Record<string, Loader<SourceFactory>> = {
  'avro-file': async () => (await import('../sources/avro-file.js')).createAvroFileSource as unknown as SourceFactory,
  kafka: async () => (await import('../kafka/consumer-source.js')).createKafkaSource as unknown as SourceFactory,
  simulate: async () => (await import('../sources/simulated.js')).createSimulatedSource as unknown as SourceFactory,
  'prompt-output-files': async () => (await import('../publication/files-source.js')).createPromptOutputFilesSource as unknown as SourceFactory,
};

const sinks: Record<string, Loader<SinkFactory>> = {
  'avro-file': async () => (await import('../sinks/avro-file.js')).createAvroFileSink as unknown as SinkFactory,
  jsonl: async () => (await import('../sinks/jsonl.js')).createJsonlSink as SinkFactory,
  kafka: async () => (await import('../kafka/producer-sink.js')).createKafkaSink as unknown as SinkFactory,
  'tar-archive': async () => (await import('../sinks/tar-archive.js')).createTarArchiveSink as unknown as SinkFactory,
  'seed001-csv': async () => (await import('../sinks/seed001-csv.js')).createSeed001CsvSink as unknown as SinkFactory,
  duckdb: async () => (await import('../stores/duckdb/sink.js')).createDuckdbSink as unknown as SinkFactory,
  'publication-state': async () => ((config: Record<string, unknown>) => import('../publication/intake.js').then((m) => m.createPublicationStateSink(config))) as unknown as SinkFactory,
};

/**
 * True when `type` names a registered type of that kind. `module` (a factory
 * exported by a user's module) is always allowed, and so is `external` for
 * sources and sinks whose instances the embedding code passes to runGraph.
 */
export function isKnownType(kind: StepKind, type: string): boolean {
  if (type === 'module' || (type === 'external' && kind !== 'step')) return true;
  const table = kind === 'source' ? sources : kind === 'sink' ? sinks : batchSteps;
  return Object.hasOwn(table, type);
}

/** Names of the registered types, for `--help` and error messages. */
export function knownTypes(): Record<StepKind, string[]> {
  return { source: [...Object.keys(sources), 'module', 'external'], step: [...Object.keys(batchSteps), 'module'], sink: [...Object.keys(sinks), 'module', 'external'] };
}

/**
 * Rewrites a `module` step's `config.module` to an absolute file URL, so that
 * a worker thread resolves it the same way as the main thread.
 */
export function resolveStepSpec(step: StepSpec, baseDir = process.cwd()): StepSpec {
  if (step.type !== 'module') return step;
  const mod = step.config?.module;
  if (typeof mod !== 'string' || mod === '') throw new AlertflowError('ERR_STEP_CONFIG', `step "${step.id}": a module step needs config.module (a path or URL)`, { step: step.id });
  const url = /^[a-z]+:/i.test(mod) ? mod : pathToFileURL(resolvePath(baseDir, mod)).href;
  return { ...step, config: { ...step.config, module: url } };
}

async function loadModuleExport<T>(step: StepSpec): Promise<T> {
  const config = step.config ?? {};
  const name = typeof config.export === 'string' ? config.export : 'default';
  let mod: Record<string, unknown>;
  try {
    mod = await import(String(config.module));
  } catch (err) {
    throw new AlertflowError('ERR_STEP_CONFIG', `step "${step.id}": cannot load module ${String(config.module)}: ${(err as Error).message}`, { step: step.id }, { cause: err });
  }
  const factory = mod[name];
  if (typeof factory !== 'function') throw new AlertflowError('ERR_STEP_CONFIG', `step "${step.id}": module ${String(config.module)} has no function export "${name}"`, { step: step.id });
  return factory as T;
}

async function lookup<T>(table: Record<string, Loader<T>>, step: StepSpec): Promise<T> {
  if (step.type === 'module') return loadModuleExport<T>(step);
  if (step.type === 'external') throw new AlertflowError('ERR_STEP_CONFIG', `${step.kind} "${step.id}" is external: pass its instance in the run options (sources/sinks)`, { step: step.id });
  const loader = table[step.type];
  if (!loader) throw new AlertflowError('ERR_STEP_UNKNOWN', `step "${step.id}": unknown ${step.kind} type "${step.type}"`, { step: step.id, type: step.type });
  return loader();
}

/** The factory of a batch step. */
export const batchStepFactory = (step: StepSpec): Promise<BatchStepFactory> => lookup(batchSteps, step);
/** The factory of a source. */
export const sourceFactory = (step: StepSpec): Promise<SourceFactory> => lookup(sources, step);
/** The factory of a sink. */
export const sinkFactory = (step: StepSpec): Promise<SinkFactory> => lookup(sinks, step);
