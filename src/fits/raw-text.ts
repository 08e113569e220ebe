/**
 * The original text of parsed header cards, so that a card read from a file
 * and written back unchanged keeps its exact formatting (`-2.7E-05` stays
 * as written, a `SIMPLE  =  T` keeps its column). Kept in a WeakMap beside
 * the card objects: cards stay plain data, and a card that was edited (or
 * cloned to a worker) is simply formatted afresh.
 */
import type { FitsCard } from './header.js';

interface Snapshot {
  lines: string[];
  key: string;
  value: FitsCard['value'];
  comment: string | undefined;
  real: boolean | undefined;
}

const RAW = new WeakMap<FitsCard, Snapshot>();

/**
 * Remembers the 80-character lines a card was parsed from.
 *
 * @example
 * rememberRaw(card, [text]);
 */
export function rememberRaw(card: FitsCard, lines: string[]): void {
  RAW.set(card, { lines, key: card.key, value: card.value, comment: card.comment, real: card.real });
}

/**
 * The lines a card was parsed from, when it has not changed since.
 *
 * @example
 * rawLines(card) ?? formatAfresh(card)
 */
export function rawLines(card: FitsCard): string[] | undefined {
  const s = RAW.get(card);
  if (!s) return undefined;
  const same = s.key === card.key && s.comment === card.comment && s.real === card.real && (s.value === card.value || (Number.isNaN(s.value) && Number.isNaN(card.value)));
  return same ? s.lines : undefined;
}
