/**
 * Access to the Python oracle environment (`.venv`, made by
 * `scripts/setup-python.sh`). Tests and benches only, never product code.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from './repo-root.js';

/**
 * Why oracle tests skip when the environment is missing.
 *
 * @example
 * test('x', { skip: pythonOracle() ? false : PYTHON_ORACLE_MISSING }, () => {});
 */
export const PYTHON_ORACLE_MISSING = 'Python oracle venv not found: run `npm run oracle:venv` (scripts/setup-python.sh) to enable this test';

/**
 * The oracle interpreter (`ALERTFLOW_PYTHON`, else `<repo>/.venv/bin/python`), or undefined if absent.
 *
 * @example
 * test('astropy agrees', { skip: pythonOracle() ? false : PYTHON_ORACLE_MISSING }, async () => { … });
 */
export function pythonOracle(): { python: string } | undefined {
  const env = process.env.ALERTFLOW_PYTHON;
  if (env && existsSync(env)) return { python: env };
  const p = join(repoRoot(), '.venv', 'bin', 'python');
  return existsSync(p) ? { python: p } : undefined;
}

/**
 * Path of an oracle script in `test/oracles/`.
 *
 * @example
 * oracleScript('fits_check.py') // '/…/test/oracles/fits_check.py'
 */
export function oracleScript(name: string): string {
  return resolve(repoRoot(), 'test', 'oracles', name);
}

/**
 * Runs a Python script with the oracle interpreter; `input` is written to stdin.
 * Resolves (never rejects) with the exit code; rejects only if the venv is missing.
 *
 * @example
 * const { stdout, code } = await runPython(oracleScript('fits_check.py'), [file]);
 */
export function runPython(script: string, args: string[], input?: string | Buffer): Promise<{ stdout: string; stderr: string; code: number }> {
  const oracle = pythonOracle();
  if (!oracle) return Promise.reject(new Error(PYTHON_ORACLE_MISSING));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(oracle.python, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code: code ?? -1 }));
    child.stdin.on('error', () => {}); // the script may exit without reading stdin
    child.stdin.end(input ?? '');
  });
}
