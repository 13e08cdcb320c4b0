/**
 * Per-wheel cache of verification facts: the parsed ELF headers of the binaries a wheel put in
 * the layer (architecture, needed libraries, GLIBC/GLIBCXX version needs, soname). They are a
 * function of the wheel's bytes alone, so they are keyed by its sha256; the findings are derived
 * from them on every build (verify/rules.ts), for the target and the whole layer. A rebuild after
 * one pin changes reads and parses only the changed wheels' binaries.
 *
 * Entry: <dir>/<key>/elf.json = { sha256, facts: { "<path under python/>": ElfInfo } }, sha256
 * over the JSON text of `facts`; an entry that does not parse or whose sha256 does not match is a
 * miss, stored again after verifying.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { markEntryUsed, setAside, writeEntryFolder } from '../cache/entry-folder.js';
import type { ElfInfo } from '../verify/elf.js';

/** Bump when ElfInfo or what the entry holds changes. */
const FORMAT = 1;

export function wheelElfKey(wheelSha256: string): string {
  return createHash('sha256')
    .update(JSON.stringify({ format: FORMAT, wheel: wheelSha256, facts: 'elf' }))
    .digest('hex');
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The facts of one wheel's entry (paths under python/), or undefined (no entry, or damaged). */
export async function readElfFacts(dir: string, key: string): Promise<Record<string, ElfInfo> | undefined> {
  const text = await readFile(join(dir, key, 'elf.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const entry = JSON.parse(text) as { sha256?: string; facts?: Record<string, ElfInfo> };
    if (
      entry.facts &&
      typeof entry.facts === 'object' &&
      entry.sha256 === digest(JSON.stringify(entry.facts))
    ) {
      await markEntryUsed(join(dir, key, 'elf.json'));
      return entry.facts;
    }
  } catch {
    // Damaged: removed below and stored again after verifying.
  }
  await setAside(join(dir, key), dir);
  return undefined;
}

export async function writeElfFacts(dir: string, key: string, facts: Record<string, ElfInfo>): Promise<void> {
  await writeEntryFolder(dir, key, async (partial) => {
    const text = JSON.stringify(facts);
    await writeFile(
      join(partial, 'elf.json'),
      JSON.stringify({ sha256: digest(text), facts: JSON.parse(text) }),
    );
  });
}

/**
 * The known facts for the layer (by python/... path) from the wheels' entries, and a function
 * that stores the facts of the wheels that missed once verification has learned them.
 */
export async function loadElfFacts(
  dir: string,
  owners: ReadonlyMap<string, string>,
): Promise<{
  known: Map<string, ElfInfo>;
  learned: Map<string, ElfInfo>;
  hits: number;
  wheels: number;
  storeMisses(): Promise<void>;
}> {
  const wheels = new Set(owners.values());
  const known = new Map<string, ElfInfo>();
  const missed = new Set<string>();
  for (const wheel of wheels) {
    const facts = await readElfFacts(dir, wheelElfKey(wheel));
    if (!facts) {
      missed.add(wheel);
      continue;
    }
    // Only files this wheel's copy still provides (a later wheel may have overwritten one).
    for (const [path, elf] of Object.entries(facts))
      if (owners.get(path) === wheel) known.set(`python/${path}`, elf);
  }
  const learned = new Map<string, ElfInfo>();
  return {
    known,
    learned,
    hits: wheels.size - missed.size,
    wheels: wheels.size,
    storeMisses: async () => {
      const byWheel = new Map<string, Record<string, ElfInfo>>([...missed].map((w) => [w, {}]));
      for (const [layerPath, elf] of learned) {
        const path = layerPath.slice('python/'.length);
        const facts = byWheel.get(owners.get(path) ?? '');
        if (facts) facts[path] = elf;
      }
      for (const [wheel, facts] of byWheel) await writeElfFacts(dir, wheelElfKey(wheel), facts);
    },
  };
}
