/**
 * Parsers for raw input strings (action inputs and CLI flag values). Each error names the input,
 * so "Input "cache": expected true or false, got "yes please"" tells the user exactly what to fix.
 */
import { InputError } from './errors.js';

/** YAML 1.2 core-schema booleans, as @actions/core's getBooleanInput accepts them. */
const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE']);

export function parseBoolean(input: string, raw: string, fallback: boolean): boolean {
  const value = raw.trim();
  if (value === '') return fallback;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new InputError(input, `expected true or false, got "${raw}"`);
}

/** Comma- or newline-separated list, blanks dropped, duplicates removed in order. */
export function parseList(raw: string): string[] {
  return [
    ...new Set(
      raw
        .split(/[\n,]/)
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  ];
}

/**
 * A whole number, or undefined when blank. The range is checked here when the caller gives one;
 * otherwise the domain's own validation says what is allowed (e.g. STS's session duration).
 */
export function parseInteger(
  input: string,
  raw: string | undefined,
  range: { min: number; max: number } = { min: 0, max: Number.MAX_SAFE_INTEGER },
): number | undefined {
  const value = (raw ?? '').trim();
  if (value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new InputError(input, `expected a whole number, got "${raw}"`);
  const n = Number(value);
  if (n < range.min || n > range.max) {
    throw new InputError(input, `${n} is out of range; use ${range.min} to ${range.max}`);
  }
  return n;
}

export function parseChoice<T extends string>(
  input: string,
  raw: string,
  choices: readonly T[],
  fallback: T,
): T {
  const value = raw.trim();
  if (value === '') return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new InputError(input, `"${raw}" is not one of ${choices.join(', ')}`);
}

/** A positive number of seconds (fractions allowed), as milliseconds; undefined when not given. */
export function parseSecondsAsMs(input: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const seconds = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new InputError(input, `expected a positive number of seconds, got "${raw}"`);
  }
  return seconds * 1000;
}

/** `invoke-events`: one FUNCTION=FILE per line (or comma); files relative to the workspace. */
export function parseInvokeEvents(
  text: string,
  inWorkspace: (path: string) => string,
  inputName = 'invoke-events',
): Record<string, string> {
  const events: Record<string, string> = {};
  for (const item of parseList(text)) {
    const at = item.indexOf('=');
    const name = item.slice(0, at).trim();
    const file = item.slice(at + 1).trim();
    if (at < 0 || !name || !file) {
      throw new InputError(inputName, `"${item}" is not FUNCTION=FILE`, {
        hint: 'e.g. nightly=events/nightly.json (the function key from serverless.yml, then a JSON event file)',
      });
    }
    if (events[name]) throw new InputError(inputName, `${name} is given two event files`);
    events[name] = inWorkspace(file);
  }
  return events;
}
