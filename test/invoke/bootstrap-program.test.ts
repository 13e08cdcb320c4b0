/**
 * src/invoke/bootstrap.py on its own, as the runner starts it (`python -I -S -B bootstrap.py
 * ARGS`): the result file it writes for each way a handler can end, with no TypeScript around it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { programPath } from '../../src/programs.js';

const work = mkdtempSync(join(tmpdir(), 'bootstrap-'));
const opt = join(work, 'opt');
mkdirSync(join(opt, 'python'), { recursive: true });
writeFileSync(join(opt, 'python', 'layer_mod.py'), 'VALUE = "from the layer"\n');

function run(source: string, handler = 'fn.handler', timeoutSeconds = '5'): Record<string, unknown> {
  const code = mkdtempSync(join(work, 'code-'));
  writeFileSync(join(code, 'fn.py'), source);
  writeFileSync(join(code, 'event.json'), '{"n": 2}');
  const result = join(code, 'result.json');
  execFileSync(
    'python3',
    [
      '-I',
      '-S',
      '-B',
      programPath('invoke/bootstrap.py'),
      code,
      opt,
      handler,
      join(code, 'event.json'),
      result,
      timeoutSeconds,
      'fn',
      '128',
    ],
    { timeout: 30_000, stdio: 'pipe' },
  );
  return JSON.parse(readFileSync(result, 'utf8'));
}

describe('invoke/bootstrap.py', () => {
  it('imports from the code dir and the layer, passes event and context, returns the response', () => {
    const result = run(
      'import layer_mod\ndef handler(event, context):\n    return [layer_mod.VALUE, event["n"] * 2, context.function_name, context.memory_limit_in_mb]\n',
    );
    expect(result).toMatchObject({ ok: true, response: ['from the layer', 4, 'fn', 128] });
    // The figures of Lambda's REPORT line.
    expect(Object.keys(result.metrics as object).sort()).toEqual(
      expect.arrayContaining(['durationMs', 'initMs']),
    );
  });

  it.each([
    [
      'import missing_module\ndef handler(e, c): pass\n',
      'fn.handler',
      'Runtime.ImportModuleError',
      "Unable to import module 'fn': No module named 'missing_module'",
    ],
    [
      'def other(e, c): pass\n',
      'fn.handler',
      'Runtime.HandlerNotFound',
      "Handler 'handler' missing on module 'fn'",
    ],
    ['def handler(e, c):\n    raise KeyError("boom")\n', 'fn.handler', 'KeyError', "'boom'"],
    [
      'def handler(e, c):\n    return object()\n',
      'fn.handler',
      'Runtime.MarshalError',
      'Unable to marshal response',
    ],
  ])('reports %#: %s as Lambda does', (source, handler, errorType, message) => {
    const result = run(source, handler) as {
      ok: boolean;
      error: { errorType: string; errorMessage: string };
    };
    expect(result.ok).toBe(false);
    expect(result.error.errorType).toBe(errorType);
    expect(result.error.errorMessage).toContain(message);
  });

  it('stops a handler at the function timeout', () => {
    const result = run('import time\ndef handler(e, c):\n    time.sleep(10)\n', 'fn.handler', '0.3') as {
      error: { errorType: string };
    };
    expect(result.error.errorType).toBe('Sandbox.Timedout');
  });
});
