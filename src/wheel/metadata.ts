/**
 * The headers of a wheel's METADATA (core metadata, an email-style header block): every value of
 * each field, with continuation lines (a line starting with whitespace) joined to the field they
 * continue, as Python's email parser reads them. A multi-line `License:` holds a whole licence
 * text that way.
 */

export interface MetadataHeaders {
  /** The first value of `field` (case-insensitive), or undefined. */
  get(field: string): string | undefined;
  /** Every value of `field`, in order. */
  all(field: string): string[];
}

export function parseMetadataHeaders(text: string): MetadataHeaders {
  const head = text.split(/\r?\n\r?\n/)[0] ?? '';
  const fields: { key: string; value: string }[] = [];
  for (const line of head.split(/\r?\n/)) {
    const last = fields.at(-1);
    if (/^[ \t]/.test(line) && last) {
      last.value += `\n${line.trim()}`;
      continue;
    }
    const match = /^([A-Za-z0-9-]+):[ \t]*(.*)$/.exec(line);
    if (match?.[1]) fields.push({ key: match[1].toLowerCase(), value: (match[2] ?? '').trim() });
  }
  return {
    get: (field) => fields.find((f) => f.key === field.toLowerCase())?.value,
    all: (field) => fields.filter((f) => f.key === field.toLowerCase()).map((f) => f.value),
  };
}
