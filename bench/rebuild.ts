/**
 * The one-pin rebuild: after a build of a workload's requirements has filled a cache dir, a build
 * of the same requirements with one pin changed misses the whole-layer cache but reuses the
 * per-wheel entries (pycs and their deflated bytes, ELF facts) of every wheel
 * that did not change. What the harness reads from such a build: whether it really was built
 * (not restored), and how much came from the per-wheel cache.
 */
import type { Manifest } from '../src/layer/types.js';
import type { StampedLine } from './process.js';

/** The requirements text with one more line (a pin), on a line of its own. */
export function withExtraLine(requirements: string, line: string): string {
  const body = requirements.length === 0 || requirements.endsWith('\n') ? requirements : `${requirements}\n`;
  return `${body}${line.trim()}\n`;
}

/**
 * Why a build's output says its layer came from the whole-layer cache, or undefined when it was
 * built: the CLI's summary on stdout starts with "Restored <zip> from the cache", its log says
 * "Cache hit (<store>): <key>", and a restored build runs no install stage.
 */
export function layerCacheHit(
  stdout: string,
  lines: readonly Pick<StampedLine, 'stream' | 'text'>[],
): string | undefined {
  const summary = stdout.split('\n').find((line) => line.trim().length > 0);
  if (/^Restored .* from the cache\b/.test(summary?.trimStart() ?? ''))
    return `stdout says "${summary?.trim()}"`;
  const hit = lines.find((line) => line.stream === 'stderr' && /^Cache hit \(/.test(line.text));
  if (hit) return `the log says "${hit.text}"`;
  const installed = lines.some((line) => line.stream === 'stderr' && /^== .*install/i.test(line.text));
  if (!installed) return 'the log has no install stage (`== ...install...` header)';
  return undefined;
}

/** What a build took from the per-wheel cache. */
export interface PerWheelCacheUse {
  /** Modules that have bytecode after the build, of `modules` .py files. */
  readonly compiled: number;
  readonly modules: number;
  /** Of those, pycs restored from the per-wheel cache; absent when the CLI did not say. */
  readonly fromCache?: number;
  /** Wheels with a bytecode entry in the per-wheel cache, of `wheels`. */
  readonly hitWheels?: number;
  readonly wheels?: number;
  /** The verification's ELF facts: binaries known from the cache, wheels hit, binaries read. */
  readonly elf?: {
    readonly fromCache: number;
    readonly hitWheels: number;
    readonly wheels: number;
    readonly read: number;
  };
}

const COMPILED = /\bCompiled (\d+) of (\d+) modules\b/;
const FROM_WHEEL_CACHE = /\((\d+) from the per-wheel cache, (\d+) of (\d+) wheels\)/;
const ELF_FACTS =
  /\bELF headers of (\d+) binar(?:y|ies) from the per-wheel cache \((\d+) of (\d+) wheels\); (\d+) read\b/;

/**
 * The build's log lines about the per-wheel cache:
 *   Compiled N of M modules to ... in 1.2s (K from the per-wheel cache, W of X wheels); removed ...
 *   ELF headers of N binaries from the per-wheel cache (H of W wheels); L read
 * Undefined when no "Compiled N of M modules" line is there (no bytecode, or another wording).
 */
export function parseWheelCacheLines(lines: readonly string[]): PerWheelCacheUse | undefined {
  let use: PerWheelCacheUse | undefined;
  let elf: PerWheelCacheUse['elf'];
  for (const line of lines) {
    const compiled = COMPILED.exec(line);
    if (compiled) {
      const cache = FROM_WHEEL_CACHE.exec(line.slice(compiled.index));
      use = {
        compiled: Number(compiled[1]),
        modules: Number(compiled[2]),
        ...(cache
          ? { fromCache: Number(cache[1]), hitWheels: Number(cache[2]), wheels: Number(cache[3]) }
          : {}),
      };
    }
    const facts = ELF_FACTS.exec(line);
    if (facts)
      elf = {
        fromCache: Number(facts[1]),
        hitWheels: Number(facts[2]),
        wheels: Number(facts[3]),
        read: Number(facts[4]),
      };
  }
  if (!use) return undefined;
  return elf ? { ...use, elf } : use;
}

/**
 * The per-wheel cache use of a build: the log line's counts, with the manifest's
 * bytecode.fromCache (the CLI's record) taking precedence over the log for the modules.
 */
export function perWheelCacheUse(
  manifest: Pick<Manifest, 'bytecode'>,
  lines: readonly Pick<StampedLine, 'stream' | 'text'>[],
): PerWheelCacheUse | undefined {
  const parsed = parseWheelCacheLines(lines.filter((l) => l.stream === 'stderr').map((l) => l.text));
  const fromManifest = manifest.bytecode.fromCache;
  if (!parsed) {
    if (fromManifest === undefined) return undefined;
    return {
      compiled: manifest.bytecode.compiled,
      modules: manifest.bytecode.compiled + (manifest.bytecode.failed?.length ?? 0),
      fromCache: fromManifest,
    };
  }
  return fromManifest !== undefined ? { ...parsed, fromCache: fromManifest } : parsed;
}
