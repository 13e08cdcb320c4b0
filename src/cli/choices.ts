/** What --runtime and --arch accept, for the help texts: read from target.ts, the one home of runtimes. */
import { ARCHITECTURES, RUNTIMES } from '../target.js';

/** "python3.9 (deprecated), python3.10, ..., python3.14" */
export function runtimeChoices(): string {
  return RUNTIMES.map((r) => `${r.runtime}${r.deprecated ? ' (deprecated)' : ''}`).join(', ');
}

export const ARCH_CHOICES = ARCHITECTURES.join(' or ');
