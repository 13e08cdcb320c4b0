/** Summaries of repeated measurements: median, min, max, and ratios of medians. */

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Every measurement, in the order taken. */
  readonly samples: readonly number[];
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('summarize: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return {
    median,
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    samples: [...samples],
  };
}

/** ours / baseline of the medians. */
export function ratio(ours: Summary, baseline: Summary): number {
  return baseline.median === 0 ? Number.POSITIVE_INFINITY : ours.median / baseline.median;
}

/** A figure's verdict: measured ratio against the target (lower is better). */
export interface Verdict {
  readonly ratio: number;
  readonly target: number;
  readonly pass: boolean;
}

export function verdict(measured: number, target: number): Verdict {
  return { ratio: measured, target, pass: measured <= target };
}
