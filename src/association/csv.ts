/**
 * Minimal RFC 4180 CSV: quoted fields with doubled quotes, embedded commas
 * and line breaks, CRLF or LF records. All cells are strings; callers parse
 * numbers and ids (ids stay exact as decimal strings → bigint).
 */
import { AlertflowError } from '../errors.js';

/**
 * A parsed table: the header row and the data rows.
 *
 * @example
 * const t: CsvTable = { header: ['a'], rows: [['1']] };
 */
export interface CsvTable {
  header: string[];
  rows: string[][];
}

/**
 * Parses CSV text (first record is the header). A leading UTF-8 BOM and one
 * trailing line break are ignored; blank lines are skipped.
 *
 * @example
 * parseCsv('id,ra\n1,"10.5"\n') // { header: ['id', 'ra'], rows: [['1', '10.5']] }
 */
export function parseCsv(text: string, name = 'CSV'): CsvTable {
  const records: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const endRow = (): void => {
    row.push(field);
    field = '';
    if (!(row.length === 1 && row[0] === '')) records.push(row);
    row = [];
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        const next = text[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') throw csvError(name, line, 'unexpected character after a closing quote');
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (field !== '') throw csvError(name, line, 'quote inside an unquoted field');
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' || c === '\n') {
      endRow();
      line++;
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else field += c;
    i++;
  }
  if (quoted) throw csvError(name, line, 'unterminated quoted field');
  if (field !== '' || row.length > 0) endRow();
  const [header, ...rows] = records;
  if (!header) throw csvError(name, 1, 'no header row');
  rows.forEach((r, k) => {
    if (r.length !== header.length) throw csvError(name, k + 2, `expected ${header.length} fields, found ${r.length}`);
  });
  return { header: header.map((h) => h.trim()), rows };
}

/**
 * Formats one CSV record (no line break); quotes fields that need it.
 *
 * @example
 * csvRow(['a', 'b,c', 'say "hi"']) // 'a,"b,c","say ""hi"""'
 */
export function csvRow(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}

/**
 * Formats a whole table with CRLF record separators, as RFC 4180 specifies.
 *
 * @example
 * formatCsv(['id'], [['1'], ['2']]) // 'id\r\n1\r\n2\r\n'
 */
export function formatCsv(header: readonly string[], rows: Iterable<readonly string[]>): string {
  const parts = [csvRow(header)];
  for (const r of rows) parts.push(csvRow(r));
  return parts.join('\r\n') + '\r\n';
}

function csvError(name: string, line: number, message: string): AlertflowError {
  return new AlertflowError('ERR_IO', `${name}: line ${line}: ${message}`, { file: name, line });
}
