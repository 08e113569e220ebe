/**
 * Measurement flags of forced photometry, as a bit mask internally and as
 * names in records (readable, JSON- and structured-clone-safe).
 */

/**
 * Flag names, in the order they are listed.
 * - `forced`: always set (the position was given, not fitted; DPDD's "forced" DiaSource).
 * - `edge`: the fitting box was clipped by the image border.
 * - `nan`: the box held masked pixels (NaN data, or non-finite / non-positive variance); they were skipped.
 * - `outside`: the position is off the image (or has no WCS solution); no measurement.
 * - `zeroWeight`: no usable pixel carried model weight; flux and error are NaN.
 *
 * @example
 * FLAG_NAMES.indexOf('edge') // 1
 */
export const FLAG_NAMES = ['forced', 'edge', 'nan', 'outside', 'zeroWeight'] as const;

/**
 * One flag name.
 *
 * @example
 * const f: ForcedFlag = 'edge';
 */
export type ForcedFlag = (typeof FLAG_NAMES)[number];

/**
 * Bit of each flag in a mask.
 *
 * @example
 * (mask & FLAG_BITS.edge) !== 0
 */
export const FLAG_BITS: Readonly<Record<ForcedFlag, number>> = { forced: 1, edge: 2, nan: 4, outside: 8, zeroWeight: 16 };

/**
 * Names of the flags set in a mask, in {@link FLAG_NAMES} order.
 *
 * @example
 * flagNames(FLAG_BITS.forced | FLAG_BITS.edge) // ['forced', 'edge']
 */
export function flagNames(mask: number): ForcedFlag[] {
  return FLAG_NAMES.filter((n) => (mask & FLAG_BITS[n]) !== 0);
}

/**
 * The compact text form used in CSV output: names joined by `|`.
 *
 * @example
 * formatFlags(['forced', 'edge']) // 'forced|edge'
 */
export function formatFlags(flags: readonly string[]): string {
  return flags.join('|');
}
