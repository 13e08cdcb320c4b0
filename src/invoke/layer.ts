/**
 * Puts a layer where Lambda would: its zip's `python/` under an `opt/` directory. A built
 * layer.zip is extracted into a temporary opt/; an already extracted layer directory (one that
 * holds `python/`) is used in place, read-only as /opt is on Lambda.
 */

import { existsSync, statSync } from 'node:fs';
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
  if (existsSync(join(path, 'python')))
    return { optDir: path, source: path, manifest: await readManifest(path) };
  if (existsSync(join(path, 'layer.zip'))) return extract(join(path, 'layer.zip'));
  if (basename(path) === 'python') {
    return { optDir: dirname(path), source: path, manifest: await readManifest(dirname(path)) };
  }
  throw new InputError(inputName, `${layer} holds neither python/ nor layer.zip`, {
    hint: 'pass the layer.zip, the build output directory, or a directory containing python/',
  });
}
