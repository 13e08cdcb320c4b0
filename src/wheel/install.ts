/**
 * Installs wheels into a layer's python/ folder as `pip install --target` (pip 26.2.1) lays them
 * out (./layout.ts), without pip: the tree, RECORD, INSTALLER, REQUESTED and direct_url.json are
 * byte for byte what pip writes, except what the layer never ships (console scripts, headers; see
 * layout.ts). Wheels are given in pip's installation order: when two wheels ship the same path
 * (a namespace package's __init__.py, a vendored module), the later one's file is kept, as pip
 * overwrites it. Each shipped path is written once, by the wheel whose copy survives.
 */
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { mapLimited } from '../concurrency.js';
import { UserError } from '../errors.js';
import { withZipArchive, type ZipArchive, type ZipEntryInfo } from '../zip/reader.js';
import { witnessOf } from '../zip/tree.js';
import type { CompressedSource } from '../zip/writer.js';
import { type Placement, placeEntry, scriptEntryPoints, shadowDataItems } from './layout.js';
import { formatRecord, parseRecord, type RecordRow, recordHash } from './record.js';

export interface WheelToInstall {
  /** The wheel file. */
  readonly path: string;
  /** Asked for by the requirements (pip writes REQUESTED). */
  readonly requested: boolean;
  /** direct_url.json text, for a requirement given as a URL or path (PEP 610), as pip writes it. */
  readonly directUrl?: string;
  /**
   * How messages name the wheel: as the user knows it (default: its file name), never the path
   * of the build's temporary copy, which is gone by the time the message is read.
   */
  readonly shownAs?: string;
}

/** What pip writes as INSTALLER; kept so a layer's bytes do not depend on who unpacked it. */
const INSTALLER = Buffer.from('pip\n');
/** Files read and written at once per wheel: enough to keep the disk busy while inflating. */
const FILE_CONCURRENCY = 16;
const WHEEL_CONCURRENCY = 4;
/**
 * Entries declaring more than this are streamed to disk a chunk at a time; smaller ones are read
 * whole and written in one call (cheaper for the small files a layer is mostly made of). Memory
 * for file contents stays under WHEEL_CONCURRENCY x FILE_CONCURRENCY x this (64 MiB).
 */
const READ_WHOLE_MAX_BYTES = 1024 * 1024;
const MIB = 1024 * 1024;

interface PlannedFile {
  readonly entry: ZipEntryInfo;
  readonly placement: Placement;
}

interface WheelPlan {
  readonly wheel: WheelToInstall;
  /** The wheel as messages name it (WheelToInstall.shownAs). */
  readonly shown: string;
  readonly infoDir: string;
  /** File entries in pip's install order: root files, then other .data schemes, then scripts. */
  readonly files: readonly PlannedFile[];
  readonly record: string;
}

async function text(archive: ZipArchive, name: string): Promise<string | undefined> {
  const entry = archive.entries.find((e) => e.name === name && !e.isDirectory);
  return entry ? (await archive.read(entry)).toString('utf8') : undefined;
}

/** The wheel's one top-level *.dist-info folder (pip's wheel_dist_info_dir). */
function distInfoDir(wheel: string, entries: readonly ZipEntryInfo[]): string {
  const tops = new Set(
    entries.map((e) => e.name.split('/', 1)[0] ?? '').filter((t) => t.endsWith('.dist-info')),
  );
  const [only, ...others] = tops;
  if (!only) throw new UserError(`${wheel} is not a wheel: it has no .dist-info directory`);
  if (others.length)
    throw new UserError(`${wheel} has more than one .dist-info directory: ${[...tops].join(', ')}`);
  return only;
}

function shownName(wheel: WheelToInstall): string {
  return wheel.shownAs ?? basename(wheel.path);
}

async function planWheel(wheel: WheelToInstall): Promise<WheelPlan> {
  const shown = shownName(wheel);
  return withZipArchive(
    wheel.path,
    async (archive) => {
      const infoDir = distInfoDir(shown, archive.entries);
      const record = await text(archive, `${infoDir}/RECORD`);
      if (record === undefined) throw new UserError(`${shown} has no ${infoDir}/RECORD`);
      const entryPoints = scriptEntryPoints(await text(archive, `${infoDir}/entry_points.txt`));
      const files = archive.entries
        .filter((e) => !e.name.endsWith('/'))
        .map((entry) => ({ entry, placement: placeEntry(shown, entry.name, entryPoints) }));
      const group = (f: PlannedFile): number => {
        const parts = f.entry.name.split('/');
        if (!(parts[0] ?? '').endsWith('.data')) return 0;
        return parts.length > 2 && parts[1] === 'scripts' ? 2 : 1;
      };
      // A stable sort keeps the zip's own order inside each group, as pip's partitions do.
      return { wheel, shown, infoDir, files: [...files].sort((a, b) => group(a) - group(b)), record };
    },
    shown,
  );
}

