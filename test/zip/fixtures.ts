/** Shared helpers for the zip writer/reader tests: real trees on disk, real zip/unzip/python. */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** Runs a tool with a bound; returns stdout. Throws (with stderr in the message) on failure. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; input?: string } = {},
): string {
  return execFileSync(command, args, {
    cwd: options.cwd,
    input: options.input,
    encoding: 'utf8',
    timeout: 120_000,
    killSignal: 'SIGKILL',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export function hasTool(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Runs a Python snippet (isolated mode) with arguments; returns stdout. */
export function python(code: string, ...args: string[]): string {
  return run('python3', ['-I', '-c', code, ...args]);
}

export function write(root: string, name: string, content: string | Buffer, mode = 0o644): void {
  const file = join(root, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  chmodSync(file, mode);
}

/** A small layer-like tree exercising every kind of entry the writer handles. */
export function buildSampleTree(root: string): void {
  const text = 'def hello():\n    return "hello from the layer"\n'.repeat(200);
  write(root, 'python/pkg/__init__.py', text);
  write(root, 'python/pkg/sub/mod.py', 'X = 1\n');
  write(root, 'python/pkg/empty.txt', '');
  write(root, 'python/bin/tool', '#!/bin/sh\necho tool\n', 0o755);
  write(root, 'python/pkg/owner-exec-only.sh', '#!/bin/sh\n', 0o744);
  // Random bytes do not deflate: must be stored (method 0).
  write(root, 'python/pkg/random.bin', randomBytes(50_000));
  // Compressible binary: deflated (method 8).
  write(root, 'python/pkg/zeros.bin', Buffer.alloc(100_000, 7));
  write(root, 'python/pkg/données/café.py', 'NAME = "café"\n');
  write(root, 'python/pkg/日本語.txt', 'こんにちは\n');
  // Larger than the 1 MiB deflate chunk, so it is compressed in parallel chunks.
  write(
    root,
    'python/pkg/big.txt',
    Buffer.from(Array.from({ length: 60_000 }, (_, i) => `line ${i} ${i * 7919}\n`).join('')),
  );
  mkdirSync(join(root, 'python/pkg/empty-dir'), { recursive: true });
}

/** Relative path -> sha256 of content (files) or "dir" for every entry under root. */
export function treeDigest(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      const name = relative(root, full);
      if (entry.isDirectory()) {
        out[`${name}/`] = 'dir';
        walk(full);
      } else {
        const mode = statSync(full).mode & 0o111 ? 'x' : '-';
        out[name] = `${mode} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`;
      }
    }
  };
  walk(root);
  return out;
}

/** Every path under `dir` (files, links, folders), relative, sorted; [] when it does not exist. */
export function treeOf(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/** Bytes of the regular files under `dir` (0 when it does not exist). */
export function bytesUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}
