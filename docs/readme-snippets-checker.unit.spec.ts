import { checkReadme, codeBlocks, regionText, SourceReader, updateReadme } from './readme-snippets';

const fence = '```';
const source = [
  "import { x } from 'y';",
  'export function f() {',
  '  // #region greet',
  "  const greeting = 'hello';",
  '  // #elide',
  '  const hidden = 1;',
  '  // #end-elide',
  '  // #region inner',
  '  console.log(greeting);',
  '  // #endregion inner',
  '  // #endregion greet',
  '}',
  'export function g() {',
  '    // #region greet',
  '    g();',
  '    // #endregion greet',
  '}',
].join('\n');
const read: SourceReader = (path) => (path === 'src/a.ts' ? source : undefined);
const readme = (marker: string | undefined, body: string) =>
  ['# Title', '', ...(marker ? [`<!-- snippet: ${marker} -->`] : []), `${fence}ts`, body, fence, '', `${fence}bash`, 'npm test', fence].join('\n');
const shown = "const greeting = 'hello';\n// ...\nconsole.log(greeting);\n\ng();";

describe('readme snippet checker', () => {
  it('shows a region dedented, in its pieces, with other markers left out and elided spans as // ...', () => {
    expect(regionText('src/a.ts#greet', read)).toEqual({ text: shown });
    expect(regionText('src/a.ts#inner', read)).toEqual({ text: 'console.log(greeting);' });
  });

  it('accepts a block equal to its region and ignores other languages', () => {
    expect(checkReadme(readme('src/a.ts#greet', shown), read)).toEqual([]);
    expect(codeBlocks(readme('src/a.ts#greet', shown)).map((b) => b.language)).toEqual(['ts', 'bash']);
  });

  it('names the line and the first difference when one character differs', () => {
    expect(checkReadme(readme('src/a.ts#greet', shown.replace('hello', 'hellO')), read)).toEqual([
      {
        line: 4,
        message: `block differs from src/a.ts#greet: block line 1 is "const greeting = 'hellO';", the source has "const greeting = 'hello';"`,
      },
    ]);
  });

  it('refuses a block without a marker, a missing file and a missing region', () => {
    expect(checkReadme(readme(undefined, shown), read)[0].message).toMatch(/has no <!-- snippet:/);
    expect(checkReadme(readme('src/b.ts#greet', shown), read)[0].message).toMatch(/src\/b\.ts does not exist/);
    expect(checkReadme(readme('src/a.ts#farewell', shown), read)[0].message).toMatch(/has no '\/\/ #region farewell'/);
    expect(checkReadme(readme('src/a.ts', shown), read)[0].message).toMatch(/must be <path>#<region>/);
  });

  it('rewrites a drifted block from its region and leaves the rest alone', () => {
    const drifted = readme('src/a.ts#greet', 'old\ncode\nhere\nand more');
    expect(updateReadme(drifted, read)).toBe(readme('src/a.ts#greet', shown));
  });
});