/** The plans with the .data/data items pip's --target move skips (layout.ts shadowDataItems). */
function withShadowedDataItems(plans: readonly WheelPlan[]): WheelPlan[] {
  const placements = shadowDataItems(plans.flatMap((plan) => plan.files.map((f) => f.placement)));
  let next = 0;
  return plans.map((plan) => ({
    ...plan,
    files: plan.files.map((file) => ({ ...file, placement: placements[next++] ?? file.placement })),
  }));
}

/** pip's RECORD for one installed wheel, without the rows of files the layer does not ship. */
function installedRecord(plan: WheelPlan, generated: ReadonlyMap<string, Buffer>): string {
  const installed = new Map<string, string>();
  const notShipped = new Set<string>();
  for (const { entry, placement } of plan.files) {
    if (placement.kind === 'skipped') continue;
    installed.set(entry.name, placement.recordPath);
    if (placement.kind === 'dropped') notShipped.add(placement.recordPath);
  }
  const rows: RecordRow[] = [];
  for (const row of parseRecord(plan.record)) {
    const old = row[0] ?? '';
    const path = installed.get(old) ?? old;
    installed.delete(old);
    rows.push([path, row[1] ?? '', row[2] ?? '']);
  }
  for (const [path, content] of generated) {
    const { hash, size } = recordHash(content);
    rows.push([path, hash, size]);
  }
  for (const path of installed.values()) rows.push([path, '', '']);
  return formatRecord(rows.filter(([path]) => !notShipped.has(path)));
}

/** The most the installed files may add up to, checked on the sizes the wheels declare. */
export interface LayerSizeLimit {
  readonly bytes: number;
  /** Paths (relative to python/) a later stage may remove (--slim): not counted. */
  readonly mayRemove?: (path: string) => boolean;
  /** Why the limit, for the message: e.g. "Lambda's limit of ... unzipped". */
  readonly what: string;
  readonly hint: string;
}

export interface InstallWheelsOptions {
  /**
   * Refuse, before anything is unpacked, wheels whose files declare more than this in total:
   * a layer Lambda cannot load is not worth writing (into RAM) first.
   */
  readonly limit?: LayerSizeLimit;
  /**
   * Told as soon as a wheel's files are written: paths under python/ with their sizes. The
   * build starts compiling them while the rest unpack.
   */
  readonly onWheelWritten?: (wheel: string, files: readonly { path: string; size: number }[]) => void;
}

function isExecutable(entry: ZipEntryInfo): boolean {
  return (entry.mode & 0o170000) === 0o100000 && (entry.mode & 0o111) !== 0;
}

/** The permission bits pip gives an installed file: 0666 & ~umask, or 0777 & ~umask | 0111 when executable. */
function installedMode(entry: ZipEntryInfo, umask: number): number {
  return isExecutable(entry) ? (0o777 & ~umask) | 0o111 : 0o666 & ~umask;
}

/** Where a shipped file's bytes sit, compressed, inside its wheel: the zip writer can copy them. */
export type WheelFileSource = CompressedSource;

/**
 * Installs `wheels` (in pip's installation order) into `pythonDir`, which must be empty or
 * missing: a file left there would keep its mode and hide what the wheels hold. Returns, by
 * path relative to `pythonDir` ('/'-separated), where each file copied unchanged from a wheel
 * sits in it (not the RECORD, INSTALLER, REQUESTED and direct_url.json written here).
 */
