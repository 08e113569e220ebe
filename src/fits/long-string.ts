/**
 * Long string values: the FITS `CONTINUE` convention (FITS Standard 4.0,
 * section 4.2.1.2). A string too long for one card is split into pieces;
 * every piece but the last ends with `&`, and each following piece sits on a
 * `CONTINUE` card (columns 1–8 `CONTINUE`, value from column 11).
 */
import type { FitsCard } from './header.js';
import { rememberRaw } from './raw-text.js';

/** Characters of escaped string text that fit between the quotes of one card, leaving room for `&`. */
const PIECE = 67;

/**
 * Splits an (unescaped) string value into escaped pieces of at most 67
 * characters, never separating the two quotes of an escaped `''`.
 *
 * @example
 * splitLongString('x'.repeat(100)).length // 2
 */
export function splitLongString(value: string): string[] {
  const esc = value.replace(/'/g, "''");
  const pieces: string[] = [];
  let i = 0;
  while (i < esc.length) {
    let j = Math.min(esc.length, i + PIECE);
    // Count quotes in the piece: an odd count means j would split a doubled quote.
    const quotes = (esc.slice(i, j).match(/'/g) ?? []).length;
    if (quotes % 2 === 1) j -= 1;
    pieces.push(esc.slice(i, j));
    i = j;
  }
  return pieces.length > 0 ? pieces : [''];
}

/**
 * Renders a keyword whose string value needs CONTINUE cards. The comment goes
 * on the last card when it fits there, otherwise on extra `''` CONTINUE cards.
 *
 * @example
 * formatLongStringCard('LONGSTR', 'a'.repeat(100), 'note').length // 2
 */
export function formatLongStringCard(key: string, value: string, comment: string): string[] {
  const pieces = splitLongString(value);
  // Comments longer than what fits after the last piece are carried on CONTINUE cards of their own.
  const commentPieces: string[] = [];
  let rest = comment;
  const lastLen = 10 + pieces[pieces.length - 1]!.length + 2;
  if (rest && lastLen + 3 + rest.length > 80) {
    // Split at a blank where possible: readers join the pieces with one blank.
    const room = 80 - 14 - 3;
    while (rest.length > room) {
      const cut = rest.lastIndexOf(' ', room);
      const at = cut > 0 ? cut : room;
      commentPieces.push(rest.slice(0, at));
      rest = rest.slice(cut > 0 ? at + 1 : at);
    }
    commentPieces.push(rest);
  }
  const allPieces = commentPieces.length > 0 ? [...pieces, ...commentPieces.map(() => '')] : pieces;
  return allPieces.map((p, i) => {
    const head = i === 0 ? `${key.padEnd(8)}= ` : 'CONTINUE  ';
    const more = i < allPieces.length - 1 ? '&' : '';
    let text = `${head}'${p}${more}'`;
    if (commentPieces.length > 0 && i >= pieces.length) text += ` / ${commentPieces[i - pieces.length]}`;
    else if (commentPieces.length === 0 && i === allPieces.length - 1 && comment) text += ` / ${comment}`;
    return text.padEnd(80);
  });
}

/**
 * Folds CONTINUE cards into the string value before them. `continuations[i]`
 * is the raw value field (columns 11–80) of card i when it is a CONTINUE
 * card. A CONTINUE card that does not follow a string ending in `&` is kept
 * as commentary, as the convention asks.
 *
 * @example
 * foldContinueCards(cards, fields, lines) // [{ key: 'LONGSTR', value: 'aaaa…' }]
 */
export function foldContinueCards(cards: FitsCard[], continuations: (string | undefined)[], texts?: string[]): FitsCard[] {
  const out: FitsCard[] = [];
  const lines: string[][] = [];
  for (let i = 0; i < cards.length; i++) {
    const c = cards[i]!;
    const piece = continuations[i];
    const prev = out[out.length - 1];
    if (c.key === 'CONTINUE' && piece !== undefined && prev && typeof prev.value === 'string' && prev.value.endsWith('&')) {
      const { text, comment } = parseContinueValue(piece);
      prev.value = prev.value.slice(0, -1) + text;
      if (comment) prev.comment = prev.comment ? `${prev.comment} ${comment}` : comment;
      if (texts) lines[lines.length - 1]!.push(texts[i]!);
      continue;
    }
    out.push(c);
    lines.push(texts ? [texts[i]!] : []);
  }
  // With the original text at hand, unchanged cards can be written back exactly as read.
  if (texts) out.forEach((c, k) => rememberRaw(c, lines[k]!));
  return out;
}

function parseContinueValue(field: string): { text: string; comment?: string } {
  const s = field.trimStart();
  let i = 1;
  let text = '';
  for (;;) {
    const q = s.indexOf("'", i);
    if (q < 0) return { text: text + s.slice(i) };
    text += s.slice(i, q);
    if (s[q + 1] === "'") {
      text += "'";
      i = q + 2;
      continue;
    }
    i = q + 1;
    break;
  }
  const slash = s.indexOf('/', i);
  // Trailing blanks inside the quotes are not significant, except before the '&'.
  const value = text.endsWith('&') ? text : text.trimEnd();
  return slash >= 0 ? { text: value, comment: s.slice(slash + 1).trim() } : { text: value };
}
