/**
 * What an installed distribution's *.dist-info says about itself: its name (METADATA) and the
 * files it installed (RECORD, which every wheel installer writes, unlike setuptools'
 * top_level.txt). Read from the layer tree, so it reflects what the layer holds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface InstalledDistribution {
  /** The distribution's name as METADATA spells it. */
  readonly name: string;
  /** The dist-info directory, relative to python/. */
  readonly distInfo: string;
  /** RECORD's paths, relative to python/ ("../../bin/x" for scripts outside it). */
  readonly files: readonly string[];
}

/** PEP 503 normalized project name: the key distributions are matched by. */
export function normalizeDistributionName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** First column of each RECORD line (CSV; a path with a comma is quoted, "" escapes a quote). */
export function recordPaths(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter(Boolean)
    .map((line) => {
      const quoted = /^"((?:[^"]|"")*)"/.exec(line);
      return quoted ? (quoted[1] ?? '').replace(/""/g, '"') : (line.split(',')[0] ?? '');
    });
}

function metadataName(text: string): string | undefined {
  const head = text.split(/\r?\n\r?\n/)[0] ?? '';
  return /^Name:[ \t]*(.+?)\s*$/im.exec(head)?.[1];
}

/** Every *.dist-info directly in python/, with its METADATA name and RECORD paths. */
export function readInstalledDistributions(pythonDir: string): InstalledDistribution[] {
  const found: InstalledDistribution[] = [];
  for (const distInfo of readdirSync(pythonDir).filter((name) => name.endsWith('.dist-info'))) {
    const read = (file: string): string => {
      try {
        return readFileSync(join(pythonDir, distInfo, file), 'utf8');
      } catch {
        return '';
      }
    };
    const name = metadataName(read('METADATA')) ?? distInfo.replace(/-[^-]*\.dist-info$/, '');
    found.push({ name, distInfo, files: recordPaths(read('RECORD')) });
  }
  return found.sort((a, b) => a.distInfo.localeCompare(b.distInfo));
}
