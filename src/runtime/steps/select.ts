/**
 * The `select` batch step: projects each record onto named fields, e.g. a
 * small summary row per alert for a JSONL or CSV sink.
 */
import type { BatchFn, RecordResult } from '../types.js';
import { compilePath } from '../path.js';
import { AlertflowError } from '../../errors.js';

/**
 * @example
 * createSelectStep({ fields: { diaSourceId: 'alert.diaSourceId', snr: 'alert.diaSource.snr' } })
 */
export function createSelectStep(config: Record<string, unknown>): BatchFn {
  const fields = config.fields;
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) {
    throw new AlertflowError('ERR_STEP_CONFIG', 'select needs "fields": an object of output name -> dotted path');
  }
  const getters = Object.entries(fields as Record<string, string>).map(([name, path]) => [name, compilePath(String(path))] as const);
  return (batch) =>
    batch.map((value): RecordResult => {
      const row: Record<string, unknown> = {};
      for (const [name, get] of getters) row[name] = get(value) ?? null;
      return { ok: true, out: [row] };
    });
}
