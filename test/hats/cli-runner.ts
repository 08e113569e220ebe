/**
 * Test helper: runs the HATS commands in a child process (`node cli-runner.js
 * export hats …` / `hats compact …`) without depending on the CLI's wiring in
 * src/cli/main.ts. Typed errors exit 1 (2 for usage) with `CODE: message`.
 */
import { Command } from 'commander';
import { isAlertflowError } from '../../src/errors.js';
import { registerExportHatsCommand, registerHatsCommand } from '../../src/cli/commands/hats.js';

const program = new Command('alertflow');
registerExportHatsCommand(program.command('export'));
registerHatsCommand(program);
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (!isAlertflowError(err)) throw err;
  process.stderr.write(`alertflow: ${err.code}: ${err.message}\n`);
  process.exitCode = err.code === 'ERR_CLI_USAGE' ? 2 : 1;
}
