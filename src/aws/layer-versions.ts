/**
 * Reading a layer's versions: the paginated list, and finding one whose content is byte-identical
 * to our zip. ListLayerVersions does not return CodeSha256 (its items carry ARN, version,
 * description, dates, runtimes, architectures, license), so candidates are confirmed with
 * GetLayerVersion, whose Content.CodeSha256 is base64(sha256(zip)).
 */
import {
  GetLayerVersionCommand,
  type GetLayerVersionCommandOutput,
  type LambdaClient,
  type LayerVersionsListItem,
  ListLayerVersionsCommand,
} from '@aws-sdk/client-lambda';
import { codeMarker } from './description.js';

export interface ExistingVersion {
  readonly version: number;
  readonly layerVersionArn: string;
  readonly description: string;
  readonly compatibleRuntimes: readonly string[];
  readonly compatibleArchitectures: readonly string[];
  readonly licenseInfo?: string;
}

function fromListItem(item: LayerVersionsListItem): ExistingVersion | undefined {
  if (item.Version === undefined || !item.LayerVersionArn) return undefined;
  return {
    version: item.Version,
    layerVersionArn: item.LayerVersionArn,
    description: item.Description ?? '',
    compatibleRuntimes: item.CompatibleRuntimes ?? [],
    compatibleArchitectures: item.CompatibleArchitectures ?? [],
    licenseInfo: item.LicenseInfo,
  };
}

/** All versions, newest first. A layer that does not exist yet has none. */
export async function listLayerVersions(lambda: LambdaClient, layerName: string): Promise<ExistingVersion[]> {
  const versions: ExistingVersion[] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.send(
      new ListLayerVersionsCommand({ LayerName: layerName, Marker: marker, MaxItems: 50 }),
    );
    for (const item of page.LayerVersions ?? []) {
      const version = fromListItem(item);
      if (version) versions.push(version);
    }
    marker = page.NextMarker || undefined;
  } while (marker);
  return versions.sort((a, b) => b.version - a.version);
}

export interface ContentWanted {
  readonly codeSha256: string;
  readonly compatibleRuntimes: readonly string[];
  readonly compatibleArchitectures: readonly string[];
  readonly licenseInfo?: string;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join('\0') === [...b].sort().join('\0');

/** Metadata a reused version must share with what we would publish (its description may differ). */
function metadataMatches(version: ExistingVersion, wanted: ContentWanted): boolean {
  return (
    sameSet(version.compatibleRuntimes, wanted.compatibleRuntimes) &&
    sameSet(version.compatibleArchitectures, wanted.compatibleArchitectures) &&
    (version.licenseInfo ?? '') === (wanted.licenseInfo ?? '')
  );
}

/**
 * The order in which to confirm candidates: versions whose description carries our zip's digest
 * first (almost surely a match), then the newest others up to `fallbackLimit` (versions published
 * by other tools or before descriptions carried the digest).
 */
export function reuseCandidates(
  versions: readonly ExistingVersion[],
  wanted: ContentWanted,
  fallbackLimit = 10,
): ExistingVersion[] {
  const eligible = versions.filter((v) => metadataMatches(v, wanted));
  const marker = codeMarker(wanted.codeSha256);
  const marked = eligible.filter((v) => v.description.includes(marker));
  const others = eligible.filter((v) => !v.description.includes(marker)).slice(0, fallbackLimit);
  return [...marked, ...others];
}

export async function getLayerVersion(
  lambda: LambdaClient,
  layerName: string,
  version: number,
): Promise<GetLayerVersionCommandOutput> {
  return lambda.send(new GetLayerVersionCommand({ LayerName: layerName, VersionNumber: version }));
}

export interface ReusableVersion {
  readonly version: number;
  readonly layerArn: string;
  readonly layerVersionArn: string;
}

/** The first candidate whose Content.CodeSha256 equals the zip's, or undefined. */
export async function findVersionWithCode(
  lambda: LambdaClient,
  layerName: string,
  candidates: readonly ExistingVersion[],
  codeSha256: string,
): Promise<ReusableVersion | undefined> {
  for (const candidate of candidates) {
    const detail = await getLayerVersion(lambda, layerName, candidate.version);
    if (detail.Content?.CodeSha256 === codeSha256 && detail.LayerVersionArn && detail.LayerArn) {
      return {
        version: candidate.version,
        layerArn: detail.LayerArn,
        layerVersionArn: detail.LayerVersionArn,
      };
    }
  }
  return undefined;
}

/**
 * Versions to delete so that `keep` remain in total: the current one (just published or reused)
 * always stays, then the newest others fill the remaining places.
 */
export function versionsToPrune(versions: readonly number[], current: number, keep: number): number[] {
  const others = [...new Set(versions)].filter((v) => v !== current).sort((a, b) => b - a);
  return others.slice(Math.max(keep - 1, 0));
}

/** The layer ARN (no version) from a layer version ARN. */
export function layerArnOf(layerVersionArn: string): string {
  return layerVersionArn.replace(/:\d+$/, '');
}
