/**
 * pip expands `${NAME}` in requirement files from its environment, which holds only the
 * allow-listed variables (src/child-env.ts): a line naming another variable reaches pip as the
 * literal text. Said once per variable, on the line, with the way to pass a value on purpose.
 */
import { isToolVariable } from '../child-env.js';
import type { Logger } from '../log.js';
import type { RequirementsSnapshot } from '../resolve/requirements.js';

/** pip's ENV_VAR_RE (req_file.py): only upper-case names in braces are expanded. */
const VARIABLE = /\$\{([A-Z0-9_]+)\}/g;

export function warnOnUnpassedVariables(snapshot: RequirementsSnapshot, log: Logger): void {
  // Lines generated from a lock or pyproject.toml are the tool's own text: nothing to expand.
  if (snapshot.input) return;
  const warned = new Set<string>();
  for (const file of snapshot.files) {
    file.content.split(/\r?\n/).forEach((text, index) => {
      for (const [, name = ''] of text.matchAll(VARIABLE)) {
        if (isToolVariable(name) || warned.has(name)) continue;
        warned.add(name);
        log.warn(
          `${file.path}:${index + 1} names \${${name}}, which pip does not get (the build passes pip only the variables it needs, so no secret reaches a URL): pip sees the text \${${name}} as it is; to pass a value on purpose, name the variable PIP_${name} (or put credentials in .netrc)`,
          { file: file.path, line: index + 1 },
        );
      }
    });
  }
}