export async function installWheels(
  wheels: readonly WheelToInstall[],
  pythonDir: string,
  options: InstallWheelsOptions = {},
): Promise<Map<string, WheelFileSource>> {
  await mkdir(pythonDir, { recursive: true });
  if ((await readdir(pythonDir)).length)
    throw new Error(`installWheels needs an empty folder; ${pythonDir} is not`);
  const plans = withShadowedDataItems(await mapLimited(wheels, WHEEL_CONCURRENCY, planWheel));

  // Which copy of each shipped path survives: the last one pip would write.
  const winner = new Map<string, ZipEntryInfo>();
  for (const plan of plans) {
    for (const { entry, placement } of plan.files) {
      if (placement.kind === 'shipped') winner.set(placement.path, entry);
    }
  }
  if (options.limit) checkDeclaredSize(plans, winner, options.limit);
  refuseFileFolderClashes(plans, winner);
  const sources = new Map<string, WheelFileSource>();
  const made = new Set<string>();
  const ensureDir = (dir: string): void => {
    if (made.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  };

  const umask = process.umask();
  await mapLimited(plans, WHEEL_CONCURRENCY, (plan) =>
    withZipArchive(
      plan.wheel.path,
      async (archive) => {
        // Entries are looked up by name: this archive object lists its own entry records.
        const byName = new Map(archive.entries.map((e) => [e.name, e]));
        // The files this wheel's copy provides in the layer (a later wheel's copy may win a path).
        const mine = plan.files.flatMap(({ entry, placement }) =>
          placement.kind === 'shipped' && winner.get(placement.path) === entry
            ? [{ entry, path: placement.path }]
            : [],
        );
        await mapLimited(mine, FILE_CONCURRENCY, async ({ entry, path }) => {
          const own = byName.get(entry.name) ?? entry;
          const target = join(pythonDir, path);
          ensureDir(dirname(target));
          if (own.size > READ_WHOLE_MAX_BYTES || own.compressedSize > READ_WHOLE_MAX_BYTES) {
            // A large file never sits in memory whole: streamed, stopped at its declared size.
            await archive.extract(own, target, 0o666);
          } else {
            // Synchronous: for thousands of small files one call each beats open/write/close round
            // trips through the threadpool (9 of the data workload's wheels, 6,000 files: 6.1 s -> 2.3-3.7 s).
            writeFileSync(target, await archive.read(own));
          }
          // pip: a regular file entry with any execute bit becomes 0777 & ~umask | 0111.
          if (isExecutable(entry)) chmodSync(target, installedMode(entry, umask));
          sources.set(path, {
            file: plan.wheel.path,
            dataStart: await archive.dataStart(own),
            compressedSize: own.compressedSize,
            method: own.method,
            crc32: own.crc32,
            size: own.size,
            // The zip writer takes these bytes from the wheel unread while the file keeps this.
            written: witnessOf(statSync(target)),
          });
        });
        options.onWheelWritten?.(
          plan.wheel.path,
          mine.map(({ entry, path }) => ({ path, size: entry.size })),
        );
      },
      plan.shown,
    ),
  );

  for (const plan of plans) {
    const info = join(pythonDir, plan.infoDir);
    ensureDir(info);
    const generated = new Map<string, Buffer>([[`${plan.infoDir}/INSTALLER`, INSTALLER]]);
    if (plan.wheel.directUrl !== undefined) {
      generated.set(`${plan.infoDir}/direct_url.json`, Buffer.from(plan.wheel.directUrl));
    }
    if (plan.wheel.requested) generated.set(`${plan.infoDir}/REQUESTED`, Buffer.alloc(0));
    // pip writes these as new files (0666 & ~umask), whatever mode the wheel's own copy had.
    const writeNew = async (path: string, content: Buffer | string): Promise<void> => {
      await rm(path, { force: true });
      await writeFile(path, content);
    };
    for (const [path, content] of generated) await writeNew(join(pythonDir, path), content);
    await writeNew(join(info, 'RECORD'), installedRecord(plan, generated));
    for (const path of [...generated.keys(), `${plan.infoDir}/RECORD`]) sources.delete(path);
  }
  return sources;
}

function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`;
}

/**
 * Refuses wheels whose shipped files declare more than the limit in total, naming the largest:
 * the central directories give every size before a byte is inflated (and the reader holds each
 * entry to its declared size, so a lying one is refused while it is read).
 */
function checkDeclaredSize(
  plans: readonly WheelPlan[],
  winner: ReadonlyMap<string, ZipEntryInfo>,
  limit: LayerSizeLimit,
): void {
  const byWheel = new Map<string, number>();
  let total = 0;
  for (const plan of plans) {
    for (const { entry, placement } of plan.files) {
      if (placement.kind !== 'shipped' || winner.get(placement.path) !== entry) continue;
      if (limit.mayRemove?.(placement.path)) continue;
      total += entry.size;
      byWheel.set(plan.shown, (byWheel.get(plan.shown) ?? 0) + entry.size);
    }
  }
  if (total <= limit.bytes) return;
  const largest = [...byWheel]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([wheel, bytes]) => `${wheel} (${mib(bytes)})`);
  throw new UserError(
    `the wheels' files add up to ${total} bytes (${mib(total)}), over ${limit.what}; the largest: ${largest.join(', ')}`,
    { hint: limit.hint },
  );
}

/**
 * Refuses a path that one wheel ships as a file and another (or the same) as a folder: writing
 * both cannot succeed, and the failure would name the staging folder, not the wheels.
 */
function refuseFileFolderClashes(
  plans: readonly WheelPlan[],
  winner: ReadonlyMap<string, ZipEntryInfo>,
): void {
  const fileOwner = new Map<string, string>();
  for (const plan of plans) {
    for (const { entry, placement } of plan.files) {
      if (placement.kind === 'shipped' && winner.get(placement.path) === entry) {
        fileOwner.set(placement.path, plan.shown);
      }
    }
  }
  for (const [path, owner] of fileOwner) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i += 1) {
      const folder = parts.slice(0, i).join('/');
      const fileThere = fileOwner.get(folder);
      if (fileThere !== undefined) {
        throw new UserError(
          `${fileThere} installs ${JSON.stringify(folder)} as a file, and ${owner} installs ${JSON.stringify(path)}, which needs it to be a folder`,
          { hint: 'the wheels are malformed or conflict: use other releases of them' },
        );
      }
    }
  }
}
