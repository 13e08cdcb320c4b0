/** Registry of CLI commands: each command lives in its own file and is listed here once. */
import type { Command } from './command.js';

export const COMMANDS: readonly Command[] = [];
