/**
 * FITS header cards: 80-character ASCII records grouped into 2880-byte
 * blocks and closed by an `END` card (FITS Standard 4.0, section 4).
 */
import { AlertflowError } from '../errors.js';
import { foldContinueCards, formatLongStringCard } from './long-string.js';
import { rawLines } from './raw-text.js';

/**
 * Size of one FITS logical record (header or data block), in bytes.
 *
 * @example
 * bytes.length % FITS_BLOCK === 0
 */
export const FITS_BLOCK = 2880;
/**
 * Size of one header card, in bytes.
 *
 * @example
 * cardText.length === FITS_CARD
 */
export const FITS_CARD = 80;

/**
 * A value a keyword card can hold. `null` is an undefined value (blank value field).
 *
 * @example
 * const v: FitsValue = 'RA---TAN';
 */
export type FitsValue = string | number | bigint | boolean | null;

/**
 * One header card. Commentary keywords (`COMMENT`, `HISTORY`, blank) carry
 * only `comment` text; value cards carry `value` and an optional `comment`.
 * `real: true` writes an integral number as a floating-point value
 * (`150.0`, not `150`), which matters to readers that keep the type.
 *
 * @example
 * const card: FitsCard = { key: 'CRVAL1', value: 150, real: true, comment: 'deg' };
 */
export interface FitsCard {
  key: string;
  value?: FitsValue;
  comment?: string;
  real?: boolean;
}

const COMMENTARY = new Set(['COMMENT', 'HISTORY', '']);
const KEY_RE = /^[A-Z0-9_-]{0,8}$/;
const PRINTABLE_RE = /^[\x20-\x7e]*$/;

/**
 * Formats a number the way FITS fixed format wants it: an integer, or a real
 * with a decimal point and an upper-case `E` exponent. JavaScript's shortest
 * round-trip form is kept so a reader parsing it as a double gets the same bits.
 *
 * @example
 * formatFitsReal(1e-21) // '1.0E-21'
 * formatFitsReal(150)   // '150.0'
 */
export function formatFitsReal(x: number): string {
  if (!Number.isFinite(x)) throw new AlertflowError('ERR_FITS', `FITS cannot hold the non-finite number ${x}`);
  let s = String(x);
  // Long fixed forms like 0.00005555555555555556 read better (and fit column 30 more often) as exponents.
  if (s.length > 20) s = x.toExponential();
  const e = s.indexOf('e');
  if (e < 0) return s.includes('.') ? s : `${s}.0`;
  let mant = s.slice(0, e);
  if (!mant.includes('.')) mant += '.0';
  const exp = Number(s.slice(e + 1));
  const digits = String(Math.abs(exp)).padStart(2, '0');
  return `${mant}E${exp < 0 ? '-' : '+'}${digits}`;
}

