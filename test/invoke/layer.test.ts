/** prepareLayer: every accepted layer shape ends up as an /opt-like dir holding python/. */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeHandler } from '../../src/invoke/index.js';
import { prepareLayer } from '../../src/invoke/layer.js';
import { memoryLogger } from '../../src/log.js';

let work: string;

function pythonVersion(): string {
  return execFileSync('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
    encoding: 'utf8',
    timeout: 30_000,
  }).trim();
}

/** A real zip written by Python's zipfile, entries as given. */
function zipOf(path: string, entries: Record<string, string>): string {
  execFileSync(
    'python3',
    [
      '-I',
      '-c',
      'import json,sys,zipfile\nwith zipfile.ZipFile(sys.argv[1],"w") as z:\n for n,t in json.loads(sys.argv[2]).items(): z.writestr(n,t)',
      path,
      JSON.stringify(entries),
    ],
    { timeout: 30_000 },
  );
  return path;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'prepare-layer-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('prepareLayer', () => {
  it('extracts layer.zip under <work>/opt and reads the manifest next to it', async () => {
    const out = join(work, 'out');
    mkdirSync(out);
    zipOf(join(out, 'layer.zip'), { 'python/greet.py': 'X = 1\n' });
    writeFileSync(
      join(out, 'manifest.json'),
      JSON.stringify({ target: { runtime: 'python3.12', architecture: 'x86_64' } }),
    );
    for (const given of [join(out, 'layer.zip'), out]) {
      const dest = await mkdtemp(join(work, 'w-'));
      const layer = await prepareLayer(given, dest);
      expect(layer.optDir).toBe(join(dest, 'opt'));
      expect(existsSync(join(dest, 'opt', 'python', 'greet.py'))).toBe(true);
      expect(layer.manifest?.target?.runtime).toBe('python3.12');
    }
  });

  it('copies an extracted layer, given its root or its python/ dir, with read-only files', async () => {
    const root = join(work, 'tree');
    mkdirSync(join(root, 'python', 'pkg'), { recursive: true });
    writeFileSync(join(root, 'python', 'pkg', '__init__.py'), 'X = 1\n');
    writeFileSync(join(root, 'python', 'tool.sh'), '#!/bin/sh\n', { mode: 0o755 });
    symlinkSync('pkg/__init__.py', join(root, 'python', 'alias.py'));
    for (const given of [root, join(root, 'python')]) {
      const dest = await mkdtemp(join(work, 'w-'));
      const layer = await prepareLayer(given, dest);
      expect(layer.optDir).toBe(join(dest, 'opt'));
      const copied = join(layer.optDir, 'python', 'pkg', '__init__.py');
      const original = join(root, 'python', 'pkg', '__init__.py');
      expect(readFileSync(copied, 'utf8')).toBe('X = 1\n');
      // A copy (another inode), not the user's file under another name.
      expect(statSync(copied).ino).not.toBe(statSync(original).ino);
      expect(statSync(copied).mode & 0o777).toBe(0o444);
      expect(statSync(join(layer.optDir, 'python', 'tool.sh')).mode & 0o777).toBe(0o555);
      expect(readlinkSync(join(layer.optDir, 'python', 'alias.py'))).toBe('pkg/__init__.py');
      expect(statSync(original).mode & 0o200).toBe(0o200); // the user's files keep their modes
    }
  });

  it('extracts a zip with read-only files, as on /opt', async () => {
    const zip = zipOf(join(work, 'ro.zip'), { 'python/ro.py': 'X = 1\n' });
    const dest = await mkdtemp(join(work, 'w-'));
    const layer = await prepareLayer(zip, dest);
    expect(statSync(join(layer.optDir, 'python', 'ro.py')).mode & 0o222).toBe(0);
  });

  it.runIf(pythonVersion() === '3.11')(
    "invoke: a handler writing under /opt changes a private copy, never the user's layer folder",
    async () => {
      const root = join(work, 'user-layer');
      mkdirSync(join(root, 'python'), { recursive: true });
      writeFileSync(join(root, 'python', 'greet.py'), 'X = 1\n');
      const before = readdirSync(join(root, 'python')).sort();
      const code = join(work, 'writer-code');
      mkdirSync(code, { recursive: true });
      writeFileSync(
        join(code, 'fn.py'),
        [
          'import os, greet',
          'def handler(event, context):',
          '    here = os.path.dirname(greet.__file__)',
          '    outcome = {}',
          "    for name in ('greet.py', 'new.txt'):",
          '        try:',
          "            with open(os.path.join(here, name), 'w') as f: f.write('changed')",
          "            outcome[name] = 'written'",
          '        except OSError as e:',
          '            outcome[name] = type(e).__name__',
          "    return {'dir': here, **outcome}",
          '',
        ].join('\n'),
      );
      const result = await invokeHandler(
        { layer: root, handler: 'fn.handler', event: {}, codeDir: code, python: 'python3' },
        memoryLogger(),
      );
      expect(result.error).toBeUndefined();
      const response = result.response as Record<string, string>;
      expect(response.dir?.startsWith(join(root, 'python'))).toBe(false);
      // Without root, the read-only file refuses the write as /opt would; root may write the copy.
      if (process.getuid?.() !== 0) expect(response['greet.py']).toBe('PermissionError');
      expect(readFileSync(join(root, 'python', 'greet.py'), 'utf8')).toBe('X = 1\n');
      expect(readdirSync(join(root, 'python')).sort()).toEqual(before);
    },
  );

  it('names the problem for a zip without python/, a non-zip file, a missing path', async () => {
    const flat = zipOf(join(work, 'flat.zip'), { 'flask/__init__.py': '' });
    await expect(prepareLayer(flat, await mkdtemp(join(work, 'w-')))).rejects.toThrow(
      `Input "layer": ${flat} has no python/ folder at its root, so Lambda would not find its packages`,
    );
    writeFileSync(join(work, 'notes.txt'), 'x');
    await expect(prepareLayer(join(work, 'notes.txt'), work)).rejects.toThrow(
      'is neither a .zip nor a directory',
    );
    await expect(prepareLayer(join(work, 'nope'), work)).rejects.toThrow('does not exist');
    mkdirSync(join(work, 'empty'));
    await expect(prepareLayer(join(work, 'empty'), work)).rejects.toThrow(
      'holds neither python/ nor layer.zip',
    );
  });
});
