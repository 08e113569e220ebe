/**
 * The `window` batch step: count-based tumbling or sliding windows. Window w
 * holds inputs [w*slide, w*slide + size); it is emitted when its last input
 * arrives. Inputs that a future window still needs are held (their delivery
 * stays open), so a crash replays them instead of losing them. Sliding with
 * size 10 and slide 8 gives 2 inputs of overlap, as the DSA-110 mosaics use.
 */
import { AlertflowError } from '../../errors.js';
import type { RecordResult, StatefulBatchFn } from '../types.js';

/** Configuration of a count window. */
export interface CountWindowConfig {
  /** Inputs per window (N >= 1). */
  size: number;
  /** Inputs between window starts (S >= 1; S = N tumbling, S < N overlapping, S > N leaves gaps). Default: size. */
  slide?: number;
  /** What the end of the stream does with an incomplete last window: drop it (default) or emit it marked partial. */
  partial?: 'drop' | 'emit';
}

/** One emitted window. */
export interface CountWindow<T = unknown> {
  /** Window number, from 0. */
  window: number;
  /** Ordinal of its first input in the stream. */
  first: number;
  values: T[];
  /** True for an incomplete trailing window emitted at the end of the stream. */
  partial: boolean;
}

/**
 * Validates a window config, throwing ERR_STEP_CONFIG.
 *
 * @example
 * parseCountWindowConfig({ size: 10, slide: 8 }) // { size: 10, slide: 8, partial: 'drop' }
 */
export function parseCountWindowConfig(config: Record<string, unknown>): Required<CountWindowConfig> {
  const size = config.size;
  const slide = config.slide ?? size;
  const partial = config.partial ?? 'drop';
  if (!Number.isInteger(size) || (size as number) < 1) throw new AlertflowError('ERR_STEP_CONFIG', 'window needs "size": an integer >= 1', { size });
  if (!Number.isInteger(slide) || (slide as number) < 1) throw new AlertflowError('ERR_STEP_CONFIG', 'window "slide" must be an integer >= 1', { slide });
  if (partial !== 'drop' && partial !== 'emit') throw new AlertflowError('ERR_STEP_CONFIG', 'window "partial" must be "drop" or "emit"', { partial });
  return { size: size as number, slide: slide as number, partial };
}

/**
 * The window state machine as a stateful batch function: one result per
 * input (`hold` for inputs a window still needs, `releaseHeld` when a window
 * is emitted and older inputs are done with), and `flush` at the end.
 *
 * @example
 * const fn = createWindowStep({ size: 10, slide: 8 });
 * fn([...Array(10).keys()]).at(-1) // { ok: true, out: [{ window: 0, first: 0, values: [0..9], partial: false }], hold: true, releaseHeld: 8 }
 */
export function createWindowStep<T = unknown>(config: Record<string, unknown>): StatefulBatchFn<T, CountWindow<T>> {
  const { size, slide, partial } = parseCountWindowConfig(config);
  // Held inputs in arrival order; their ordinals are contiguous only when slide <= size.
  let held: Array<{ index: number; value: T }> = [];
  let count = 0;
  let nextWindow = 0;
  const inSomeWindow = (i: number): boolean => i % slide < size;
  const fn = (batch: T[]): RecordResult<CountWindow<T>>[] =>
    batch.map((value) => {
      const i = count++;
      if (!inSomeWindow(i)) return { ok: true, out: [] };
      held.push({ index: i, value });
      const first = nextWindow * slide;
      if (i !== first + size - 1) return { ok: true, out: [], hold: true };
      const out: CountWindow<T> = { window: nextWindow, first, values: held.filter((h) => h.index >= first).map((h) => h.value), partial: false };
      nextWindow++;
      const keepFrom = nextWindow * slide;
      const before = held.length;
      held = held.filter((h) => h.index >= keepFrom);
      return { ok: true, out: [out], hold: true, releaseHeld: before - held.length };
    });
  const flush = (): RecordResult<CountWindow<T>>[] => {
    const first = nextWindow * slide;
    const tail = held.filter((h) => h.index >= first);
    // Emit only when the tail has an input no emitted window contained.
    const fresh = tail.some((h) => h.index >= (nextWindow - 1) * slide + size || nextWindow === 0);
    held = [];
    if (partial === 'emit' && tail.length > 0 && fresh) return [{ ok: true, out: [{ window: nextWindow, first, values: tail.map((h) => h.value), partial: true }] }];
    return [];
  };
  return Object.assign(fn, { flush, stateful: true as const });
}

/**
 * The windows a finite list falls into, for code outside a stream (the same
 * state machine, so both agree).
 *
 * @example
 * countWindows([1, 2, 3, 4, 5], { size: 3, slide: 2 }) // [[1,2,3],[3,4,5]]
 */
export function countWindows<T>(values: T[], config: CountWindowConfig): CountWindow<T>[] {
  const fn = createWindowStep<T>(config as unknown as Record<string, unknown>);
  const results = [...(fn(values) as RecordResult<CountWindow<T>>[]), ...(fn.flush!() as RecordResult<CountWindow<T>>[])];
  return results.flatMap((r) => (r.ok ? r.out : []));
}
