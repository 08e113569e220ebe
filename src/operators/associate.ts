/**
 * `associate`: DiaSource → DiaObject / SSObject association over a stream of
 * visits (one record per visit, in visit order).
 *
 * The store of DiaObjects is state held by the step, so the step runs
 * in-process, never on the worker pool: a worker would hold its own copy of
 * the store, and visits must be applied one after another to the same one.
 * Scaling beyond one process is by sky region (one store per partition).
 */
import type { OperatorFunction } from 'rxjs';
import { toErrorData } from '../errors.js';
import { associateVisit, resolveAssociationOptions, type AssociationOptions } from '../association/associate-visit.js';
import { InMemoryDiaObjectStore } from '../association/memory-store.js';
import type { DiaObjectStore } from '../association/store.js';
import type { AssociateResult, AssociateVisit, DiaSourceRecord } from '../association/types.js';
import type { BatchFn, RecordResult } from '../runtime/types.js';
import { fromBatchFn, type FromBatchOptions } from './from-batch.js';

/**
 * Step config (plain JSON): match radii in arcsec.
 *
 * @example
 * const config: AssociateConfig = { radiusArcsec: 1, ssoRadiusArcsec: 5 };
 */
export type AssociateConfig = AssociationOptions;

/**
 * In-process dependencies (not JSON): the store to associate against.
 *
 * @example
 * const deps: AssociateDeps = { store: new InMemoryDiaObjectStore(seedObjects) };
 */
export interface AssociateDeps {
  /**
   * Default: a fresh, empty {@link InMemoryDiaObjectStore} per step (per
   * subscription, for the operator). A store passed in is shared by every
   * subscription, so subscribe once.
   */
  store?: DiaObjectStore;
}

/**
 * The batch core: visits in, one {@link AssociateResult} per visit out. Visits
 * are applied in order; a visit that fails (ERR_ASSOCIATION) is reported as
 * that record's failure and leaves the store unchanged, later visits go on.
 * Config errors throw ERR_STEP_CONFIG at creation.
 *
 * @example
 * const step = createAssociateStep({ radiusArcsec: 1 });
 * const [r] = await step([{ visit: 1n, midpointMjdTai: 61000.1, diaSources: [{ diaSourceId: 1n, ra: 10, dec: 20 }] }]);
 */
export function createAssociateStep<S extends DiaSourceRecord = DiaSourceRecord>(config: Record<string, unknown> = {}, deps: AssociateDeps = {}): BatchFn<AssociateVisit<S>, AssociateResult<S>> {
  const options = resolveAssociationOptions(config as AssociateConfig);
  const store = deps.store ?? new InMemoryDiaObjectStore();
  return async (batch) => {
    const results: RecordResult<AssociateResult<S>>[] = [];
    for (const visit of batch) {
      try {
        results.push({ ok: true, out: [await associateVisit(store, visit, options)] });
      } catch (err) {
        results.push({ ok: false, error: toErrorData(err) });
      }
    }
    return results;
  };
}

/**
 * RxJS operator over visits.
 *
 * @example
 * from(visits).pipe(associate({ radiusArcsec: 1 }, { store })).subscribe((r) => console.log(r.matches.length));
 */
export function associate<S extends DiaSourceRecord = DiaSourceRecord>(
  config: AssociateConfig = {},
  options: AssociateDeps & FromBatchOptions<AssociateVisit<S>> = {},
): OperatorFunction<AssociateVisit<S>, AssociateResult<S>> {
  const { store, ...batchOptions } = options;
  return (source) => source.pipe(fromBatchFn(createAssociateStep<S>({ ...config }, { store }), batchOptions));
}
