// CI on Windows and macOS hosts: the manifest of an arm64 layer built there from a requirements
// file of marker lines must hold exactly what the Lambda target's markers select, and nothing in
// the zip may come from the host (Scripts\ launchers, .exe/.dll files, backslashes in names).
// Usage: node scripts/check-host-layer.mjs manifest.json layer.zip
import { readFileSync } from 'node:fs';

const [manifestPath, zipPath] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const names = manifest.packages.map((p) => p.name.toLowerCase()).sort();
const expected = ['six'];
if (JSON.stringify(names) !== JSON.stringify(expected)) {
  throw new Error(
    `packages ${names.join(', ')}; the arm64 target's markers select exactly ${expected.join(', ')}`,
  );
}
const markers = manifest.resolver?.markerEnvironment;
if (markers?.sys_platform !== 'linux' || markers?.platform_machine !== 'aarch64') {
  throw new Error(`manifest marker environment is ${JSON.stringify(markers)}`);
}
// Central directory file names, read straight from the zip (no unzip on every host).
const zip = readFileSync(zipPath);
const entries = [];
for (let at = zip.indexOf('PK\x01\x02'); at >= 0; at = zip.indexOf('PK\x01\x02', at + 4)) {
  const nameLength = zip.readUInt16LE(at + 28);
  entries.push(zip.subarray(at + 46, at + 46 + nameLength).toString('utf8'));
}
const foreign = entries.filter(
  (e) => /\\|(^|\/)Scripts\/|\.(exe|dll|pyd)$/i.test(e) || !e.startsWith('python/'),
);
if (entries.length === 0 || foreign.length > 0) {
  throw new Error(`zip entries from the host: ${foreign.join(', ') || '(no entries read)'}`);
}
console.log(
  `${manifestPath}: ${names.join(', ')} for ${markers.sys_platform} ${markers.platform_machine}; ${entries.length} zip entries, none host-specific`,
);
