/** The `alertflow` command line. Every command has --help. */
import { Command } from 'commander';
import { isAlertflowError } from '../errors.js';
import { registerRunCommand } from './commands/run.js';
import { registerSimulateCommand } from './commands/simulate.js';
import { registerInspectCommand } from './commands/inspect.js';
import { registerReplayCommand } from './commands/replay.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerKafkaCommand } from './commands/kafka.js';
import { registerForcedPhotometryCommand } from './commands/forced-photometry.js';
import { registerAssociateCommand } from './commands/associate.js';
import { registerCutoutCommand } from './commands/cutout.js';
import { registerFilterExtendednessCommand } from './commands/filter-extendedness.js';
import { registerExportParquetCommand } from './commands/export-parquet.js';
import { registerExportHatsCommand, registerHatsCommand } from './commands/hats.js';
import { registerArchiveCommand } from './commands/archive.js';
import { registerRetentionCommand } from './commands/retention.js';
import { registerStreamingMosaicCommand } from './commands/streaming-mosaic.js';
import { registerPublicationCommand } from './commands/publication.js';
import { VERSION } from '../index.js';

/** Builds the program (exported for tests that check --help texts). */
export function buildProgram(): Command {
  const program = new Command('alertflow')
    .description('Dataflow runtime and operators for astronomy alert streams (Rubin, ZTF, Roman)')
    .version(VERSION)
    .showHelpAfterError();
  registerDemoCommand(program);
  registerSimulateCommand(program);
  registerInspectCommand(program);
  registerReplayCommand(program);
  registerRunCommand(program);
  registerAssociateCommand(program);
  registerForcedPhotometryCommand(program);
  registerCutoutCommand(program);
  registerFilterExtendednessCommand(program);
  const exportCommand = program.command('export').description('Export candidate tables and catalogs (Parquet, HATS)');
  registerExportParquetCommand(exportCommand);
  registerExportHatsCommand(exportCommand);
  registerHatsCommand(program);
  registerArchiveCommand(program);
  registerRetentionCommand(program);
  registerStreamingMosaicCommand(program);
  registerPublicationCommand(program);
  registerKafkaCommand(program);
  return program;
}

/**
 * Runs the CLI. Typed errors print their code and message, not a stack.
 *
 * @example
 * await main(process.argv);
 */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (isAlertflowError(err)) {
      process.stderr.write(`alertflow: ${err.code}: ${err.message}\n`);
      process.exitCode = err.code === 'ERR_CLI_USAGE' ? 2 : 1;
      return;
    }
    throw err;
  }
}
