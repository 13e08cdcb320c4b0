/**
 * TOML parsers (smol-toml) give values, not positions; errors must name the line of a lock entry.
 * Lock files write their entries as arrays of tables (`[[package]]`, `[[packages]]`), one header
 * per entry in order, so the Nth header is the Nth entry's line.
 */
import { parse } from 'smol-toml';
import { UserError } from '../../errors.js';

/** 1-based line of every `[[name]]` header, in order. */
export function arrayTableLines(text: string, name: string): number[] {
  const lines: number[] = [];
  const header = new RegExp(`^\\s*\\[\\[\\s*${name.replace(/\./g, '\\.')}\\s*\\]\\]\\s*(#.*)?$`);
  text.split(/\r?\n/).forEach((line, index) => {
    if (header.test(line)) lines.push(index + 1);
  });
  return lines;
}

/** 1-based line of the first line matching `pattern`, if any. */
export function lineOf(text: string, pattern: RegExp, from = 1): number | undefined {
  const lines = text.split(/\r?\n/);
  for (let i = Math.max(0, from - 1); i < lines.length; i++) if (pattern.test(lines[i] ?? '')) return i + 1;
  return undefined;
}

/** Parses TOML; a syntax error becomes one UserError with the file and line. */
export function parseTomlFile(text: string, file: string, what: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    const line = (error as { line?: number }).line;
    const detail = ((error as Error).message.split('\n')[0] ?? '').trim();
    throw new UserError(`${file}${line ? `:${line}` : ''}: not valid TOML (${detail})`, {
      hint: `fix the ${what} or write it again with the tool that made it`,
      location: { file, ...(line ? { line } : {}) },
    });
  }
}

/** Narrowing helpers for parsed TOML/JSON: a lock is data written by another tool. */
export const asTable = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)
    ? (value as Record<string, unknown>)
    : undefined;
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const asString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;
export const asStrings = (value: unknown): string[] =>
  asArray(value).filter((v): v is string => typeof v === 'string');

/** `text` as a literal inside a regular expression. */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
