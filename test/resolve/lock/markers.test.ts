/**
 * The TypeScript marker evaluator against the rules it reproduces: named cases for each rule,
 * then every marker of the real lock fixtures plus tricky forms evaluated by both this evaluator
 * and the packaging that the pinned pip vendors, for x86_64 and arm64 on 3.9, 3.11 and 3.14.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../../src/cache/dir-store.js';
import { evaluateMarker, MarkerSyntaxError, parseMarker } from '../../../src/resolve/lock/markers.js';
import { PINNED_PIP } from '../../../src/resolve/pinned-pip.js';
import { markerEnvironment, resolveTarget } from '../../../src/target.js';
import { lockFixture } from '../../support/fixtures.js';

const x86 = { environment: markerEnvironment(resolveTarget('python3.11', 'x86_64')) };
const arm = { environment: markerEnvironment(resolveTarget('python3.11', 'arm64')) };

describe('evaluateMarker for the Lambda target', () => {
  it('selects by platform and CPU as Lambda reports them', () => {
    expect(evaluateMarker("sys_platform == 'win32'", x86)).toBe(false);
    expect(evaluateMarker('sys_platform == "linux"', x86)).toBe(true);
    expect(evaluateMarker("platform_machine == 'aarch64'", x86)).toBe(false);
    expect(evaluateMarker("platform_machine == 'aarch64'", arm)).toBe(true);
    expect(evaluateMarker("platform_system != 'Windows' and os_name == 'posix'", arm)).toBe(true);
    expect(evaluateMarker("platform_python_implementation != 'PyPy'", x86)).toBe(true);
    expect(evaluateMarker("implementation_name == 'pypy'", x86)).toBe(false);
  });

  it('compares Python versions as versions and groups with and/or/parentheses', () => {
    expect(evaluateMarker("python_version < '3.10'", x86)).toBe(false);
    expect(evaluateMarker("python_version >= '3.9'", x86)).toBe(true);
    expect(evaluateMarker("python_full_version >= '3.11.4'", x86)).toBe(true); // 3.11.13, not a string compare
    expect(evaluateMarker("python_full_version == '3.11.*'", x86)).toBe(true);
    expect(evaluateMarker("python_version ~= '3.10'", x86)).toBe(true);
    expect(
      evaluateMarker(
        "(python_version < '3.10' or sys_platform == 'linux') and platform_machine == 'x86_64'",
        x86,
      ),
    ).toBe(true);
    expect(
      evaluateMarker(
        "python_version < '3.10' or sys_platform == 'linux' and platform_machine == 'aarch64'",
        x86,
      ),
    ).toBe(false);
  });

  it('treats extras and dependency groups as sets of normalized names', () => {
    expect(evaluateMarker('extra == "Async_IO"', { ...x86, extras: new Set(['async-io']) })).toBe(true);
    expect(evaluateMarker('extra == "async"', x86)).toBe(false);
    expect(evaluateMarker("'dev' in dependency_groups", { ...x86, dependencyGroups: new Set(['dev']) })).toBe(
      true,
    );
    expect(evaluateMarker("'dev' in dependency_groups", x86)).toBe(false);
    expect(evaluateMarker("'docs' not in extras", x86)).toBe(true);
  });

  it('refuses malformed markers with the reason', () => {
    expect(() => parseMarker('python_version <')).toThrow(MarkerSyntaxError);
    expect(() => parseMarker("os == 'linux'")).toThrow(/unknown marker variable "os"/);
    expect(() => parseMarker("(sys_platform == 'linux'")).toThrow(/expected "\)"/);
    expect(() => parseMarker("'a' == 'b'")).toThrow(/marker variable on one side/);
    expect(evaluateMarker('', x86)).toBe(true);
  });
});

/** Every `marker = "..."` / `"markers": "..."` / edge marker in the fixture locks. */
function fixtureMarkers(): string[] {
  const files = [
    'uv/aecomet__fastapi-tutorial/uv.lock',
    'uv/aekasitt__etiquette/uv.lock',
    'uv/pallets__flask/uv.lock',
    'poetry/collerek__ormar/poetry.lock',
    'poetry/UCSD-E4E__pyFileHash/poetry.lock',
    'pipenv/pypa__pipenv/Pipfile.lock',
    'pipenv/Gilbertly__sam-starter-py/Pipfile.lock',
    'pylock/pypa__pipenv/pylock.toml',
    'pylock/Five-Colleges-Incorporated__httpx-folio/pylock.toml',
  ];
  const found = new Set<string>();
  for (const file of files) {
    const text = readFileSync(lockFixture(file), 'utf8');
    for (const m of text.matchAll(/\bmarkers?"?\s*[=:]\s*"((?:[^"\\]|\\.)*)"/g)) {
      found.add(JSON.parse(`"${m[1]}"`) as string);
    }
  }
  return [...found];
}

const TRICKY = [
  "python_version not in '3.0, 3.1, 3.2, 3.3, 3.4'",
  "python_version in '3.10, 3.11'",
  "'linux' in sys_platform",
  "platform_release >= '5'",
  "platform_machine < 'z'",
  "platform_machine <= 'x86_64'",
  "python_full_version === '3.11.13'",
  "python_version > '3.11.0a1'",
  "os.name == 'posix' and sys.platform == 'linux'",
  "python_version == '3'",
  "python_full_version != '3.11.*'",
  "implementation_version >= '3.11'",
  "extra == 'test' or python_version < '3.12'",
  "'test' in dependency_groups or 'dev' in dependency_groups",
];

describe("evaluateMarker agrees with the pinned pip's packaging", () => {
  const pipHome = join(defaultCacheDir(), `pip-${PINNED_PIP.version}`);
  const markers = [...fixtureMarkers(), ...TRICKY];

  it.each([
    ['python3.9', 'x86_64'],
    ['python3.11', 'x86_64'],
    ['python3.11', 'arm64'],
    ['python3.14', 'arm64'],
  ])('on %s %s', (runtime, arch) => {
    expect(markers.length).toBeGreaterThan(60);
    const environment = markerEnvironment(resolveTarget(runtime, arch));
    const program = `
import json, sys
sys.path.insert(0, sys.argv[1])
from pip._vendor.packaging.markers import Marker
data = json.load(sys.stdin)
env = dict(data["env"], extra="test", extras=frozenset(), dependency_groups=frozenset(["test"]))
print(json.dumps([Marker(m).evaluate(env, "lock_file") for m in data["markers"]]))
`;
    const output = execFileSync('python3', ['-c', program, pipHome], {
      input: JSON.stringify({ env: environment, markers }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    const expected = JSON.parse(output) as boolean[];
    const context = { environment, extras: new Set(['test']), dependencyGroups: new Set(['test']) };
    const actual = markers.map((m) => evaluateMarker(m, context));
    const disagreements = markers.filter((_, i) => actual[i] !== expected[i]);
    expect(disagreements).toEqual([]);
    // Both outcomes occur: the comparison is not trivially all-true.
    expect(new Set(expected)).toEqual(new Set([true, false]));
  });
});
