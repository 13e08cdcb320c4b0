/** Registry of CLI commands: each command lives in its own file and is listed here once. */
import { buildCommand } from './build.js';
import type { Command } from './command.js';
import { deployCommand } from './deploy.js';
import { invokeCommand } from './invoke.js';
import { publishCommand } from './publish.js';
import { verifyCommand } from './verify.js';

export const COMMANDS: readonly Command[] = [
  buildCommand,
  verifyCommand,
  invokeCommand,
  publishCommand,
  deployCommand,
];
