/**
 * RFC 4180 CSV: parsing with quoted fields (commas, quotes and line breaks
 * inside quotes), CRLF or LF line ends, and writing that quotes only when
 * needed. Cells are strings; typed readers convert 64-bit ids exactly.
 */
import { readFileSync } from 'node:fs';
import { AlertflowError } from '../errors.js';
import { csvCell } from '../formats/avro/json.js';

/** A parsed table: the header row and the data rows as objects keyed by column. */
export interface CsvTable {
  columns: string[];
  rows: Record<string, string>[];
}

/**
 * Parses CSV text into rows of cells.
 *
 * @example
 * parseCsvRows('a,b\n1,"x, y"\n') // [['a','b'],['1','x, y']]
 */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  let started = false; // whether the current row has any content
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // byte-order mark
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      cell += c;
      i++;
      continue;
    }
    if (c === '"' && cell === '') {
      quoted = true;
      started = true;
      i++;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
      started = true;
      i++;
    } else if (c === '\n' || c === '\r') {
      if (started || cell !== '') {
        row.push(cell);
        rows.push(row);
      }
      row = [];
      cell = '';
      started = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      cell += c;
      started = true;
      i++;
    }
  }
  if (quoted) throw new AlertflowError('ERR_IO', 'CSV ends inside a quoted field');
  if (started || cell !== '') {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/**
 * Parses CSV text with a header row into a grid (cells by position), the
 * cheap form for large files. Rows with a different number of cells than the
 * header are an error naming the line.
 *
 * @example
 * parseCsvGrid('id,ra\n1,10.5\n') // { header: ['id', 'ra'], rows: [['1', '10.5']] }
 */
export function parseCsvGrid(text: string, source = 'CSV'): { header: string[]; rows: string[][] } {
  const all = parseCsvRows(text);
  if (all.length === 0) throw new AlertflowError('ERR_IO', `${source} is empty (no header row)`);
  const header = all[0].map((c) => c.trim());
  const rows = all.slice(1);
  rows.forEach((cells, k) => {
    if (cells.length !== header.length) throw new AlertflowError('ERR_IO', `${source} row ${k + 2} has ${cells.length} cells, the header has ${header.length}`, { row: k + 2 });
  });
  return { header, rows };
}

/** Keys each row of a grid by its column name. */
function keyedRows(header: string[], rows: string[][]): Record<string, string>[] {
  return rows.map((cells) => {
    const out: Record<string, string> = {};
    header.forEach((c, j) => (out[c] = cells[j]));
    return out;
  });
}

/**
 * Parses CSV text with a header row into rows keyed by column.
 *
 * @example
 * parseCsv('id,ra,dec\n1,10.5,-3\n').rows[0].ra // '10.5'
 */
export function parseCsv(text: string, source = 'CSV'): CsvTable {
  const { header, rows } = parseCsvGrid(text, source);
  return { columns: header, rows: keyedRows(header, rows) };
}

/**
 * Reads a CSV file as a grid and checks that the required columns are there;
 * a missing column is an error with `missingCode` (ERR_IO by default; a CLI
 * may call it a usage error).
 *
 * @example
 * const { header, rows } = readCsvGridFile('sources.csv', ['diaSourceId', 'ra', 'dec']);
 */
export function readCsvGridFile(path: string, required: string[] = [], missingCode: 'ERR_IO' | 'ERR_CLI_USAGE' = 'ERR_IO'): { header: string[]; rows: string[][] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AlertflowError('ERR_IO', `cannot read ${path}: ${(err as Error).message}`, { path }, { cause: err });
  }
  const grid = parseCsvGrid(text, path);
  const missing = required.filter((c) => !grid.header.includes(c));
  if (missing.length > 0) throw new AlertflowError(missingCode, `${path} lacks column(s) ${missing.join(', ')} (has ${grid.header.join(', ')})`, { path, missing });
  return grid;
}

/**
 * Reads a CSV file and checks that the required columns are there.
 *
 * @example
 * const { rows } = readCsvFile('positions.csv', ['id', 'ra', 'dec']);
 */
export function readCsvFile(path: string, required: string[] = []): CsvTable {
  const { header, rows } = readCsvGridFile(path, required);
  return { columns: header, rows: keyedRows(header, rows) };
}

/**
 * A finite number from a cell; throws ERR_IO naming row and column otherwise.
 *
 * @example
 * numberCell(row, 'ra', 2)
 */
export function numberCell(row: Record<string, string>, column: string, line: number): number {
  const v = Number(row[column]);
  if (row[column] === undefined || row[column].trim() === '' || !Number.isFinite(v)) {
    throw new AlertflowError('ERR_IO', `row ${line}: column ${column} is not a finite number (${JSON.stringify(row[column])})`, { row: line, column });
  }
  return v;
}

/**
 * An exact 64-bit integer from a cell (empty → null).
 *
 * @example
 * bigintCell({ id: '9223372036854775807' }, 'id', 2) // 9223372036854775807n
 */
export function bigintCell(row: Record<string, string>, column: string, line: number): bigint | null {
  const s = (row[column] ?? '').trim();
  if (s === '') return null;
  if (!/^-?\d+$/.test(s)) throw new AlertflowError('ERR_IO', `row ${line}: column ${column} is not an integer (${JSON.stringify(s)})`, { row: line, column });
  return BigInt(s);
}

/**
 * One CSV line (with CRLF as RFC 4180 says, or LF) from values; bigints exact,
 * null/undefined empty, quoting only when needed.
 *
 * @example
 * csvLine([1n, 'a,b', null]) // '1,"a,b",\r\n'
 */
export function csvLine(values: readonly unknown[], eol: '\r\n' | '\n' = '\r\n'): string {
  return values.map((v) => csvCell(v)).join(',') + eol;
}
