/**
 * The manifest: what is in the layer and how it was built, written next to layer.zip. Keys are
 * written in a fixed order and nothing time-specific goes in but the import proof's timings
 * (importProof.durationMs and each module's ms), so the same inputs on one machine give the same
 * manifest.json byte for byte apart from those.
 */
import { writeFile } from 'node:fs/promises';
import { glibcLabel, platformTags, type Target } from '../target.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import type { Manifest } from './types.js';

/** What the stages produced; the manifest adds the tool and spells the target out. */
export interface ManifestParts extends Omit<Manifest, 'schemaVersion' | 'tool' | 'target'> {
  readonly target: Target;
}

export function assembleManifest(parts: ManifestParts): Manifest {
  const { target } = parts;
  return {
    schemaVersion: 1,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    target: {
      runtime: target.runtime,
      architecture: target.architecture,
      pythonVersion: target.pythonVersion,
      os: target.os,
      glibc: glibcLabel(target.glibc),
      platformTags: platformTags(target),
    },
    requirementsHash: parts.requirementsHash,
    ...(parts.input ? { input: parts.input } : {}),
    ...(parts.cache ? { cache: parts.cache } : {}),
    packages: [...parts.packages].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase())),
    ...(parts.resolver ? { resolver: parts.resolver } : {}),
    layer: parts.layer,
    bytecode: parts.bytecode,
    ...(parts.verification ? { verification: parts.verification } : {}),
    ...(parts.slim ? { slim: parts.slim } : {}),
    ...(parts.importProof ? { importProof: parts.importProof } : {}),
  };
}

/** Objects with their keys sorted, recursively: a stable order whatever built the object. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

// Top-level keys in reading order; nested objects (filled by several stages) sorted by key.
const TOP_LEVEL_ORDER = [
  'schemaVersion',
  'tool',
  'target',
  'requirementsHash',
  'input',
  'cache',
  'packages',
  'resolver',
  'layer',
  'bytecode',
  'importProof',
  'verification',
  'slim',
];

/** The manifest as written: 2-space JSON in a fixed key order, trailing newline. */
export function serializeManifest(manifest: Manifest): string {
  const record = manifest as unknown as Record<string, unknown>;
  const keys = [
    ...TOP_LEVEL_ORDER.filter((key) => key in record),
    ...Object.keys(record)
      .filter((key) => !TOP_LEVEL_ORDER.includes(key))
      .sort(),
  ];
  const ordered = Object.fromEntries(keys.map((key) => [key, sortedKeys(record[key])]));
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export async function writeManifest(manifest: Manifest, path: string): Promise<void> {
  await writeFile(path, serializeManifest(manifest));
}
