import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');

describe('docs/architecture.md', () => {
  it('names only files and folders that exist', () => {
    const named = new Set<string>();
    for (const m of doc.matchAll(/(?<![@\w/])((?:src|test|collector-config|grafana|scripts|bench|examples|docs)\/[\w./-]*[\w/])/g)) {
      if (!m[1]!.includes('<')) named.add(m[1]!.replace(/\/$/, ''));
    }
    expect(named.size).toBeGreaterThan(40);
    expect([...named].filter((p) => !existsSync(join(root, p)))).toEqual([]);
  });

  it('lists every folder of src/ and every entry point of the package', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    const entries = Object.keys(pkg.exports)
      .filter((k) => k !== './package.json')
      .map((k) => (k === '.' ? 'factline' : `factline/${k.slice(2)}`));
    for (const e of entries) expect(doc, e).toContain(`\`${e}\``);
    const folders = readdirSync(join(root, 'src'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => `src/${d.name}/`);
    for (const f of folders) expect(doc, f).toContain(`\`${f}\``);
  });
});
