import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  findRequirementLine,
  normalizeRequirements,
  readRequirements,
} from '../../src/resolve/requirements.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reqs-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function written(name: string, bytes: Buffer): Promise<string> {
  await writeFile(join(dir, name), bytes);
  return join(dir, name);
}

describe('normalizeRequirements', () => {
  it('ignores comments, blank lines, trailing spaces and line continuations', () => {
    const plain = 'flask==3.1.3\nnumpy>=1.26 ; python_version >= "3.9"\n';
    const noisy = [
      '# the web app',
      '',
      'flask==3.1.3   # pinned  ',
      '   ',
      'numpy>=1.26 \\',
      '   ; python_version >= "3.9"',
      '',
    ].join('\r\n');
    expect(normalizeRequirements(noisy)).toBe(normalizeRequirements(plain));
    expect(normalizeRequirements(plain)).toBe('flask==3.1.3\nnumpy>=1.26 ; python_version >= "3.9"\n');
  });

  it('changes when a requirement changes', () => {
    expect(normalizeRequirements('flask==3.1.3')).not.toBe(normalizeRequirements('flask==3.1.2'));
  });

  it('keeps a # inside a URL fragment (no whitespace before it) as pip does', () => {
    expect(normalizeRequirements('pkg @ https://x/pkg.whl#sha256=abc')).toBe(
      'pkg @ https://x/pkg.whl#sha256=abc\n',
    );
  });
});

