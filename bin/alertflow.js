#!/usr/bin/env node
// Entry point of the `alertflow` command; the CLI itself is compiled TypeScript.
import { main } from '../dist/src/cli/main.js';

main(process.argv).catch((err) => {
  console.error(err?.stack ?? String(err));
  process.exit(1);
});
