/**
 * Figure 5b: the zip step alone on one tree (a directory holding python/): our writer
 * (writeLayerZip, in this process, as the build calls it) against Info-ZIP `zip -r -X -q` (a
 * process; its startup is a few ms). Same zlib level (6) on both sides; runs interleaved, one
 * discarded warm-up each.
 */
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeLayerZip } from '../src/zip/writer.js';
import { runChecked } from './process.js';
import { type Summary, summarize } from './stats.js';

export const INFO_ZIP_STEP_ARGS = ['-r', '-X', '-q'];

export interface ZipStepMeasurement {
  readonly oursMs: Summary;
  readonly infoZipMs: Summary;
  readonly oursBytes: number;
  readonly infoZipBytes: number;
}

export async function measureZipStep(
  layerRoot: string,
  scratchDir: string,
  runs: number,
  env: NodeJS.ProcessEnv,
): Promise<ZipStepMeasurement> {
  const oursZip = join(scratchDir, 'ours-step.zip');
  const infoZip = join(scratchDir, 'info-zip-step.zip');
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i <= runs; i++) {
    // zip -r updates an existing archive: always start from none.
    await rm(oursZip, { force: true });
    await rm(infoZip, { force: true });
    const started = performance.now();
    await writeLayerZip(layerRoot, oursZip);
    const oursMs = performance.now() - started;
    const run = await runChecked('zip', [...INFO_ZIP_STEP_ARGS, infoZip, 'python'], {
      cwd: layerRoot,
      env,
      timeoutMs: 30 * 60_000,
    });
    if (i === 0) continue;
    ours.push(oursMs);
    theirs.push(run.wallMs);
  }
  const result = {
    oursMs: summarize(ours),
    infoZipMs: summarize(theirs),
    oursBytes: (await stat(oursZip)).size,
    infoZipBytes: (await stat(infoZip)).size,
  };
  await rm(oursZip, { force: true });
  await rm(infoZip, { force: true });
  return result;
}
