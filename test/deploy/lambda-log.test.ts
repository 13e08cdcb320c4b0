/** Lambda's log tail and REPORT line, in the format AWS documents (tab-separated fields). */
import { describe, expect, it } from 'vitest';
import { decodeLogResult, functionOutput, parseReportLine } from '../../src/deploy/lambda-log.js';

// From the AWS Lambda Python logging documentation, with the tabs Lambda writes.
const TAIL = [
  'START RequestId: 8f507cfc-xmpl-4697-b07a-ac58fc914c95 Version: $LATEST',
  "[ERROR] Runtime.ImportModuleError: Unable to import module 'wsgi_handler': No module named 'flask'",
  'Traceback (most recent call last):',
  'END RequestId: 8f507cfc-xmpl-4697-b07a-ac58fc914c95',
  'REPORT RequestId: 8f507cfc-xmpl-4697-b07a-ac58fc914c95\tDuration: 15.74 ms\tBilled Duration: 16 ms\tMemory Size: 128 MB\tMax Memory Used: 56 MB\tInit Duration: 130.49 ms\t',
  '',
].join('\n');

describe('the log tail', () => {
  it('decodes X-Amz-Log-Result and reads the REPORT figures', () => {
    const tail = decodeLogResult(Buffer.from(TAIL).toString('base64'));
    expect(tail).toBe(TAIL);
    expect(parseReportLine(tail)).toEqual({
      durationMs: 15.74,
      billedDurationMs: 16,
      memorySizeMb: 128,
      maxMemoryUsedMb: 56,
      initDurationMs: 130.49,
    });
    expect(functionOutput(tail)).toBe(
      "[ERROR] Runtime.ImportModuleError: Unable to import module 'wsgi_handler': No module named 'flask'\nTraceback (most recent call last):",
    );
  });

  it('a timeout, a warm start, and a tail cut before its REPORT line', () => {
    expect(
      parseReportLine(
        'REPORT RequestId: 1\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tStatus: timeout',
      ),
    ).toEqual({
      durationMs: 3000,
      billedDurationMs: 3000,
      memorySizeMb: 128,
      maxMemoryUsedMb: 40,
      initDurationMs: undefined,
      status: 'timeout',
    });
    expect(parseReportLine('START RequestId: 1 Version: $LATEST\nhello')).toBeUndefined();
    expect(decodeLogResult(undefined)).toBeUndefined();
  });
});
