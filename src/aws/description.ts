/**
 * The layer version Description: who built it, from which requirements and commit, and a short
 * digest of the zip. The digest lets a later run find the matching version among many with one
 * GetLayerVersion call instead of one per version (ListLayerVersions returns no CodeSha256).
 */
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { MAX_DESCRIPTION_LENGTH } from './validation.js';

export interface DescriptionParts {
  /** sha256 (hex) of the normalized requirements (Manifest.requirementsHash). */
  readonly requirementsHash?: string;
  /** Commit the layer was built from (GITHUB_SHA). */
  readonly commit?: string;
  /** OWNER/REPO the workflow ran in (GITHUB_REPOSITORY). */
  readonly repository?: string;
  /** The workflow run that built it (GITHUB_RUN_ID): https://github.com/OWNER/REPO/actions/runs/ID. */
  readonly runId?: string;
  /** base64(sha256(zip)), as Lambda reports CodeSha256. */
  readonly codeSha256: string;
  /** Free text placed first (e.g. the user's own description). */
  readonly text?: string;
}

/** The marker written into descriptions: "code:" + the first 16 hex digits of the zip's sha256. */
export function codeMarker(codeSha256: string): string {
  return `code:${Buffer.from(codeSha256, 'base64').toString('hex').slice(0, 16)}`;
}

/**
 * "lambda-layer 0.1.0 req:… commit:… repo:OWNER/REPO run:ID code:…": with only a layer ARN,
 * GetLayerVersion gives this text, the zip (Content.Location) and its CodeSha256, so anyone can
 * find the run and commit that built it and check the zip against its attestation. Lambda
 * allows 256 characters: with GitHub's longest names (owner 39, repository 100 characters) the
 * facts take 243, so they always fit; the user's own text gets what is left.
 */
export function layerDescription(parts: DescriptionParts): string {
  const facts = [
    `${TOOL_NAME} ${TOOL_VERSION}`,
    parts.requirementsHash ? `req:${parts.requirementsHash.slice(0, 16)}` : undefined,
    parts.commit ? `commit:${parts.commit.slice(0, 12)}` : undefined,
    parts.repository ? `repo:${parts.repository}` : undefined,
    parts.runId ? `run:${parts.runId}` : undefined,
    codeMarker(parts.codeSha256),
  ]
    .filter(Boolean)
    .join(' ');
  const room = MAX_DESCRIPTION_LENGTH - facts.length - 3;
  const text = parts.text?.trim();
  if (!text || room <= 0) return facts;
  const cut = text.length > room ? `${text.slice(0, room - 1)}…` : text;
  return `${cut} | ${facts}`;
}