function formatValue(card: FitsCard): string {
  const v = card.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return (v ? 'T' : 'F').padStart(20);
  if (typeof v === 'bigint') return v.toString().padStart(20);
  if (typeof v === 'number') {
    const s = Number.isInteger(v) && !card.real && Math.abs(v) <= Number.MAX_SAFE_INTEGER ? String(v) : formatFitsReal(v);
    return s.padStart(20);
  }
  if (!PRINTABLE_RE.test(v)) throw new AlertflowError('ERR_FITS', `FITS string for ${card.key} has non-printable characters`);
  // Strings are at least 8 characters between the quotes (trailing blanks are not significant).
  const body = v.replace(/'/g, "''").padEnd(8);
  const s = `'${body}'`;
  if (s.length > 70) throw new AlertflowError('ERR_FITS', `FITS string for ${card.key} is too long (${v.length} characters)`);
  return s.padEnd(20);
}

/**
 * Renders one card as 80 ASCII characters, or several for long commentary text.
 *
 * @example
 * formatCard({ key: 'BITPIX', value: -32 }) // 'BITPIX  =                  -32' padded to 80
 */
export function formatCard(card: FitsCard): string[] {
  // A card read from a file and left unchanged is written as it was read.
  const raw = rawLines(card);
  if (raw) return raw;
  const key = card.key.toUpperCase();
  if (!KEY_RE.test(key)) throw new AlertflowError('ERR_FITS', `invalid FITS keyword '${card.key}'`);
  const comment = card.comment ?? '';
  if (!PRINTABLE_RE.test(comment)) throw new AlertflowError('ERR_FITS', `FITS comment for ${key} has non-printable characters`);
  if (COMMENTARY.has(key) && card.value === undefined) {
    const lines: string[] = [];
    for (let i = 0; i === 0 || i < comment.length; i += 72) lines.push((key.padEnd(8) + comment.slice(i, i + 72)).padEnd(FITS_CARD));
    return lines;
  }
  // Strings longer than one card use the CONTINUE convention.
  if (typeof card.value === 'string' && card.value.replace(/'/g, "''").length > 68 && PRINTABLE_RE.test(card.value)) {
    return formatLongStringCard(key, card.value, comment);
  }
  let text = `${key.padEnd(8)}= ${formatValue(card)}`;
  if (text.length > FITS_CARD) throw new AlertflowError('ERR_FITS', `FITS card ${key} does not fit in 80 characters`);
  if (comment) text += ` / ${comment}`;
  return [text.slice(0, FITS_CARD).padEnd(FITS_CARD)];
}

/**
 * Encodes cards plus `END` into whole 2880-byte blocks, blank-padded.
 *
 * @example
 * const bytes = encodeHeader([{ key: 'SIMPLE', value: true }, { key: 'BITPIX', value: 8 }, { key: 'NAXIS', value: 0 }]);
 * bytes.length // 2880
 */
export function encodeHeader(cards: readonly FitsCard[]): Buffer {
  const lines: string[] = [];
  for (const c of cards) lines.push(...formatCard(c));
  lines.push('END'.padEnd(FITS_CARD));
  const size = Math.ceil((lines.length * FITS_CARD) / FITS_BLOCK) * FITS_BLOCK;
  const buf = Buffer.alloc(size, 0x20);
  buf.write(lines.join(''), 0, 'latin1');
  return buf;
}

function parseValue(raw: string, key: string): { value: FitsValue; comment?: string; real?: boolean } {
  const s = raw.trimStart();
  if (s.startsWith("'")) {
    let i = 1;
    let out = '';
    for (;;) {
      const q = s.indexOf("'", i);
      if (q < 0) throw new AlertflowError('ERR_FITS', `unterminated FITS string in card ${key}`);
      out += s.slice(i, q);
      if (s[q + 1] === "'") {
        out += "'";
        i = q + 2;
        continue;
      }
      i = q + 1;
      break;
    }
    const rest = s.slice(i);
    const slash = rest.indexOf('/');
    return { value: out.trimEnd(), ...(slash >= 0 ? { comment: rest.slice(slash + 1).trim() } : {}) };
  }
  const slash = s.indexOf('/');
  const token = (slash >= 0 ? s.slice(0, slash) : s).trim();
  const comment = slash >= 0 ? s.slice(slash + 1).trim() : undefined;
  const withComment = (value: FitsValue) => (comment === undefined ? { value } : { value, comment });
  if (token === '') return withComment(null);
  if (token === 'T' || token === 'F') return withComment(token === 'T');
  if (/^[+-]?\d+$/.test(token)) {
    const n = Number(token);
    return withComment(Number.isSafeInteger(n) ? n : BigInt(token));
  }
  const real = token.replace(/[dD]/, 'E');
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(real)) {
    const n = Number(real);
    // Keep "150.0" a real on the way back out (readers keep the type).
    return Number.isInteger(n) ? { ...withComment(n), real: true } : withComment(n);
  }
  // Complex and other exotic values are kept as their text.
  return withComment(token);
}

/**
 * Parses one 80-character card.
 *
 * @example
 * parseCard("OBJECT  = 'M31     '           / target").value // 'M31'
 */
export function parseCard(text: string): FitsCard {
  const key = text.slice(0, 8).trimEnd();
  if (text.slice(8, 10) === '= ' && !COMMENTARY.has(key)) {
    const { value, comment, real } = parseValue(text.slice(10), key);
    const card: FitsCard = comment === undefined || comment === '' ? { key, value } : { key, value, comment };
    if (real) card.real = true;
    return card;
  }
  return { key, comment: text.slice(8).trimEnd() };
}

/**
 * A parsed header: its cards in order and the byte offset just past its last block.
 *
 * @example
 * const { cards, end }: ParsedHeader = parseHeader(bytes);
 */
export interface ParsedHeader {
  cards: FitsCard[];
  /** Byte offset (in the buffer parsed) of the first byte after the header blocks. */
  end: number;
}

/**
 * Parses header blocks starting at `offset` up to and including `END`.
 *
 * @example
 * const { cards, end } = parseHeader(fitsBytes);
 */
export function parseHeader(buf: Uint8Array, offset = 0): ParsedHeader {
  const cards: FitsCard[] = [];
  const continuations: (string | undefined)[] = [];
  const texts: string[] = [];
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let pos = offset; ; pos += FITS_CARD) {
    if (pos + FITS_CARD > b.length) throw new AlertflowError('ERR_FITS', 'FITS header ends before its END card', { offset: pos });
    const text = b.toString('latin1', pos, pos + FITS_CARD);
    if (text.startsWith('END') && text.slice(3).trim() === '') {
      const used = pos + FITS_CARD - offset;
      return { cards: foldContinueCards(cards, continuations, texts), end: offset + Math.ceil(used / FITS_BLOCK) * FITS_BLOCK };
    }
    cards.push(parseCard(text));
    continuations.push(text.startsWith('CONTINUE  ') ? text.slice(10) : undefined);
    texts.push(text);
  }
}

/**
 * Value of the first card named `key`, or `undefined`.
 *
 * @example
 * headerValue(cards, 'NAXIS1') // 30
 */
export function headerValue(cards: readonly FitsCard[], key: string): FitsValue | undefined {
  const k = key.toUpperCase();
  for (const c of cards) if (c.key === k && c.value !== undefined) return c.value;
  return undefined;
}
