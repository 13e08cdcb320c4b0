/** What --runtime and --arch accept, for the help texts: read from target.ts, the one home of runtimes. */
import { ARCHITECTURES, RUNTIMES, runtimeStatus } from '../target.js';

/** "python3.9 (deprecated), python3.10 (deprecated), python3.11, ..., python3.15", by AWS's dates today. */
export function runtimeChoices(today: Date = new Date()): string {
  return RUNTIMES.map(
    (r) => `${r.runtime}${runtimeStatus(r, today) === 'supported' ? '' : ' (deprecated)'}`,
  ).join(', ');
}

export const ARCH_CHOICES = ARCHITECTURES.join(' or ');
