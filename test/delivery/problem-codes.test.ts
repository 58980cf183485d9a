import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SYSTEM_ERROR_TYPES } from '../../src/intent/system-errors.js';

describe('docs/errors.md', () => {
  it('documents every run-time problem code, once, in its code table', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const table = doc.slice(doc.indexOf('| code | meaning | what was delivered |'), doc.indexOf('### Problem details'));
    const documented = [...table.matchAll(/^\| `(FACTLINE_[A-Z_]+)` \|/gm)].map((m) => m[1]);
    // SYSTEM_ERROR_TYPES is a Record over RuntimeProblemCode: the compiler keeps it complete.
    expect([...documented].sort()).toEqual(Object.keys(SYSTEM_ERROR_TYPES).sort());
  });
});
