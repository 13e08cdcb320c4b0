/**
 * The CLI's words for the inputs the stages name: an error raised deep in a stage names the
 * action input ("region", "architecture"); the CLI shows the flag a user types instead
 * ("--region", "--arch"). Most inputs are spelled the same as their flag; the table lists the
 * ones that are not.
 */
import type { InputNaming } from '../errors.js';

/** Action input -> CLI flag (without the dashes), where the two differ. */
const FLAG_FOR_INPUT: Readonly<Record<string, string>> = {
  architecture: 'arch',
  'aws-region': 'region',
  'extra-index-urls': 'extra-index-url',
  'grant-account-ids': 'grant-account',
  'grant-organization-id': 'grant-org',
  'keep-versions': 'keep',
  'output-dir': 'out',
  'smoke-test-expect': 'expect-text',
  bytecode: 'no-bytecode',
  'import-proof': 'no-import-proof',
  cache: 'no-cache',
};

export function flagFor(input: string): string {
  // A flag already, or an environment variable (AWS_REGION): said as it is.
  if (input.startsWith('-') || /^[A-Z][A-Z0-9_]*$/.test(input)) return input;
  return `--${FLAG_FOR_INPUT[input] ?? input}`;
}

export const CLI_NAMING: InputNaming = { name: flagFor, subject: flagFor };
