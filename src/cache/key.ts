/**
 * The cache key: it must change when anything that shapes the layer changes, and only then.
 * (serverless-python-requirements once keyed on requirements alone and served layers built for
 * another Python version.) Index URLs are hashed, never shown: they may carry credentials.
 */
import { createHash } from 'node:crypto';
import type { SlimOptions } from '../layer/types.js';
import type { SdistPolicy } from '../resolve/types.js';
import { markerEnvironment, platformTags, type Target } from '../target.js';

export interface CacheKeyInputs {
  readonly toolVersion: string;
  /** Version of the pinned pip that resolves (another pip may choose other packages). */
  readonly pipVersion: string;
  readonly target: Target;
  /** sha256 of the normalized requirements with -r/-c includes resolved. */
  readonly requirementsHash: string;
  /** sha256 of the content of local paths and pinned URLs the requirements name (local-sources.ts). */
  readonly directSourcesHash: string;
  readonly bytecode: boolean;
  readonly slim?: SlimOptions;
  readonly sdist: SdistPolicy;
  readonly indexUrl?: string;
  readonly extraIndexUrls: readonly string[];
  readonly findLinks: readonly string[];
  /** sha256 of the files in local --find-links folders (resolve/find-links.ts fingerprintFindLinks). */
  readonly findLinksContentHash: string;
}

export function cacheKey(inputs: CacheKeyInputs): string {
  const { target } = inputs;
  const ingredients = {
    tool: inputs.toolVersion,
    runtime: target.runtime,
    architecture: target.architecture,
    platformTags: platformTags(target),
    pip: inputs.pipVersion,
    // Includes python_full_version: a new documented patch level may flip a marker.
    markers: markerEnvironment(target),
    requirements: inputs.requirementsHash,
    directSources: inputs.directSourcesHash,
    bytecode: inputs.bytecode,
    slim: inputs.slim ? { exclude: [...inputs.slim.exclude], keep: [...inputs.slim.keep] } : null,
    sdist: inputs.sdist,
    indexUrl: inputs.indexUrl ?? null,
    extraIndexUrls: [...inputs.extraIndexUrls],
    findLinks: [...inputs.findLinks],
    findLinksContent: inputs.findLinksContentHash,
  };
  const digest = createHash('sha256').update(JSON.stringify(ingredients)).digest('hex');
  // Readable prefix for humans browsing the cache list; the digest carries every ingredient.
  // Max key length is 512 characters; this stays under 120.
  return `lambda-layer-${inputs.toolVersion}-${target.runtime}-${target.architecture}-${digest}`;
}
