import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The fields of `FactlineEvent`, in declaration order, read from its source. */
function envelopeFields(): string[] {
  const path = join(root, 'src/envelope/event.ts');
  const sf = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const decl = sf.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'FactlineEvent');
  if (decl === undefined) throw new Error('src/envelope/event.ts declares no FactlineEvent');
  return decl.members.flatMap((m) => (ts.isPropertySignature(m) && ts.isIdentifier(m.name) ? [m.name.text] : []));
}

/** The field names of the Envelope table of docs/event-model.md, in row order. */
function documentedFields(): string[] {
  const doc = readFileSync(join(root, 'docs/event-model.md'), 'utf8');
  const section = doc.split(/^## Envelope$/m)[1]?.split(/^## /m)[0] ?? '';
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .flatMap((l) => [...l.split('|')[1]!.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!));
}

describe('docs/event-model.md', () => {
  it('lists every envelope field of FactlineEvent, in its order, and no other', () => {
    const fields = envelopeFields();
    expect(fields).toHaveLength(16);
    expect(documentedFields()).toEqual(fields);
  });
});