describe('readRequirements', () => {
  it('resolves -r and -c includes relative to the including file, with line numbers', async () => {
    await mkdir(join(dir, 'sub'));
    await writeFile(
      join(dir, 'requirements.txt'),
      '# top\nflask==3.1.3\n-r sub/base.txt\n--constraint=sub/pins.txt\n',
    );
    await writeFile(join(dir, 'sub', 'base.txt'), '\nrequests \\\n  >=2\n-r../pins-too.txt\n');
    await writeFile(join(dir, 'pins-too.txt'), '-c sub/pins.txt\n');
    await writeFile(join(dir, 'sub', 'pins.txt'), 'urllib3<3\n');
    const snapshot = await readRequirements('requirements.txt', dir);
    expect(snapshot.files.map((f) => f.path)).toEqual([
      join(dir, 'requirements.txt'),
      join(dir, 'sub', 'base.txt'),
      join(dir, 'pins-too.txt'),
      // Included twice (from pins-too.txt and from the root): read once.
      join(dir, 'sub', 'pins.txt'),
    ]);
    expect(snapshot.requirements).toEqual([
      {
        file: join(dir, 'requirements.txt'),
        line: 2,
        text: 'flask==3.1.3',
        name: 'flask',
        kind: 'requirement',
      },
      {
        file: join(dir, 'sub', 'base.txt'),
        line: 2,
        text: 'requests >=2',
        name: 'requests',
        kind: 'requirement',
      },
      { file: join(dir, 'sub', 'pins.txt'), line: 1, text: 'urllib3<3', name: 'urllib3', kind: 'constraint' },
    ]);
    expect(findRequirementLine(snapshot, 'Requests')?.line).toBe(2);
    expect(findRequirementLine(snapshot, 'jinja2')).toBeUndefined();
  });

  it('hashes included content but not formatting or absolute location', async () => {
    const write = async (root: string, base: string) => {
      await mkdir(root, { recursive: true });
      await writeFile(join(root, 'requirements.txt'), '-r base.txt\nflask\n');
      await writeFile(join(root, 'base.txt'), base);
    };
    await write(join(dir, 'a'), 'requests==2.32.0\n');
    await write(join(dir, 'b'), '# same\nrequests==2.32.0   \n\n');
    await write(join(dir, 'c'), 'requests==2.32.1\n');
    const hash = async (name: string) =>
      (await readRequirements(join(dir, name, 'requirements.txt'))).requirementsHash;
    expect(await hash('a')).toMatch(/^[0-9a-f]{64}$/);
    expect(await hash('a')).toBe(await hash('b'));
    expect(await hash('a')).not.toBe(await hash('c'));
  });

  it('names a missing requirements file', async () => {
    const error = await readRequirements(join(dir, 'nope.txt')).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(join(dir, 'nope.txt'));
    expect(error.message).toContain('does not exist');
  });

  it('names a missing include and where it was included from', async () => {
    await writeFile(join(dir, 'requirements.txt'), 'flask\n-r missing.txt\n');
    const error = await readRequirements(join(dir, 'requirements.txt')).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(join(dir, 'missing.txt'));
    expect(error.message).toContain(`${join(dir, 'requirements.txt')}:2`);
  });

  it('says a directory is a directory', async () => {
    await mkdir(join(dir, 'adir.txt'));
    const error = await readRequirements(join(dir, 'adir.txt')).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(`${join(dir, 'adir.txt')} is a directory, not a requirements file`);
  });

  it('says a binary file is not text (NUL bytes or invalid UTF-8), naming the include line', async () => {
    await writeFile(join(dir, 'requirements.txt'), 'flask\n-r blob.bin\n');
    await writeFile(join(dir, 'blob.bin'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff]));
    const error = await readRequirements(join(dir, 'requirements.txt')).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      `Input "requirements": ${join(dir, 'blob.bin')} is not a text file (included from ${join(dir, 'requirements.txt')}:2)`,
    );
    await writeFile(join(dir, 'latin1.txt'), Buffer.from('caf\xe9\n', 'latin1'));
    expect((await readRequirements(join(dir, 'latin1.txt')).catch((e) => e)).message).toContain(
      'is not a text file',
    );
  });

  it('reads UTF-16 and UTF-32 files with a byte order mark, and UTF-8 with one, as pip does', async () => {
    const text = '# from PowerShell: pip freeze > requirements.txt\r\nflask==3.1.3\r\nrequests>=2\r\n';
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const utf16be = Buffer.from(utf16le);
    utf16be.swap16();
    const utf32le = Buffer.alloc(4 + text.length * 4);
    utf32le.writeUInt32LE(0x0000feff, 0);
    for (const [i, c] of [...text].entries()) utf32le.writeUInt32LE(c.codePointAt(0) ?? 0, 4 + i * 4);
    const utf8bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    const plain = await readRequirements(await written('plain.txt', Buffer.from(text, 'utf8')));
    for (const [name, bytes] of Object.entries({ utf16le, utf16be, utf32le, utf8bom })) {
      const snapshot = await readRequirements(await written(`${name}.txt`, bytes));
      expect(snapshot.requirementsHash, name).toBe(plain.requirementsHash);
    }
    // UTF-16 without its mark is not text: pip reads UTF-8 then, and fails.
    const error = await readRequirements(await written('nobom.txt', Buffer.from(text, 'utf16le'))).catch(
      (e) => e,
    );
    expect(error.message).toContain('is not a text file');
  });

  it('names every step of an include cycle instead of recursing (pip dies of RecursionError)', async () => {
    await writeFile(join(dir, 'requirements.txt'), 'flask\n-r a.txt\n');
    await writeFile(join(dir, 'a.txt'), 'requests\n-r b.txt\n');
    await writeFile(join(dir, 'b.txt'), '-r a.txt\n');
    const error = await readRequirements(join(dir, 'requirements.txt')).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(
      `the -r/-c includes form a cycle: ${join(dir, 'a.txt')}:2 (-r b.txt) -> ${join(dir, 'b.txt')}:1 (-r a.txt) -> ${join(dir, 'a.txt')}`,
    );
  });

  it("refuses a huge line at once, before any quadratic comment stripping (ours or pip's)", async () => {
    await writeFile(join(dir, 'requirements.txt'), `flask\n${' '.repeat(100_000)}\n`);
    const started = performance.now();
    const error = await readRequirements(join(dir, 'requirements.txt')).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(`${join(dir, 'requirements.txt')}:2: the line is 100000 characters long`);
    // Not a timing target: a generous bound that only a quadratic scan would break.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('strips comments in linear time on long runs of spaces', () => {
    // A backtracking `(^|\s+)#` takes minutes on these; a linear scan, milliseconds.
    const started = performance.now();
    expect(normalizeRequirements(`flask${' '.repeat(100_000)}x\n`)).toBe('flask x\n');
    expect(normalizeRequirements(`flask${' '.repeat(100_000)}# c\n`)).toBe('flask\n');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
