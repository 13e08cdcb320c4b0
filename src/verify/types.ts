/** What verification reports: findings per file, the rule each broke, and the totals. */

export interface VerificationFinding {
  /** Path inside the zip, e.g. python/numpy/core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so */
  readonly file: string;
  readonly problem: string;
  /** Which rule the file broke; picks the hint. */
  readonly rule?: VerificationRule;
}

export type VerificationRule =
  | 'glibc'
  | 'libstdcxx'
  | 'architecture'
  | 'windows'
  | 'macos'
  | 'musl'
  | 'python-abi'
  | 'layout'
  | 'size';

export interface VerificationReport {
  readonly ok: boolean;
  readonly checkedBinaries: number;
  readonly findings: readonly VerificationFinding[];
  readonly warnings: readonly string[];
  /** Ten largest top-level packages by unzipped bytes. */
  readonly largest: readonly { readonly name: string; readonly size: number }[];
  /** Sum of the layer's file sizes (what Lambda counts against the unzipped limit). */
  readonly unzippedSize?: number;
  /** Size of layer.zip, when a zip was verified. */
  readonly zipSize?: number;
}
