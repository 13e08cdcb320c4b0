/**
 * The hostile corpus through extractZip: each zip is refused with its one line, nothing is
 * written outside the destination, and a zip refused by the policy creates nothing at all (not
 * even the destination). Data faults (bombs, lying sizes, bad CRCs) are found while writing:
 * what they leave is inside the destination, at most the bytes they declared.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { LAMBDA_LIMITS } from '../../src/target.js';
import { extractZip, listZip } from '../../src/zip/reader.js';
import { bytesUnder, treeOf } from './fixtures.js';
import { hostileCorpus } from './hostile-corpus.js';

let sandbox: string;
const outside = join(tmpdir(), `lambda-layer-hostile-${randomBytes(6).toString('hex')}`);

beforeAll(() => {
  sandbox = mkdtempSync(join(tmpdir(), 'hostile-zips-'));
  mkdirSync(join(sandbox, 'zips'));
});
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

describe('hostile zips through extractZip', () => {
  it.each(hostileCorpus(outside).map((c) => [c.name, c] as const))('%s', async (label, hostile) => {
    const id = label.replace(/\W+/g, '-');
    const zip = join(sandbox, 'zips', `${id}.zip`);
    writeFileSync(zip, hostile.zip());
    const workDir = join(sandbox, 'work', id);
    mkdirSync(workDir, { recursive: true });
    const dest = join(workDir, 'deep', 'er', 'out');

    const attempt = extractZip(zip, dest, { maxBytes: LAMBDA_LIMITS.unzippedBytes });
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toThrow(hostile.refusal);
    const message = await attempt.then(
      () => '',
      (error: Error) => error.message,
    );
    expect(message).not.toContain('\n');

    const corruptData = message.includes(' is corrupt: ');
    if (!corruptData) expect(existsSync(dest), 'refused by the policy: nothing created').toBe(false);
    // Nothing beside the destination, anywhere in the sandbox or at the absolute target.
    const besides = treeOf(workDir).filter((p) => !`${p}/`.startsWith(`${relative(workDir, dest)}/`));
    expect(besides.filter((p) => !'deep/er/out'.startsWith(p))).toEqual([]);
    expect(existsSync(outside)).toBe(false);
    if (hostile.declaredBytes !== undefined)
      expect(bytesUnder(dest)).toBeLessThanOrEqual(hostile.declaredBytes);
  });

  it('lists what the corpus zips claim without inflating anything', async () => {
    const zip = join(sandbox, 'zips', 'bomb-list.zip');
    const bomb = hostileCorpus(outside).find((c) => c.name.startsWith('bomb declaring 5 MiB'));
    writeFileSync(zip, bomb?.zip() ?? Buffer.alloc(0));
    expect(await listZip(zip)).toMatchObject([{ name: 'python/bomb.bin', size: 5 * 1024 * 1024 }]);
  });
});
