/**
 * Puts a layer where Lambda would: its zip's `python/` under an `opt/` directory of the caller's
 * work folder. A layer.zip is extracted there; an extracted layer directory is copied there, so
 * a handler that writes under /opt changes the copy, never the user's folder. Lambda mounts /opt
 * read-only: the files of either are made read-only too (see makeFilesReadOnly for the limits).
 */

import { chmodSync, constants, cpSync, existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { LAMBDA_LIMITS } from '../target.js';
import { extractZip } from '../zip/reader.js';

export interface PreparedLayer {
  /** The directory that plays /opt: it holds python/. */
  readonly optDir: string;
  /** Where the layer came from (zip or directory). */
  readonly source: string;
  /** manifest.json next to the layer, when there is one (its target runtime is the default). */
  readonly manifest?: { readonly target?: { readonly runtime?: string; readonly architecture?: string } };
}

async function readManifest(dir: string): Promise<PreparedLayer['manifest']> {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as PreparedLayer['manifest'];
  } catch {
    return undefined;
  }
}

/**
 * `layer` is layer.zip, a build output directory holding layer.zip, a directory holding
 * python/, or python/ itself. Zips are extracted under `workDir`/opt.
 */
export async function prepareLayer(
  layer: string,
  workDir: string,
  inputName = 'layer',
): Promise<PreparedLayer> {
  const path = resolve(layer);
  if (!existsSync(path)) throw new InputError(inputName, `${layer} does not exist`);
  const extract = async (zip: string): Promise<PreparedLayer> => {
    const optDir = join(workDir, 'opt');
    await extractZip(zip, optDir, { maxBytes: LAMBDA_LIMITS.unzippedBytes });
    makeFilesReadOnly(optDir);
    if (!existsSync(join(optDir, 'python'))) {
      throw new InputError(
        inputName,
        `${zip} has no python/ folder at its root, so Lambda would not find its packages`,
        {
          hint: 'a Python layer zip must hold python/<package>; build it with lambda-layer build',
        },
      );
    }
    return { optDir, source: zip, manifest: await readManifest(dirname(zip)) };
  };
  if (statSync(path).isFile()) {
    if (!path.endsWith('.zip')) throw new InputError(inputName, `${layer} is neither a .zip nor a directory`);
    return extract(path);
  }
  const copy = (from: string, to: string): string => {
    const optDir = join(workDir, 'opt');
    copyReadOnly(from, join(workDir, to), inputName);
    return optDir;
  };
  if (existsSync(join(path, 'python')))
    return { optDir: copy(path, 'opt'), source: path, manifest: await readManifest(path) };
  if (existsSync(join(path, 'layer.zip'))) return extract(join(path, 'layer.zip'));
  if (basename(path) === 'python') {
    return {
      optDir: copy(path, join('opt', 'python')),
      source: path,
      manifest: await readManifest(dirname(path)),
    };
  }
  throw new InputError(inputName, `${layer} holds neither python/ nor layer.zip`, {
    hint: 'pass the layer.zip, the build output directory, or a directory containing python/',
  });
}

/**
 * Copies a layer directory (symlinks as they are, timestamps kept so timestamp-based pycs stay
 * valid; a reflink where the file system can) and makes the copy's files read-only.
 */
function copyReadOnly(from: string, to: string, inputName: string): void {
  try {
    cpSync(from, to, {
      recursive: true,
      verbatimSymlinks: true,
      preserveTimestamps: true,
      mode: constants.COPYFILE_FICLONE,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InputError(inputName, `${from} could not be copied to a private /opt (${to}): ${code}`, {
      hint: 'check that every file in the layer folder is readable, or pass the layer.zip instead',
    });
  }
  makeFilesReadOnly(to);
}

/**
 * Takes the write bits off every file under `dir`, as Lambda's read-only /opt would refuse a
 * handler's writes. Directories stay writable: the caller removes the work folder afterwards,
 * which a user without root could not do through a read-only directory. Root ignores modes
 * anyway; the private copy is what keeps the user's own folder unchanged.
 */
function makeFilesReadOnly(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) makeFilesReadOnly(full);
    else if (entry.isFile()) chmodSync(full, lstatSync(full).mode & 0o555);
  }
}
