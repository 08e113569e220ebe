/** The `filter` batch step: keeps records for which a JSON predicate holds. */
import type { BatchFn, RecordResult } from '../types.js';
import { compilePredicate, type Predicate } from '../predicate.js';
import { AlertflowError } from '../../errors.js';

/**
 * @example
 * const keep = createFilterStep({ where: { field: 'alert.diaSource.reliability', op: '>=', value: 0.5 } });
 */
export function createFilterStep(config: Record<string, unknown>): BatchFn {
  if (config.where === undefined) throw new AlertflowError('ERR_STEP_CONFIG', 'filter needs a "where" predicate');
  const test = compilePredicate(config.where as Predicate);
  return (batch) => batch.map((value): RecordResult => ({ ok: true, out: test(value) ? [value] : [] }));
}
