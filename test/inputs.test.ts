import { describe, expect, it } from 'vitest';
import { parseBoolean, parseChoice, parseInteger, parseList } from '../src/inputs.js';

describe('input parsers', () => {
  it('reads YAML core booleans and names the input otherwise', () => {
    expect(parseBoolean('cache', 'TRUE', false)).toBe(true);
    expect(parseBoolean('cache', ' false ', true)).toBe(false);
    expect(parseBoolean('cache', '', true)).toBe(true);
    expect(() => parseBoolean('cache', 'yes please', true)).toThrow('Input "cache": expected true or false');
  });

  it('splits lists on commas and new lines, dropping blanks and repeats', () => {
    expect(parseList('eu-west-1, us-east-1\n\neu-west-1\n')).toEqual(['eu-west-1', 'us-east-1']);
    expect(parseList('')).toEqual([]);
  });

  it('bounds integers', () => {
    expect(parseInteger('keep-versions', '', { min: 1, max: 10 })).toBeUndefined();
    expect(parseInteger('keep-versions', '3', { min: 1, max: 10 })).toBe(3);
    expect(() => parseInteger('keep-versions', '0', { min: 1, max: 10 })).toThrow(
      /keep-versions.*out of range/,
    );
    expect(() => parseInteger('keep-versions', 'x', { min: 1, max: 10 })).toThrow(/whole number/);
  });

  it('accepts only listed choices', () => {
    expect(parseChoice('sdist', '', ['pure', 'never'], 'pure')).toBe('pure');
    expect(() => parseChoice('sdist', 'always', ['pure', 'never'], 'pure')).toThrow(
      /"always" is not one of pure, never/,
    );
  });
});
