/**
 * The layer's CycloneDX SBOM (layer.cdx.json), made with the CycloneDX project's own library
 * from the manifest: the layer as the described component, one component per distribution with
 * its pypi purl (the wheel file name as the `file_name` qualifier, as the purl spec's pypi type
 * shows), the wheel's sha256, its licence and its dependency edges for the target, and this tool
 * as the producing tool. Scanners (Amazon Inspector, syft) find the same packages in the zip
 * through *.dist-info, which the layer keeps; this file adds what only the build knows.
 *
 * Byte-identical for the same manifest: lists sorted by the serializer, no serialNumber (a
 * random UUID per run would differ; it is optional), and a timestamp only from
 * SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/).
 */
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
// Only the parts used, not the package index: it also loads the validators, which find their
// schema files through __dirname (undefined in the ESM bundle ncc writes); tests validate.
import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import { PackageURL } from 'packageurl-js';
import pkg from '../../package.json' with { type: 'json' };
import type { Manifest } from '../layer/types.js';
import { normalizeProjectName } from '../resolve/requirements.js';
import type { PackageEntry } from '../resolve/types.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { type PackageLicense, spdxExpression } from '../wheel/license.js';

export const SBOM_FILE = 'layer.cdx.json';

/** The spec version written: 1.6 is what current scanners and `actions/attest` read. */
const SPEC = Spec.Spec1dot6;

/** Property names of facts CycloneDX has no field for (the taxonomy's own prefix is "cdx:"). */
const PROPERTY_PREFIX = `${TOOL_NAME}:`;

export interface SbomOptions {
  /** SOURCE_DATE_EPOCH (seconds): the metadata timestamp; none when absent. */
  readonly sourceDateEpoch?: string;
}

/** The purl of a distribution: pkg:pypi/NAME@VERSION?file_name=WHEEL. */
export function packageUrl(p: Pick<PackageEntry, 'name' | 'version' | 'wheel'>): string {
  return new PackageURL('pypi', undefined, p.name, p.version, { file_name: p.wheel }, undefined).toString();
}

function licenses(license: PackageLicense | undefined): Models.License[] {
  if (!license) return [];
  if (license.spdx) {
    const single = spdxExpression(license.spdx);
    // One id is an SPDX licence; anything with AND / OR / WITH is an expression.
    return /\s/.test(license.spdx) || !single
      ? [new Models.LicenseExpression(license.spdx)]
      : [new Models.SpdxLicense(single)];
  }
  return license.name ? [new Models.NamedLicense(license.name)] : [];
}

function property(name: string, value: string): Models.Property {
  return new Models.Property(`${PROPERTY_PREFIX}${name}`, value);
}

function timestampOf(sourceDateEpoch: string | undefined): Date | undefined {
  if (!sourceDateEpoch || !/^\d+$/.test(sourceDateEpoch.trim())) return undefined;
  return new Date(Number(sourceDateEpoch.trim()) * 1000);
}

export function buildSbom(manifest: Manifest, options: SbomOptions = {}): Models.Bom {
  const { target, layer } = manifest;
  const layerComponent = new Models.Component(Enums.ComponentType.File, layer.file, {
    bomRef: 'layer',
    description: `AWS Lambda layer for ${target.runtime} ${target.architecture} (python/ at the zip root)`,
    hashes: new Models.HashDictionary([[Enums.HashAlgorithm['SHA-256'], layer.sha256]]),
    properties: new Models.PropertyRepository([
      property('codeSha256', layer.codeSha256),
      property('runtime', target.runtime),
      property('architecture', target.architecture),
      property('pythonVersion', target.pythonVersion),
      property('os', target.os),
      property('glibc', target.glibc),
      property('requirementsHash', manifest.requirementsHash),
      ...(manifest.input ? [property('input', `${manifest.input.file} (${manifest.input.format})`)] : []),
    ]),
  });
  const tool = new Models.Component(Enums.ComponentType.Application, TOOL_NAME, {
    version: TOOL_VERSION,
    purl: new PackageURL('npm', undefined, pkg.name, TOOL_VERSION, undefined, undefined).toString(),
  });
  const bom = new Models.Bom({
    metadata: new Models.Metadata({
      component: layerComponent,
      tools: new Models.Tools({ components: new Models.ComponentRepository([tool]) }),
      ...(timestampOf(options.sourceDateEpoch) ? { timestamp: timestampOf(options.sourceDateEpoch) } : {}),
    }),
  });
  const byName = new Map<string, Models.Component>();
  for (const p of manifest.packages) {
    const purl = packageUrl(p);
    const component = new Models.Component(Enums.ComponentType.Library, p.name, {
      bomRef: purl,
      version: p.version,
      purl,
      ...(p.sha256
        ? { hashes: new Models.HashDictionary([[Enums.HashAlgorithm['SHA-256'], p.sha256]]) }
        : {}),
      licenses: new Models.LicenseRepository(licenses(p.license)),
      properties: new Models.PropertyRepository([
        property('wheelTags', p.tags),
        ...(p.builtFromSource ? [property('builtFromSource', 'true')] : []),
      ]),
    });
    byName.set(normalizeProjectName(p.name), component);
    bom.components.add(component);
  }
  for (const p of manifest.packages) {
    const component = byName.get(normalizeProjectName(p.name));
    for (const dependency of p.dependencies ?? []) {
      const target = byName.get(dependency);
      if (component && target) component.dependencies.add(target.bomRef);
    }
    // The layer depends on what the input asked for.
    if (p.requested && component) layerComponent.dependencies.add(component.bomRef);
  }
  return bom;
}

/** The SBOM as written: CycloneDX 1.6 JSON, lists sorted, 2-space indent, trailing newline. */
export function serializeSbom(manifest: Manifest, options: SbomOptions = {}): string {
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(SPEC));
  return `${serializer.serialize(buildSbom(manifest, options), { sortLists: true, space: 2 })}\n`;
}

/**
 * Writes the SBOM of `manifest` into `dir` under a temporary name and renames it into place, so
 * a reader never sees half a file. Returns its path.
 */
export async function writeSbom(manifest: Manifest, dir: string, options: SbomOptions = {}): Promise<string> {
  const path = join(dir, SBOM_FILE);
  const partial = join(dir, `.${SBOM_FILE}.partial`);
  await writeFile(partial, serializeSbom(manifest, options));
  await rename(partial, path);
  return path;
}
