import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENVELOPE_FIELD_NAMES } from '../../src/envelope/fields.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

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
  it('lists every envelope field of ENVELOPE_FIELDS (src/envelope/fields.ts, held to FactlineEvent), in its order, and no other', () => {
    expect(ENVELOPE_FIELD_NAMES).toHaveLength(16);
    expect(documentedFields()).toEqual(ENVELOPE_FIELD_NAMES);
  });
});
