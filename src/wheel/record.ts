/**
 * RECORD files (the wheel spec's CSV of path, hash, size), read and written as pip 26.2.1 does:
 * Python's csv module with the default dialect, so a layer assembled here carries the same
 * RECORD bytes pip --target writes (rows sorted, minimal quoting, CRLF line ends).
 */
import { createHash } from 'node:crypto';

export type RecordRow = readonly [path: string, hash: string, size: string];

/** Rows of a RECORD text, as csv.reader(text.splitlines()) reads them (quoted fields allowed). */
export function parseRecord(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') continue;
    const fields: string[] = [];
    let i = 0;
    for (;;) {
      let field = '';
      if (line[i] === '"') {
        i += 1;
        for (;;) {
          const quote = line.indexOf('"', i);
          if (quote < 0) {
            field += line.slice(i);
            i = line.length;
            break;
          }
          field += line.slice(i, quote);
          i = quote + 1;
          if (line[i] === '"') {
            field += '"';
            i += 1;
          } else break;
        }
        // Anything between the closing quote and the comma stays part of the field, as csv does.
        const comma = line.indexOf(',', i);
        field += line.slice(i, comma < 0 ? line.length : comma);
        i = comma < 0 ? line.length : comma;
      } else {
        const comma = line.indexOf(',', i);
        field = line.slice(i, comma < 0 ? line.length : comma);
        i = comma < 0 ? line.length : comma;
      }
      fields.push(field);
      if (i >= line.length) break;
      i += 1; // the comma
      if (i === line.length) {
        fields.push('');
        break;
      }
    }
    rows.push(fields);
  }
  return rows;
}

/** csv.QUOTE_MINIMAL: quote a field holding the delimiter, the quote or a line break. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Python's default string order (code points), which pip sorts RECORD rows by. */
function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** The RECORD text pip writes: rows sorted as (path, hash, size) tuples, CRLF after each. */
export function formatRecord(rows: readonly RecordRow[]): string {
  const sorted = [...rows].sort(
    (a, b) => compareCodePoints(a[0], b[0]) || compareCodePoints(a[1], b[1]) || compareCodePoints(a[2], b[2]),
  );
  return sorted.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

/** A file's RECORD hash and size: sha256 in unpadded URL-safe base64 (the wheel spec's form). */
export function recordHash(content: Buffer): { hash: string; size: string } {
  const digest = createHash('sha256').update(content).digest('base64url');
  return { hash: `sha256=${digest}`, size: String(content.length) };
}
