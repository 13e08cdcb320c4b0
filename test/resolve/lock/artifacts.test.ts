/** A lock entry with no file the target can use says what the lock lists, never an empty list. */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { lockedRequirementLine } from '../../../src/resolve/lock/artifacts.js';
import type { LockedPackage } from '../../../src/resolve/lock/types.js';
import { resolveTarget } from '../../../src/target.js';

const target = resolveTarget('python3.11', 'x86_64');
const sha = (c: string) => c.repeat(64);

function messageOf(pkg: LockedPackage): string {
  try {
    lockedRequirementLine(pkg, target, 'pure');
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as UserError).message;
  }
  throw new Error('expected a refusal');
}

describe('a locked package with nothing that fits', () => {
  it('no files at all: says the lock lists no wheel and no sdist', () => {
    const message = messageOf({
      name: 'ghost',
      version: '1.0',
      wheels: [],
      location: { file: 'pylock.toml', line: 9 },
    });
    expect(message).toBe(
      'pylock.toml:9: no file of ghost 1.0 in the lock fits python3.11 x86_64 (the lock lists no wheel; and no sdist)',
    );
  });

  it('files whose names carry no wheel tags: names them instead of "wheels listed: , no sdist"', () => {
    const message = messageOf({
      name: 'odd',
      version: '2.0',
      wheels: [{ filename: 'odd-2.0.zip', sha256: sha('a') }],
      location: { file: 'pylock.toml', line: 3 },
    });
    expect(message).not.toContain('wheels listed: ,');
    expect(message).toContain(
      'the lock lists a file as wheels, with no wheel tags in the name: odd-2.0.zip; and no sdist',
    );
  });
});
