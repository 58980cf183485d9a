import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkCatalog, formatCatalogLock, lockCatalog } from '../../src/catalog/lock.js';
import { weaverRegistryFiles } from '../../src/cli/catalog-export.js';
import { intentCatalog } from '../../src/intent/catalog.js';

/*
 * The Intent catalog's contract, committed under contracts/intent/: its lock
 * and its Weaver registry. Both are generated; these tests fail when either
 * drifts from the catalog, and `catalog check` runs on the lock here, in the
 * fast suite, so CI fails on a breaking change to a built-in event.
 * Regenerate after a deliberate change (docs/catalog.md):
 *   npx factline catalog check --catalog intent --lock contracts/intent/catalog.lock.json --update
 *   npx factline catalog export --catalog intent --format weaver --out contracts/intent/weaver
 */
const CONTRACTS = new URL('../../contracts/intent/', import.meta.url);
const catalog = intentCatalog as unknown as Parameters<typeof lockCatalog>[0];

describe('contracts/intent', () => {
  it('the Intent catalog keeps its committed lock (factline catalog check)', () => {
    const result = checkCatalog(catalog, readFileSync(new URL('catalog.lock.json', CONTRACTS), 'utf8'));
    expect(result.breaking.map((c) => c.message)).toEqual([]);
    expect(result.changes.map((c) => c.message)).toEqual([]);
  });

  it('catalog.lock.json is byte for byte what factline catalog lock writes', () => {
    expect(
      readFileSync(new URL('catalog.lock.json', CONTRACTS), 'utf8'),
      'regenerate: npx factline catalog check --catalog intent --lock contracts/intent/catalog.lock.json --update',
    ).toBe(formatCatalogLock(lockCatalog(catalog)));
  });

  it('weaver/ is byte for byte what factline catalog export --format weaver writes, and nothing else', () => {
    const files = weaverRegistryFiles(catalog);
    const dir = new URL('weaver/', CONTRACTS);
    expect(readdirSync(dir).sort()).toEqual(Object.keys(files).sort());
    for (const [name, text] of Object.entries(files))
      expect(
        readFileSync(new URL(name, dir), 'utf8'),
        `${name} drifted; regenerate: npx factline catalog export --catalog intent --format weaver --out contracts/intent/weaver`,
      ).toBe(text);
  });
});
