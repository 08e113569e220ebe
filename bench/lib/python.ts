/** The Python peers: scripts in test/oracles/bench_*.py run with the oracle venv. */
import { oracleScript, pythonOracle, runPython } from '../../src/testing/python.js';
import { lastJsonLine, tailOf } from './child-output.js';

/** Why a Python peer is skipped, or undefined when the venv is there. */
export function pythonMissing(): string | undefined {
  return pythonOracle() ? undefined : 'Python venv not found (.venv/bin/python or ALERTFLOW_PYTHON): run `bash scripts/setup-python.sh` (npm run oracle:venv)';
}

/**
 * Runs `test/oracles/<script>` and parses the one JSON object it prints last.
 * Rejects with the script's stderr when it fails.
 *
 * @example
 * const r = await runPeer('bench_fastavro_decode.py', [schemaDir, framesFile]);
 */
export async function runPeer<T = Record<string, unknown>>(script: string, args: string[]): Promise<T> {
  const { stdout, stderr, code } = await runPython(oracleScript(script), args);
  if (code !== 0) throw new Error(`${script} exited with ${code}: ${tailOf(stderr, 5)}`);
  return lastJsonLine<T>(stdout, script);
}
