import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkReadme, fileReader, readmePaths, updateReadme } from './readme-snippets';

// Every README's ts blocks must equal the compiled source regions they name (see readme-snippets.ts).
// UPDATE_SNIPPETS=1 npx jest readme-snippets copies the regions into the READMEs first.
const root = join(__dirname, '..');
const read = fileReader(root);

describe('README snippets', () => {
  it('finds the READMEs', () => {
    expect(readmePaths(root)).toEqual(expect.arrayContaining(['README.md', join('packages', 'core', 'README.md')]));
  });

  it.each(readmePaths(root))('%s shows only code from compiled sources', (readme) => {
    const path = join(root, readme);
    if (process.env.UPDATE_SNIPPETS) {
      const before = readFileSync(path, 'utf8');
      const after = updateReadme(before, read);
      if (after !== before) writeFileSync(path, after);
    }
    const problems = checkReadme(readFileSync(path, 'utf8'), read);
    if (problems.length > 0) {
      throw new Error(
        problems.map((p) => `${readme}:${p.line}: ${p.message}`).join('\n') +
          '\nFix the source region (it is compiled), then `UPDATE_SNIPPETS=1 npx jest readme-snippets` copies it into the README.',
      );
    }
  });
});
