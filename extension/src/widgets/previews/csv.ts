/**
 * A CSV/TSV reader after RFC 4180: fields separated by a delimiter, records by CRLF, LF or CR;
 * a field in double quotes may hold delimiters, line breaks and doubled quotes (`""` → `"`).
 * Lenient where files in the wild are: a quote in the middle of an unquoted field is text.
 */

/** Records read, and whether the text held more than `maxRows`. */
export interface CsvTable {
  rows: string[][];
  /** True when reading stopped at `maxRows` with records left. */
  more: boolean;
}

/**
 * Reads up to `maxRows` records of `text`.
 * @param delimiter `,` for CSV, `\t` for TSV
 * @param maxRows records to read at most (header included)
 * @param partial the text is the start of a longer file: its last record may be cut, so it is dropped
 */
export function parseCsv(text: string, delimiter: string, maxRows: number, partial = false): CsvTable {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const n = text.length;
  // a byte order mark is not part of the first field
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  const endRecord = (): void => {
    row.push(field);
    rows.push(row);
    row = [];
    field = '';
  };
  while (i < n) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\n' || c === '\r') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      if (rows.length > maxRows) return { rows: rows.slice(0, maxRows), more: true };
    } else {
      field += c;
      i++;
    }
  }
  // the last record, unless the text ended with a line break or was cut inside it
  if (!partial && (field !== '' || row.length > 0 || quoted)) endRecord();
  if (rows.length > maxRows) return { rows: rows.slice(0, maxRows), more: true };
  return { rows, more: partial };
}
