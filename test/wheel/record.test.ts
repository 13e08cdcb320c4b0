/**
 * RECORD text is read and written as Python's csv module does (pip's reader and writer), checked
 * against that module itself on paths that need quoting.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatRecord, parseRecord, type RecordRow, recordHash } from '../../src/wheel/record.js';

const ROWS: RecordRow[] = [
  ['pkg/plain.py', 'sha256=abc', '12'],
  ['pkg/with,comma.py', 'sha256=def', '3'],
  ['pkg/with "quotes".txt', '', ''],
  ['Zeta/upper.py', 'sha256=x', '1'],
  ['pkg/ünïcode.py', 'sha256=y', '2'],
  ['pkg.dist-info/RECORD', '', ''],
];

function pythonCsv(program: string, input: string): string {
  return execFileSync('python3', ['-c', program], { input, encoding: 'utf8', timeout: 30_000 });
}

describe('RECORD', () => {
  it("writes the bytes pip's csv writer writes: sorted rows, minimal quoting, CRLF", () => {
    const expected = pythonCsv(
      [
        'import csv, io, json, sys',
        'rows = sorted(tuple(r) for r in json.load(sys.stdin))',
        'out = io.StringIO(newline="")',
        'csv.writer(out).writerows(rows)',
        'sys.stdout.write(out.getvalue())',
      ].join('\n'),
      JSON.stringify(ROWS),
    );
    expect(formatRecord(ROWS)).toBe(expected);
  });

  it('reads what the csv module writes back into the same rows', () => {
    const key = (row: readonly string[]): string => JSON.stringify(row);
    expect(parseRecord(formatRecord(ROWS)).map(key).sort()).toEqual(ROWS.map(key).sort());
    expect(parseRecord('a.py,sha256=1,2\nb.py,,\n')).toEqual([
      ['a.py', 'sha256=1', '2'],
      ['b.py', '', ''],
    ]);
  });

  it('hashes as the wheel spec says: sha256, URL-safe base64 without padding', () => {
    expect(recordHash(Buffer.from('pip\n'))).toEqual({
      hash: 'sha256=zuuue4knoyJ-UwPPXg8fezS7VCrXJQrAP7zeNuwvFQg',
      size: '4',
    });
  });
});
