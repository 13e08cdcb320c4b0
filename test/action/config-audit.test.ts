/** The action inputs of issue 25: deny-licenses, allow-deprecated-runtime (defaults from action.yml). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadActionConfig } from '../../src/action/config.js';

const action = parse(readFileSync(join(import.meta.dirname, '..', '..', 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
};

function inputs(overrides: Record<string, string> = {}) {
  const values: Record<string, string> = { 'layer-name': 'deps', 'aws-region': 'us-east-1' };
  for (const [name, spec] of Object.entries(action.inputs)) values[name] ??= spec.default ?? '';
  Object.assign(values, overrides);
  return (name: string): string => {
    if (!(name in values))
      throw new Error(`the code read input "${name}", which action.yml does not declare`);
    return values[name] as string;
  };
}
const env = { GITHUB_WORKSPACE: '/ws', RUNNER_TEMP: '/runner/tmp' };

describe('audit inputs', () => {
  it('by default: no licence policy, deprecated runtimes not allowed past block-update', () => {
    const config = loadActionConfig(inputs(), env);
    expect(config.build.licensePolicy).toBeUndefined();
    expect(config.build.allowDeprecatedRuntime).toBe(false);
  });

  it('deny-licenses takes SPDX ids as SPDX spells them, one per line or comma separated', () => {
    const config = loadActionConfig(
      inputs({ 'deny-licenses': 'gpl-3.0-only,\nAGPL-3.0-only', 'allow-deprecated-runtime': 'true' }),
      env,
    );
    expect(config.build.licensePolicy).toEqual({
      deny: ['GPL-3.0-only', 'AGPL-3.0-only'],
      input: 'deny-licenses',
    });
    expect(config.build.allowDeprecatedRuntime).toBe(true);
  });

  it('a value that is no SPDX id names the input', () => {
    expect(() => loadActionConfig(inputs({ 'deny-licenses': 'GPLv3' }), env)).toThrow(
      'Input "deny-licenses": "GPLv3" is not an SPDX licence id',
    );
    expect(() => loadActionConfig(inputs({ 'allow-deprecated-runtime': 'maybe' }), env)).toThrow(
      /Input "allow-deprecated-runtime"/,
    );
  });
});
