/**
 * Poetry's version constraints (https://python-poetry.org/docs/dependency-specification/):
 * `^1.2`, `~1.2`, `1.2.*`, `*`, bare `1.2` (exact), PEP 440 operators, `,` or spaces for "and",
 * `||` for "or". Lock entries and pyproject.toml use them for `python = "..."` conditions on a
 * dependency; they are turned into PEP 440 clauses here and tested against the target's Python.
 */
import { satisfies } from '../../pep440.js';

function nextUp(parts: number[], index: number): string {
  const bumped = parts.slice(0, index + 1);
  bumped[index] = (bumped[index] ?? 0) + 1;
  return bumped.join('.');
}

/** One Poetry clause as PEP 440 clauses joined by ",". */
function toPep440(clause: string): string {
  const c = clause.trim();
  if (c === '' || c === '*') return '';
  const caret = /^\^\s*(\d+(?:\.\d+)*)$/.exec(c);
  if (caret?.[1]) {
    const parts = caret[1].split('.').map(Number);
    // ^1.2.3 -> <2.0.0; ^0.2.3 -> <0.3.0; ^0.0.3 -> <0.0.4: the first non-zero part is bumped.
    const first = parts.findIndex((p) => p !== 0);
    const index = first === -1 ? parts.length - 1 : Math.min(first, parts.length - 1);
    return `>=${caret[1]},<${nextUp(parts, index)}`;
  }
  const tilde = /^~(?!=)\s*(\d+(?:\.\d+)*)$/.exec(c);
  if (tilde?.[1]) {
    const parts = tilde[1].split('.').map(Number);
    return `>=${tilde[1]},<${nextUp(parts, parts.length === 1 ? 0 : 1)}`;
  }
  if (/^\d/.test(c)) return `==${c}`;
  return c.replace(/\s+/g, '');
}

/** Whether `version` meets the Poetry constraint (empty or "*": any). */
export function poetryConstraintHolds(version: string, constraint: string): boolean {
  return constraint.split('||').some((alternative) => {
    const clauses = alternative
      .replace(/([<>=!~^])\s+/g, '$1')
      .split(/,|\s+(?=[<>=!~^\d])/)
      .map(toPep440)
      .filter(Boolean);
    return clauses.every((clause) => satisfies(version, clause));
  });
}
