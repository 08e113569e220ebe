/**
 * The Prompt Publication Service (`alertflow/publication`, seed 003): a
 * DuckDB state database of every prompt data product, intake of
 * prompt-output messages from Kafka or a directory (an alertflow graph,
 * at-least-once), idempotent query -> act -> update tasks that move
 * datasets embargo -> prompt_prep -> repo_main -> public and expire them
 * by policy, Available/Expired TAGGED collections, and a web page with
 * admin commands.
 *
 * @example
 * import { PublicationService, simulatePromptOutput, localRepositories } from 'alertflow/publication';
 * await simulatePromptOutput({ embargo: localRepositories('pps/repos').embargo, messagesDir: 'messages', datasets: 100 });
 * const pps = await PublicationService.open({ root: 'pps' });
 * await pps.ingest({ kind: 'files', dir: 'messages' });
 * await pps.runUntilIdle();
 * await pps.close();
 */
export { PublicationService } from './service.js';
export type { PublicationServiceOptions, PassSummary, IngestResult } from './service.js';
export { PublicationDb, REPOSITORIES } from './state-db.js';
export type { DatasetRow, EventRow, NewDataset, RepoStatus, RepositoryName } from './state-db.js';
export { LocalDirectoryRepository, localRepositories } from './repository.js';
export type { RepositoryBackend, Repositories, DatasetMetadata } from './repository.js';
export { DEFAULT_POLICY, parsePolicy, loadPolicy, expiryTime, unembargoTime, ruleFor, expirySql } from './policy.js';
export type { PublicationPolicy, ExpiryRule } from './policy.js';
export { parsePromptOutput } from './messages.js';
export type { PromptOutputMessage, PromptOutputDataset } from './messages.js';
export { intakeGraph, createPromptOutputParseStep, createPublicationStateSink } from './intake.js';
export type { IntakeSource, PublicationStateSink, PublicationStateSinkConfig } from './intake.js';
export { createPromptOutputFilesSource } from './files-source.js';
export type { PromptOutputFilesConfig } from './files-source.js';
export { TASKS, TASK_NAMES, AVAILABLE, EXPIRED, taskNamed, readySql } from './tasks.js';
export type { PublicationTask, TaskContext, TaskName } from './tasks.js';
export { statusCounts, STATUS_VALUES } from './status.js';
export type { StatusCounts } from './status.js';
export { servePublication, renderStatusPage, renderDatasetPage } from './web.js';
export type { ServePublicationOptions } from './web.js';
export { simulatePromptOutput } from './sim.js';
export type { SimulatePromptOutputOptions } from './sim.js';
