import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkExamples, describeProblem, examplesIn, extractExamples, type JsdocExample } from '../scripts/jsdoc-examples.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the @example blocks of the doc comments under src/', () => {
  const examples = extractExamples(root);

  it('are all found: one block per @example tag', () => {
    const tags = tsFiles(join(root, 'src')).reduce((n, f) => n + (readFileSync(f, 'utf8').match(/^\s*\*\s*@example\b/gm)?.length ?? 0), 0);
    expect(examples.length).toBe(tags);
    expect(examples.length).toBeGreaterThan(150);
  });

  it('reads a block up to the next tag or the end of the comment, without a ```ts fence', () => {
    const text = [
      '/**',
      ' * Doc.',
      ' *',
      ' * @example',
      ' * ```ts',
      ' * f(1); // 2',
      ' * ```',
      ' * @returns x',
      ' */',
      '/** @see y',
      ' * @example g()',
      ' */',
    ].join('\n');
    expect(examplesIn('src/a.ts', text)).toEqual([
      { file: 'src/a.ts', line: 4, code: 'f(1); // 2' },
      { file: 'src/a.ts', line: 11, code: 'g()' },
    ]);
  });

  // One TypeScript program over src/ and every example: a type-check of the
  // whole source tree, which takes a minute on a loaded two-core machine.
  it('compile against the code they document, and a drifted one fails', { timeout: 300_000 }, () => {
    const drifted: JsdocExample = { file: 'src/query/entry.ts', line: 0, code: "toEntry(JSON.parse('{}'), { serviceName: 'factline' });" };
    const problems = checkExamples(root, [...examples, drifted]);
    const others = problems.filter((p) => p.code !== drifted.code);
    expect(others.map(describeProblem).join('\n\n')).toBe('');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.messages.join('\n')).toContain('Expected 3 arguments, but got 2');
  });
});
