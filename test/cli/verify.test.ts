/** `lambda-layer verify` end to end through the CLI entry, on zips of real gcc-built objects. */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { memoryLogger } from '../../src/log.js';
import { buildElfFixtures, type ElfFixtures } from '../verify/elf-fixtures.js';

let fx: ElfFixtures;
let cwd: string;

/** Zips `files` (zip path -> source file) into cwd/<name>/layer.zip with Python's zipfile. */
function zipLayer(name: string, files: Record<string, string>, manifestTarget?: object): string {
  const root = join(cwd, `${name}-tree`);
  for (const [path, source] of Object.entries(files)) {
    const dest = join(root, ...path.split('/'));
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(source, dest);
  }
  const outDir = join(cwd, name);
  mkdirSync(outDir, { recursive: true });
  const zip = join(outDir, 'layer.zip');
  execFileSync(
    'python3',
    [
      '-c',
      'import os,sys,zipfile\nz=zipfile.ZipFile(sys.argv[2],"w",zipfile.ZIP_DEFLATED)\nfor d,_,fs in os.walk(sys.argv[1]):\n  for f in sorted(fs):\n    p=os.path.join(d,f); z.write(p, os.path.relpath(p, sys.argv[1]))\nz.close()',
      root,
      zip,
    ],
    { timeout: 60_000 },
  );
  if (manifestTarget)
    writeFileSync(
      join(outDir, 'manifest.json'),
      JSON.stringify({ schemaVersion: 1, target: manifestTarget }),
    );
  return zip;
}

beforeAll(() => {
  fx = buildElfFixtures();
  cwd = mkdtempSync(join(tmpdir(), 'cli-verify-'));
});
afterAll(() => {
  rmSync(fx.dir, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
});

async function cli(args: string[]) {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (chunk) => {
    out += chunk;
  });
  const log = memoryLogger();
  const code = await main(args, { stdout, log, env: process.env, cwd });
  return { code, out, log: log.lines.join('\n') };
}

describe('lambda-layer verify', () => {
  it('exits 1 and lists each problem with the file inside the zip', async () => {
    zipLayer('bad', {
      'python/cryptography/hazmat/bindings/_rust.abi3.so': fx.glibc234,
      'python/armpkg/_ext.abi3.so': fx.aarch64,
    });
    const { code, log } = await cli(['verify', 'bad/layer.zip']);
    expect(code).toBe(1);
    expect(log).toContain('Verifying bad/layer.zip for python3.11 x86_64 (Amazon Linux 2)');
    expect(log).toContain(
      'python/cryptography/hazmat/bindings/_rust.abi3.so needs GLIBC_2.34; python3.11 (Amazon Linux 2) has glibc 2.26',
    );
    expect(log).toContain('python/armpkg/_ext.abi3.so is a 64-bit AArch64 binary');
    expect(log).toMatch(/-> .*pin an older cryptography/);
  });

  it('takes runtime and arch from manifest.json beside the zip; flags override it', async () => {
    zipLayer(
      'al2023',
      { 'python/cryptography/_rust.abi3.so': fx.glibc234 },
      { runtime: 'python3.12', architecture: 'x86_64' },
    );
    const passed = await cli(['verify', 'al2023/layer.zip']);
    expect(passed.code).toBe(0);
    expect(passed.log).toContain('for python3.12 x86_64 (Amazon Linux 2023) (target from');
    expect(passed.log).toContain('OK: the layer loads on python3.12 x86_64');

    const overridden = await cli(['verify', 'al2023/layer.zip', '--runtime', 'python3.11']);
    expect(overridden.code).toBe(1);
    expect(overridden.log).toContain('needs GLIBC_2.34; python3.11 (Amazon Linux 2) has glibc 2.26');
  });

  it('--json prints the report on stdout', async () => {
    zipLayer('ok', { 'python/fast/_impl.abi3.so': fx.glibc217 });
    const { code, out } = await cli(['verify', join(cwd, 'ok/layer.zip'), '--json', '--arch', 'x86_64']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report).toMatchObject({ ok: true, checkedBinaries: 1, findings: [], largest: [{ name: 'fast' }] });
    expect(report.zipSize).toBeGreaterThan(0);
  });

  it('usage errors exit 2; a missing zip is one clear line, exit 1', async () => {
    expect((await cli(['verify'])).code).toBe(2);
    const missing = await cli(['verify', 'nope/layer.zip']);
    expect(missing.code).toBe(1);
    expect(missing.log).toContain('nope/layer.zip: no such file');
  });
});
