// CSV for every report (RFC 4180), made for Swedish Excel: a semicolon separator, because
// Excel with Swedish regional settings uses the comma as decimal sign and expects `;` between
// fields; CRLF line ends; UTF-8 with a byte order mark, without which Excel reads the file as
// Windows-1252 and breaks å, ä and ö.

export type CsvValue = string | number | boolean | null | undefined;

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => CsvValue;
}

export interface CsvOptions {
  /** Field separator; default `;` (Swedish Excel). */
  separator?: ';' | ',';
  /** Start with the UTF-8 byte order mark; default true. */
  bom?: boolean;
}

export const CSV_BOM = '\uFEFF';
const CRLF = '\r\n';

/**
 * One field: empty for null/undefined, `ja`/`nej` for booleans. A text that a spreadsheet would
 * take for a formula (starting with = + - @ or a tab/CR) gets a leading apostrophe (OWASP CSV
 * injection). A field containing `;`, `,`, `"`, CR or LF is quoted, with `"` doubled, whatever
 * the separator.
 */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'ja' : 'nej';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;,"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header line and one line per row, each ended by CRLF. */
export function toCsv<T>(rows: Iterable<T>, columns: readonly CsvColumn<T>[], options: CsvOptions = {}): string {
  const separator = options.separator ?? ';';
  const line = (fields: CsvValue[]) => fields.map(csvField).join(separator) + CRLF;
  let text = (options.bom ?? true) ? CSV_BOM : '';
  text += line(columns.map((c) => c.header));
  for (const row of rows) text += line(columns.map((c) => c.value(row)));
  return text;
}
