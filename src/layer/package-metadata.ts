/**
 * What each installed distribution's METADATA says beyond its name and version: its licence
 * (wheel/license.ts) and which of the other distributions in the layer it depends on for this
 * target. The edges are its Requires-Dist entries whose markers hold in the Lambda target's
 * marker environment (target.ts markerEnvironment, evaluated by resolve/lock/markers.ts), with
 * the extras it was asked for: the input's own lines name extras of direct requirements
 * (`flask[async]`), and an edge passes on the extras it names (`requests[socks]`) until nothing
 * changes. Edges lead only to distributions the layer holds.
 * Limit: a lock file installs every package as its own line without the extras the lock chose,
 * so an edge that only an extra of a locked package brings is not recorded.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { evaluateMarker, MarkerSyntaxError } from '../resolve/lock/markers.js';
import { parseRequirementSpec, type RequirementSpec } from '../resolve/lock/requirement-spec.js';
import { normalizeProjectName, type RequirementsSnapshot } from '../resolve/requirements.js';
import type { PackageEntry } from '../resolve/types.js';
import { markerEnvironment, type Target } from '../target.js';
import { wheelDigest } from '../wheel/digest.js';
import { licenseOf } from '../wheel/license.js';
import { parseMetadataHeaders } from '../wheel/metadata.js';

interface DistributionMetadata {
  readonly license: PackageEntry['license'];
  readonly requires: readonly RequirementSpec[];
}

async function readMetadata(pythonDir: string): Promise<Map<string, DistributionMetadata>> {
  const found = new Map<string, DistributionMetadata>();
  for (const distInfo of (await readdir(pythonDir)).filter((name) => name.endsWith('.dist-info'))) {
    const text = await readFile(join(pythonDir, distInfo, 'METADATA'), 'utf8').catch(() => '');
    const headers = parseMetadataHeaders(text);
    const name = headers.get('Name');
    if (!name) continue;
    const requires = headers.all('Requires-Dist').flatMap((line) => {
      const spec = parseRequirementSpec(line);
      return spec ? [spec] : [];
    });
    found.set(normalizeProjectName(name), { license: licenseOf(headers), requires });
  }
  return found;
}

/** Extras the input asks for, by normalized project name (`flask[async]` -> flask: async). */
export function requestedExtras(snapshot: RequirementsSnapshot): Map<string, Set<string>> {
  const extras = new Map<string, Set<string>>();
  for (const line of snapshot.requirements) {
    if (line.kind !== 'requirement') continue;
    const spec = parseRequirementSpec(line.text);
    if (!spec || spec.extras.length === 0) continue;
    const set = extras.get(spec.name) ?? new Set<string>();
    for (const extra of spec.extras) set.add(extra);
    extras.set(spec.name, set);
  }
  return extras;
}

function holds(marker: string | undefined, target: Target, extras: ReadonlySet<string>): boolean {
  try {
    return evaluateMarker(marker, { environment: markerEnvironment(target), extras });
  } catch (error) {
    // pip installed the layer from these entries, so it parsed them; a marker this evaluator
    // cannot read records no edge rather than failing a finished build.
    if (error instanceof MarkerSyntaxError) return false;
    throw error;
  }
}

/** The dependency edges among `installed` (normalized names) for the target, sorted. */
export function dependencyEdges(
  requires: ReadonlyMap<string, readonly RequirementSpec[]>,
  target: Target,
  direct: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, string[]> {
  const extras = new Map<string, Set<string>>();
  for (const [name, set] of direct) extras.set(name, new Set(set));
  const edges = new Map<string, Set<string>>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, specs] of requires) {
      const from = edges.get(name) ?? new Set<string>();
      edges.set(name, from);
      for (const spec of specs) {
        if (spec.name === name || !requires.has(spec.name)) continue;
        if (!holds(spec.marker, target, extras.get(name) ?? new Set())) continue;
        if (!from.has(spec.name)) {
          from.add(spec.name);
          changed = true;
        }
        const theirs = extras.get(spec.name) ?? new Set<string>();
        for (const extra of spec.extras) {
          if (theirs.has(extra)) continue;
          theirs.add(extra);
          changed = true;
        }
        extras.set(spec.name, theirs);
      }
    }
  }
  return new Map([...edges].map(([name, set]) => [name, [...set].sort()]));
}

export interface PackageMetadataParams {
  readonly pythonDir: string;
  readonly packages: readonly PackageEntry[];
  readonly target: Target;
  readonly snapshot: RequirementsSnapshot;
  /** The wheel files the layer was unpacked from (any order): their sha256 when pip's report had none. */
  readonly wheelFiles?: Iterable<string>;
}

/** The packages with their licence, their dependency edges and (where missing) their wheel's sha256. */
export async function describePackageMetadata(params: PackageMetadataParams): Promise<PackageEntry[]> {
  const metadata = await readMetadata(params.pythonDir);
  const edges = dependencyEdges(
    new Map([...metadata].map(([name, m]) => [name, m.requires])),
    params.target,
    requestedExtras(params.snapshot),
  );
  const wheelPaths = new Map([...(params.wheelFiles ?? [])].map((file) => [basename(file), file]));
  const described: PackageEntry[] = [];
  for (const p of params.packages) {
    const key = normalizeProjectName(p.name);
    const found = metadata.get(key);
    const wheelPath = p.sha256 ? undefined : wheelPaths.get(p.wheel);
    described.push({
      ...p,
      ...(wheelPath ? { sha256: await wheelDigest(wheelPath) } : {}),
      ...(found?.license ? { license: found.license } : {}),
      dependencies: edges.get(key) ?? [],
    });
  }
  return described;
}
