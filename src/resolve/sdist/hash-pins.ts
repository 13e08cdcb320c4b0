/**
 * In hash-checking mode pip installs a file only when its sha256 is pinned on the requirement
 * line, so a wheel built from a pinned sdist would be refused. The build checked the sdist
 * against the user's pins before building it, so the wheel's own hash is added to those lines,
 * in a copy of the requirements files (the user's files are never touched). Constraint files
 * cannot add hashes: pip intersects them with the requirement's.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RequirementsSnapshot } from '../requirements.js';
import { lineHashes } from './candidate.js';

/**
 * Each file's text with `--hash=<pin>` appended to every hash-pinned line naming a project in
 * `extraPins` (normalized name -> pins). Pure.
 */
export function addHashPins(
  snapshot: RequirementsSnapshot,
  extraPins: ReadonlyMap<string, readonly string[]>,
): Map<string, string> {
  const edited = new Map<string, string[]>();
  for (const line of snapshot.requirements) {
    const pins = line.name ? extraPins.get(line.name) : undefined;
    if (!pins?.length || lineHashes(line.text).length === 0) continue;
    const content = snapshot.files.find((f) => f.path === line.file)?.content;
    if (content === undefined) continue;
    const physical = edited.get(line.file) ?? content.split(/\r?\n/);
    // The logical line runs from its first physical line through every backslash continuation.
    let last = line.line - 1;
    while (last < physical.length - 1 && (physical[last] ?? '').endsWith('\\')) last++;
    const added = pins.map((pin) => ` --hash=${pin}`).join('');
    physical[last] = (physical[last] ?? '').replace(/(\s+#.*)?$/, (comment) => `${added}${comment}`);
    edited.set(line.file, physical);
  }
  return new Map([...edited].map(([file, lines]) => [file, lines.join('\n')]));
}

/**
 * Writes a copy of every requirements file under `dir` (same absolute layout, so relative -r/-c
 * includes still meet each other) with the extra pins added; returns the copy of the root
 * file, or undefined when no hash-pinned line needed a pin (the original file serves).
 */
export async function writeRequirementsWithPins(
  snapshot: RequirementsSnapshot,
  extraPins: ReadonlyMap<string, readonly string[]>,
  dir: string,
): Promise<string | undefined> {
  const edited = addHashPins(snapshot, extraPins);
  if (edited.size === 0) return undefined;
  for (const file of snapshot.files) {
    const copy = join(dir, file.path);
    await mkdir(dirname(copy), { recursive: true });
    await writeFile(copy, edited.get(file.path) ?? file.content);
  }
  return join(dir, snapshot.file);
}
