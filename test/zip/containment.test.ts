/**
 * The extraction policy on its own: what it accepts matters as much as what it refuses (a real
 * layer must not be turned away), and its symlink resolution must stay cheap on hostile input.
 */
import { describe, expect, it } from 'vitest';
import { checkSymlinks, type EntryFacts, planExtraction } from '../../src/zip/containment.js';

let offset = 0;
function entry(name: string, kind: 'file' | 'dir' | 'link' = 'file', size = 1): EntryFacts {
  offset += 100 + size;
  return {
    name,
    size,
    compressedSize: size,
    isDirectory: kind === 'dir',
    isSymlink: kind === 'link',
    method: 8,
    encrypted: false,
    localHeaderOffset: offset,
  };
}

function check(entries: EntryFacts[], links: Record<string, string>) {
  const plan = planExtraction(entries, 'z.zip', { destinationLength: 10 });
  checkSymlinks(plan, new Map(Object.entries(links)), 'z.zip');
  return plan;
}

describe('planExtraction', () => {
  it('creates implied parents first and lists files and links', () => {
    const plan = check(
      [entry('python/pkg/a.py'), entry('python/pkg/sub/', 'dir'), entry('./python/alias.py', 'link')],
      { 'python/alias.py': 'pkg/a.py' },
    );
    expect(plan.dirs).toEqual(['python', 'python/pkg', 'python/pkg/sub']);
    expect(plan.files.map((f) => f.key)).toEqual(['python/pkg/a.py']);
    expect(plan.links.map((l) => l.key)).toEqual(['python/alias.py']);
  });

  it('accepts links through links that stay inside, dangling links inside, and a link to the root', () => {
    check(
      [
        entry('python/real/mod.py'),
        entry('python/b', 'link'),
        entry('python/a', 'link'),
        entry('python/up', 'link'),
        entry('python/dangling', 'link'),
        entry('python/via', 'link'),
      ],
      {
        'python/a': 'b/mod.py', // a -> b/mod.py, b -> real: python/real/mod.py
        'python/b': 'real',
        'python/up': '..', // the destination itself
        'python/dangling': 'nowhere/at/all',
        'python/via': 'up/python/real/../b', // through up (the root) and back down through b
      },
    );
  });

  it('refuses a chain longer than Linux follows, in either order, naming the limit', () => {
    const chain = (prefix: string, count: number) => ({
      entries: Array.from({ length: count }, (_, i) => entry(`python/${prefix}${i}`, 'link')),
      links: Object.fromEntries(
        Array.from({ length: count }, (_, i) => [
          `python/${prefix}${i}`,
          i + 1 < count ? `${prefix}${i + 1}` : 'end',
        ]),
      ),
    });
    const long = chain('l', 45);
    expect(() => check(long.entries, long.links)).toThrow(/goes through more than 40 symlinks/);
    // Resolved from the far end first, each link is remembered: the count must still add up.
    const reversed = chain('r', 45);
    expect(() => check([...reversed.entries].reverse(), reversed.links)).toThrow(
      /goes through more than 40 symlinks/,
    );
    // 40 links in one lookup are fine, as on Linux.
    const ok = chain('m', 40);
    check(ok.entries, ok.links);
  });

  it('resolves thousands of long, crossing links quickly (each resolved once)', () => {
    const count = 5000;
    const entries = [entry('python/d/', 'dir')];
    const links: Record<string, string> = {};
    for (let i = 0; i < count; i++) {
      entries.push(entry(`python/l${i}`, 'link'));
      // Each climbs into d and back a thousand times, then through one of the first links.
      links[`python/l${i}`] = `${'d/../'.repeat(1000)}${i >= 20 ? `l${i % 20}` : 'd'}`;
    }
    const started = Date.now();
    check(entries, links);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('names both names of a duplicate and both kinds of a clash', () => {
    expect(() => check([entry('python/a.py'), entry('python\\a.py')], {})).toThrow(
      /entry "python\\a\.py" appears twice \(also as "python\/a\.py"\)/,
    );
    expect(() => check([entry('python/x', 'link'), entry('python/x/', 'dir')], { 'python/x': 'y' })).toThrow(
      /"python\/x" is both a symlink \("python\/x"\) and a directory \("python\/x\/"\)/,
    );
  });
});
