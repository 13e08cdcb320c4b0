/**
 * Where the time goes, read from a command's stamped output (no change to the build needed):
 * our CLI prints `== <stage title>` on stderr as each build stage starts (the logger's group
 * header), and pip prints `Installing collected packages:` when resolution and downloads are
 * done and unpacking starts (`pip install`), or `Successfully downloaded ...` when it only
 * downloads and our CLI lays the wheels out itself (src/wheel). Each segment runs from its marker
 * to the next one.
 */
import type { StampedLine } from './process.js';

export interface Segment {
  readonly name: string;
  readonly ms: number;
}

export interface Marker {
  readonly name: string;
  readonly atMs: number;
}

/** Splits [0, endMs] at the markers; the part before the first marker is `firstName`. */
export function segmentsFromMarkers(markers: readonly Marker[], endMs: number, firstName: string): Segment[] {
  const segments: Segment[] = [];
  let name = firstName;
  let start = 0;
  for (const marker of markers) {
    segments.push({ name, ms: Math.max(0, marker.atMs - start) });
    name = marker.name;
    start = marker.atMs;
  }
  segments.push({ name, ms: Math.max(0, endMs - start) });
  return segments;
}

const STAGE_HEADER = /^== (.+)$/;
const PIP_INSTALLING = /^\s*Installing collected packages:/;
/** The end of `pip download` (our CLI then unpacks the wheels itself). */
const PIP_DOWNLOADED = /^\s*Successfully downloaded /;
/** Stage titles of the install stage, as the build logs them. */
const INSTALL_STAGE = /install/i;

/**
 * Our CLI's stages. The install stage is split at pip's "Installing collected packages" (pip
 * installs) or "Successfully downloaded" (pip downloads, the CLI unpacks) into
 * "<stage>: resolve + download" and "<stage>: unpack + report"; the time before the first stage
 * is process startup (node, tsx, reading requirements, the cache key).
 */
export function cliStageMarkers(lines: readonly StampedLine[]): Marker[] {
  const markers: Marker[] = [];
  let current: string | undefined;
  for (const line of lines) {
    if (line.stream !== 'stderr') continue;
    const header = STAGE_HEADER.exec(line.text);
    if (header) {
      current = (header[1] as string).trim();
      markers.push({
        name: INSTALL_STAGE.test(current) ? `${current}: resolve + download` : current,
        atMs: line.atMs,
      });
    } else if (
      current &&
      INSTALL_STAGE.test(current) &&
      (PIP_INSTALLING.test(line.text) || PIP_DOWNLOADED.test(line.text))
    ) {
      markers.push({ name: `${current}: unpack + report`, atMs: line.atMs });
    }
  }
  return markers;
}

/** pip's own run: resolve + download until "Installing collected packages", then unpack + compile. */
export function pipMarkers(lines: readonly StampedLine[]): Marker[] {
  const installing = lines.find((line) => PIP_INSTALLING.test(line.text));
  return installing ? [{ name: 'pip: unpack + compile .pyc', atMs: installing.atMs }] : [];
}

/** Adds up segments of the same name (a stage seen twice counts once, summed). */
export function mergeSegments(segments: readonly Segment[]): Map<string, number> {
  const merged = new Map<string, number>();
  for (const segment of segments) merged.set(segment.name, (merged.get(segment.name) ?? 0) + segment.ms);
  return merged;
}
