/**
 * README code blocks come from compiled source files, so examples cannot rot.
 *
 * Every ```ts block in a README is preceded by a marker naming its source:
 *   <!-- snippet: examples/customers-and-orders/src/orders/order.aggregate.ts#order-aggregate -->
 * The path is relative to the repository root; the source holds the region between
 * `// #region order-aggregate` and `// #endregion order-aggregate`. The block must equal
 * the region, dedented, with marker lines of other regions left out and every span
 * between `// #elide` and `// #end-elide` shown as one `// ...` line. A region may come
 * in several pieces (imports at the top, code inside a function): each is dedented on
 * its own, and they are shown in order, one blank line apart.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface CodeBlock {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly language: string;
  /** The marker's `path#region`, if the block has one. */
  readonly source?: string;
  /** 0-based indexes (in the README's lines) of the first and last line inside the fence. */
  readonly bodyStart: number;
  readonly bodyEnd: number;
  readonly text: string;
}

export interface SnippetProblem {
  readonly line: number;
  readonly message: string;
}

/** Reads a source file relative to the repository root; undefined when it does not exist. */
export type SourceReader = (path: string) => string | undefined;

const CHECKED_LANGUAGES = new Set(['ts', 'typescript']);
const MARKER = /^<!--\s*snippet:\s*(\S+)\s*-->$/;
const FENCE = /^(\s*)(```+|~~~+)\s*([\w-]*)/;
const REGION_MARKER = /^\s*\/\/\s*#(region|endregion|elide|end-elide)\b/;

export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const fence = open[2];
    let end = i + 1;
    while (end < lines.length && !lines[end].trim().startsWith(fence)) end++;
    let previous = i - 1;
    while (previous >= 0 && lines[previous].trim() === '') previous--;
    const marker = previous >= 0 ? MARKER.exec(lines[previous].trim()) : null;
    blocks.push({
      line: i + 1,
      language: open[3].toLowerCase(),
      source: marker?.[1],
      bodyStart: i + 1,
      bodyEnd: end - 1,
      text: lines.slice(i + 1, end).join('\n'),
    });
    i = end;
  }
  return blocks;
}

export function isChecked(block: CodeBlock): boolean {
  return CHECKED_LANGUAGES.has(block.language);
}

/** The region's text as a README shows it, or a sentence saying why there is none. */
export function regionText(source: string, read: SourceReader): { text: string } | { error: string } {
  const hash = source.lastIndexOf('#');
  if (hash <= 0 || hash === source.length - 1) {
    return { error: `the marker '${source}' must be <path>#<region>, e.g. examples/x/src/a.ts#my-region` };
  }
  const path = source.slice(0, hash);
  const name = source.slice(hash + 1);
  const content = read(path);
  if (content === undefined) return { error: `${path} does not exist (paths are relative to the repository root)` };
  const lines = content.split('\n');
  const pieces: string[] = [];
  for (let from = 0; ; ) {
    const start = lines.findIndex((l, i) => i >= from && isMarker(l, 'region', name));
    if (start < 0) break;
    const end = lines.findIndex((l, i) => i > start && isMarker(l, 'endregion', name));
    if (end < 0) return { error: `${path} has '// #region ${name}' (line ${start + 1}) but no '// #endregion ${name}' after it` };
    const piece = shownLines(lines.slice(start + 1, end));
    if (piece === undefined) return { error: `${path}#${name} has a '// #elide' without '// #end-elide'` };
    pieces.push(dedent(piece).join('\n'));
    from = end + 1;
  }
  if (pieces.length === 0) return { error: `${path} has no '// #region ${name}'` };
  return { text: pieces.join('\n\n') };
}

/** The lines a README shows: no region markers, each elided span as one `// ...` line; undefined if an elision is open. */
function shownLines(lines: string[]): string[] | undefined {
  const shown: string[] = [];
  let elidedFrom: string | undefined;
  for (const line of lines) {
    const marker = REGION_MARKER.exec(line)?.[1];
    if (marker === 'elide') {
      elidedFrom ??= line.slice(0, line.length - line.trimStart().length);
    } else if (marker === 'end-elide') {
      if (elidedFrom !== undefined) shown.push(`${elidedFrom}// ...`);
      elidedFrom = undefined;
    } else if (marker === undefined && elidedFrom === undefined) {
      shown.push(line);
    }
  }
  return elidedFrom === undefined ? shown : undefined;
}

/** Everything wrong with one README's code blocks. */
export function checkReadme(markdown: string, read: SourceReader): SnippetProblem[] {
  const problems: SnippetProblem[] = [];
  for (const block of codeBlocks(markdown).filter(isChecked)) {
    if (!block.source) {
      problems.push({
        line: block.line,
        message: 'this ```' + block.language + ' block has no <!-- snippet: <path>#<region> --> line before it; put its code in a compiled source file and name it there',
      });
      continue;
    }
    const region = regionText(block.source, read);
    if ('error' in region) {
      problems.push({ line: block.line, message: `${block.source}: ${region.error}` });
    } else if (region.text !== block.text) {
      problems.push({ line: block.line, message: `block differs from ${block.source}: ${firstDifference(block.text, region.text)}` });
    }
  }
  return problems;
}

/** The README with every marked ts block replaced by its region (blocks whose region is missing are left alone). */
export function updateReadme(markdown: string, read: SourceReader): string {
  const lines = markdown.split('\n');
  // From the last block up, so that earlier line indexes stay valid.
  for (const block of codeBlocks(markdown).filter(isChecked).reverse()) {
    if (!block.source) continue;
    const region = regionText(block.source, read);
    if ('error' in region) continue;
    lines.splice(block.bodyStart, block.bodyEnd - block.bodyStart + 1, ...region.text.split('\n'));
  }
  return lines.join('\n');
}

/** README.md at the root and in every package and example folder. */
export function readmePaths(root: string): string[] {
  const inFolders = ['packages', 'examples'].flatMap((folder) =>
    existsSync(join(root, folder))
      ? readdirSync(join(root, folder), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => join(folder, entry.name, 'README.md'))
      : [],
  );
  return ['README.md', ...inFolders].filter((path) => existsSync(join(root, path)));
}

export function fileReader(root: string): SourceReader {
  return (path) => {
    const full = join(root, path);
    if (relative(root, full).startsWith('..') || !existsSync(full)) return undefined;
    return readFileSync(full, 'utf8');
  };
}

function isMarker(line: string, kind: 'region' | 'endregion', name: string): boolean {
  const match = /^\s*\/\/\s*#(region|endregion)\s+(\S+)\s*$/.exec(line);
  return match !== null && match[1] === kind && match[2] === name;
}

function dedent(lines: string[]): string[] {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length);
  const cut = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((l) => (l.trim() === '' ? '' : l.slice(cut)));
}

function firstDifference(block: string, region: string): string {
  const shown = block.split('\n');
  const wanted = region.split('\n');
  for (let i = 0; i < Math.max(shown.length, wanted.length); i++) {
    if (shown[i] !== wanted[i]) {
      return `block line ${i + 1} is ${JSON.stringify(shown[i] ?? '<nothing>')}, the source has ${JSON.stringify(wanted[i] ?? '<nothing>')}`;
    }
  }
  return 'they differ in whitespace';
}
