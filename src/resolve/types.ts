/** What resolution and installation produce: the sdist policy they obey and one entry per installed distribution. */

import type { PackageLicense } from '../wheel/license.js';

/** Whether a package without a fitting wheel may be built from its sdist: only pure-Python ones, or never. */
export type SdistPolicy = 'pure' | 'never';

/** One installed distribution, from pip's --report. */
export interface PackageEntry {
  readonly name: string;
  readonly version: string;
  /** Wheel file name pip installed (or built from an sdist). */
  readonly wheel: string;
  /** Platform/ABI tags from the wheel file name, e.g. "cp311-cp311-manylinux_2_17_x86_64". */
  readonly tags: string;
  /** sha256 of the wheel as the index reported it (hex), when known. */
  readonly sha256?: string;
  /** Bytes this distribution occupies in python/ (unzipped). */
  readonly size: number;
  /** True when the wheel was built on the host from a pure-Python sdist. */
  readonly builtFromSource?: boolean;
  readonly requested: boolean;
  /** The licence its METADATA states (wheel/license.ts); absent when it states none. */
  readonly license?: PackageLicense;
  /**
   * Normalized names of the layer's distributions it requires on the target (Requires-Dist with
   * markers evaluated for it; layer/package-metadata.ts). Absent in manifests from before.
   */
  readonly dependencies?: readonly string[];
}
