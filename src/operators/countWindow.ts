/**
 * `countWindow`: count-based tumbling or sliding windows as an RxJS operator,
 * over the same core as the graph's `window` step (so both agree). The
 * incomplete last window is dropped, or emitted with `partial: 'emit'`, when
 * the source completes.
 */
import { defer, type OperatorFunction } from 'rxjs';
import { createWindowStep, parseCountWindowConfig, type CountWindow, type CountWindowConfig } from '../runtime/steps/window.js';
import { fromBatchFn } from './from-batch.js';

/**
 * @example
 * of(0, 1, 2, 3, 4).pipe(countWindow({ size: 3, slide: 2 })) // {values:[0,1,2]}, {values:[2,3,4]}
 */
export function countWindow<T>(config: CountWindowConfig): OperatorFunction<T, CountWindow<T>> {
  parseCountWindowConfig(config as unknown as Record<string, unknown>); // bad config throws at once
  // defer: each subscription gets its own window state.
  return (source) => defer(() => source.pipe(fromBatchFn<T, CountWindow<T>>(createWindowStep<T>(config as unknown as Record<string, unknown>))));
}
