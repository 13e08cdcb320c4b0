/**
 * A requirements file with nothing to install (only comments, blank lines, options or
 * constraints) builds a layer with no packages: valid, but almost never what was meant (the
 * wrong file, or a file emptied by mistake). Said once, annotated on the file.
 */
import type { Logger } from '../log.js';
import type { RequirementsSnapshot } from '../resolve/requirements.js';

/**
 * Lines that make pip install something: a named requirement, an editable, a local path or a
 * URL; not a constraint, not an option line (--index-url URL).
 */
function installsSomething(snapshot: RequirementsSnapshot): boolean {
  return snapshot.requirements.some((r) => {
    if (r.kind !== 'requirement') return false;
    if (r.text.startsWith('-')) return /^(-e|--editable)\b/.test(r.text);
    return r.name !== undefined || /^[./~]|:\/\//.test(r.text);
  });
}

export function warnOnEmptyRequirements(snapshot: RequirementsSnapshot, log: Logger): void {
  // A remote -r file may list requirements: pip reads it, this tool does not.
  if (installsSomething(snapshot) || snapshot.remoteIncludes?.length) return;
  log.warn(
    `${snapshot.file} lists no requirement (only comments, blank lines, options or constraints): the layer will contain no packages; check that this is the file you meant`,
    { file: snapshot.file, line: 1 },
  );
}
