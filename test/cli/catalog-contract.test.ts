import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { main } from '../../src/cli/main.js';
import { formatCatalogLock, lockCatalog } from '../../src/catalog/lock.js';
import { released } from '../fixtures/catalog/contract-catalogs.js';
import { capture } from './capture.js';

/*
 * `factline catalog lock | check | lint | export`: the exit codes (0 ok, 1 a
 * breaking change, 2 usage), the text and --json reports, --update, and the
 * files written.
 */
const MODULE = fileURLToPath(new URL('../fixtures/catalog/contract-catalogs.ts', import.meta.url));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'factline-catalog-contract-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]) {
  const io = capture();
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

async function lockReleased(): Promise<string> {
  const file = join(dir, 'catalog.lock.json');
  const r = await run(['catalog', 'lock', '--catalog', `${MODULE}#released`, '--out', file]);
  expect(r).toEqual({ code: 0, stderr: [], stdout: [`wrote ${file}: 3 EventIDs of catalog "shop"`] });
  return file;
}

describe('factline catalog lock', () => {
  it('writes the canonical lock, the same bytes on every run', async () => {
    const file = await lockReleased();
    const first = readFileSync(file);
    await lockReleased();
    expect(readFileSync(file).equals(first)).toBe(true);
    expect(first.toString('utf8')).toBe(formatCatalogLock(lockCatalog(released)));
  });

  it('writes catalog.lock.json in the working directory by default', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect((await run(['catalog', 'lock', '--catalog', `${MODULE}#released`])).code).toBe(0);
      expect(existsSync(join(dir, 'catalog.lock.json'))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('factline catalog check', () => {
  it('exits 0 when the catalog keeps its lock', async () => {
    const file = await lockReleased();
    expect(await run(['catalog', 'check', '--catalog', `${MODULE}#released`, '--lock', file])).toEqual({
      code: 0,
      stderr: [],
      stdout: [`catalog "shop" matches its lock ${file}`],
    });
  });

  it('exits 1 naming each EventID, each change and its fix', async () => {
    const file = await lockReleased();
    const r = await run(['catalog', 'check', '--catalog', `${MODULE}#breaking`, '--lock', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toEqual([
      `catalog "shop" breaks its lock ${file}: 6 breaking changes`,
      '  shop.order.placed:1: payload field "amount" retyped from number to string; a payload change is a new version: restore :1\'s schema and add shop.order.placed:2 beside :1',
      '  shop.order.placed:1: payload field "coupon" added (optional, string); a payload change is a new version: restore :1\'s schema and add shop.order.placed:2 beside :1',
      "  shop.order.placed:1: personal-data rule \"email\": 'hash' removed: the field would leave the process in clear; restore pii: { 'email': 'hash' }",
      '  shop.order.shipped:1: wire name changed from "shop.order.shipped" to "order.shipped"; restore wireName "shop.order.shipped", or add shop.order.shipped:2 beside :1 with the new wire name',
      "  shop.order.shipped:1: personal-data rule \"address\" weakened from 'drop' to 'hash'; restore pii: { 'address': 'drop' }",
      '  shop.payment.failed:1: removed from the catalog; readers still expect it; put it back; to retire it, keep it in the catalog with deprecated: true (or remove it on purpose and run factline catalog check --update)',
      'a deliberate change? run factline catalog check --update to accept it (docs/catalog.md)',
    ]);
  });

  it('exits 0 for a new version, a deprecation and a new EventID, listing them', async () => {
    const file = await lockReleased();
    const r = await run(['catalog', 'check', '--catalog', `${MODULE}#compatible`, '--lock', file]);
    expect(r).toEqual({
      code: 0,
      stderr: [],
      stdout: [
        '3 changes that keep the contract:',
        '  shop.order.placed:1: now deprecated: kept in the lock; emitting it reports FACTLINE_EVENT_DEPRECATED',
        '  shop.order.placed:2: new version of shop.order.placed',
        '  shop.refund.issued:1: new EventID',
        'the lock is out of date; run factline catalog check --update to record these changes',
      ],
    });
  });

  it('--json prints the whole result: ok, breaking and passing changes, each with kind, EventID, path and fix', async () => {
    const file = await lockReleased();
    const r = await run(['catalog', 'check', '--catalog', `${MODULE}#breaking`, '--lock', file, '--json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toHaveLength(1);
    const result = JSON.parse(r.stdout[0]!);
    expect(result).toMatchObject({ ok: false, catalog: 'shop', lock: file, stale: true, changes: [] });
    expect(result.breaking.map((c: { kind: string; event_id: string; path?: string }) => [c.kind, c.event_id, c.path])).toEqual([
      ['payload_field_retyped', 'shop.order.placed:1', 'amount'],
      ['payload_field_added', 'shop.order.placed:1', 'coupon'],
      ['pii_rule_removed', 'shop.order.placed:1', 'email'],
      ['wire_name_changed', 'shop.order.shipped:1', undefined],
      ['pii_rule_weakened', 'shop.order.shipped:1', 'address'],
      ['event_removed', 'shop.payment.failed:1', undefined],
    ]);
    expect(result.breaking[0].fix).toBe("a payload change is a new version: restore :1's schema and add shop.order.placed:2 beside :1");
    const ok = await run(['catalog', 'check', '--catalog', `${MODULE}#released`, '--lock', file, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout[0]!)).toEqual({ ok: true, catalog: 'shop', breaking: [], changes: [], stale: false, lock: file });
  });

  it("check --json without --catalog: the built-in catalog's note is in the JSON (notes), nothing on stderr", async () => {
    const file = join(dir, 'intent.lock.json');
    expect((await run(['catalog', 'lock', '--out', file])).code).toBe(0);
    const r = await run(['catalog', 'check', '--lock', file, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toEqual([]);
    expect(JSON.parse(r.stdout[0]!)).toEqual({
      ok: true,
      catalog: 'intent',
      breaking: [],
      changes: [],
      stale: false,
      lock: file,
      notes: ['no --catalog given; using the built-in "intent" catalog (give --catalog ./catalog.js#catalog for your own)'],
    });
  });

  it('a file it cannot write names the command, the file and the cause in plain words (exit 2)', async () => {
    const missingDir = join(dir, 'no-such-dir', 'x.json');
    const lock = await run(['catalog', 'lock', '--catalog', `${MODULE}#released`, '--out', missingDir]);
    expect(lock).toEqual({
      code: 2,
      stdout: [],
      stderr: [`factline catalog lock: cannot write ${missingDir}: the directory ${join(dir, 'no-such-dir')} does not exist (ENOENT)`],
    });
    const onDir = await run(['catalog', 'lock', '--catalog', `${MODULE}#released`, '--out', dir]);
    expect(onDir.code).toBe(2);
    expect(onDir.stderr).toEqual([`factline catalog lock: cannot write ${dir}: ${dir} is a directory (EISDIR)`]);
    const aFile = join(dir, 'a-file');
    writeFileSync(aFile, '');
    const exported = await run(['catalog', 'export', '--catalog', `${MODULE}#released`, '--format', 'weaver', '--out', join(aFile, 'registry')]);
    expect(exported.code).toBe(2);
    expect(exported.stderr).toEqual([
      `factline catalog export: cannot create the directory ${join(aFile, 'registry')}: a part of the path ${aFile} is not a directory (ENOTDIR)`,
    ]);
  });

  it('--update rewrites the lock after a deliberate change and exits 0; the next check passes', async () => {
    const file = await lockReleased();
    const r = await run(['catalog', 'check', '--catalog', `${MODULE}#breaking`, '--lock', file, '--update']);
    expect(r.code).toBe(0);
    expect(r.stdout[0]).toBe(`catalog "shop" changed its lock ${file}: 6 breaking changes (accepted by --update)`);
    expect(r.stdout.at(-1)).toBe(`updated ${file}`);
    const { breaking } = await import('../fixtures/catalog/contract-catalogs.js');
    expect(readFileSync(file, 'utf8')).toBe(formatCatalogLock(lockCatalog(breaking)));
    expect((await run(['catalog', 'check', '--catalog', `${MODULE}#breaking`, '--lock', file])).code).toBe(0);
  });

  it('exits 2 for a missing lock, a file that is not a lock, and a bad option, naming the fix', async () => {
    const missing = join(dir, 'nope.json');
    const r = await run(['catalog', 'check', '--catalog', `${MODULE}#released`, '--lock', missing]);
    expect(r.code).toBe(2);
    expect(r.stderr[0]).toContain(`no lock file ${missing}; write it with factline catalog lock --out ${missing}`);
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, '{"a":1}');
    const j = await run(['catalog', 'check', '--catalog', `${MODULE}#released`, '--lock', junk]);
    expect(j.code).toBe(2);
    expect(j.stderr[0]).toContain('is not a factline catalog lock');
    const bad = await run(['catalog', 'check', '--catalog', `${MODULE}#released`, '--out', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr[0]).toContain('check takes no --out (its options: --catalog, --lock, --update, --json)');
    expect((await run(['catalog', 'lock', 'extra', '--catalog', `${MODULE}#released`])).code).toBe(2);
  });
});

describe('factline catalog --json: errors are JSON on stdout, with a stable code and the documented exit status', () => {
  const error = (r: { code: number; stdout: string[]; stderr: string[] }) => {
    expect(r.stderr).toEqual([]);
    expect(r.stdout).toHaveLength(1);
    return { exit: r.code, ...(JSON.parse(r.stdout[0]!) as { ok: boolean; error: { code: string; message: string } }) };
  };

  it('for check: a missing lock, an unreadable one, one that is not a lock, a bad option, a bad --catalog', async () => {
    const missing = join(dir, 'nope.json');
    expect(error(await run(['catalog', 'check', '--json', '--catalog', `${MODULE}#released`, '--lock', missing]))).toEqual({
      exit: 2,
      ok: false,
      error: { code: 'lock_missing', message: `no lock file ${missing}; write it with factline catalog lock --out ${missing} (or give --lock FILE)` },
    });
    expect(error(await run(['catalog', 'check', '--json', '--catalog', `${MODULE}#released`, '--lock', dir]))).toMatchObject({
      exit: 2,
      error: { code: 'lock_unreadable', message: expect.stringContaining(`cannot read the lock ${dir}: `) },
    });
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, '{"a":1}');
    expect(error(await run(['catalog', 'check', '--json', '--catalog', `${MODULE}#released`, '--lock', junk]))).toMatchObject({
      exit: 2,
      error: { code: 'lock_invalid', message: expect.stringContaining('is not a factline catalog lock') },
    });
    writeFileSync(junk, 'not json');
    expect(error(await run(['catalog', 'check', '--json', '--catalog', `${MODULE}#released`, '--lock', junk]))).toMatchObject({
      exit: 2,
      error: { code: 'lock_invalid', message: expect.stringContaining('the lock is not JSON') },
    });
    expect(error(await run(['catalog', 'check', '--json', '--catalog', `${MODULE}#released`, '--out', 'x']))).toEqual({
      exit: 2,
      ok: false,
      error: { code: 'usage', message: 'check takes no --out (its options: --catalog, --lock, --update, --json)' },
    });
    expect(error(await run(['catalog', 'check', '--json', '--nope']))).toMatchObject({ exit: 2, error: { code: 'usage', message: "Unknown option '--nope'" } });
    expect(error(await run(['catalog', 'check', '--json', '--catalog', join(dir, 'no-such.js')]))).toMatchObject({
      exit: 2,
      error: { code: 'catalog_not_loaded', message: expect.stringContaining('no such file') },
    });
  });

  it('for the other actions: an unknown action, an id that is no EventID, an EventID the catalog lacks', async () => {
    expect(error(await run(['catalog', 'frob', '--json']))).toMatchObject({ exit: 2, error: { code: 'usage' } });
    expect(error(await run(['catalog', 'describe', 'a.b.c:0', '--json', '--catalog', `${MODULE}#released`]))).toEqual({
      exit: 1,
      ok: false,
      error: { code: 'invalid_event_id', message: 'Invalid EventID "a.b.c:0": version 0 at position 6; versions start at 1 (docs/eventid.md, rule 3)' },
    });
    expect(error(await run(['catalog', 'schema', 'shop.order.nope:1', '--json', '--catalog', `${MODULE}#released`]))).toMatchObject({
      exit: 1,
      error: { code: 'unknown_event', message: expect.stringMatching(/^"shop\.order\.nope:1" is not in catalog "shop"; /) },
    });
    expect(error(await run(['catalog', 'lint', '--json', '--catalog', join(dir, 'no-such.js')]))).toMatchObject({
      exit: 2,
      error: { code: 'catalog_not_loaded' },
    });
  });

  it('without --json, the same errors stay text on stderr: a lock or catalog that cannot be loaded by its message alone, a misuse with the help', async () => {
    const r = await run(['catalog', 'check', '--catalog', `${MODULE}#released`, '--lock', join(dir, 'nope.json')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toEqual([]);
    expect(r.stderr).toEqual([
      `factline catalog check: no lock file ${join(dir, 'nope.json')}; write it with factline catalog lock --out ${join(dir, 'nope.json')} (or give --lock FILE)`,
    ]);
    const misuse = await run(['catalog', 'check', 'extra', '--catalog', `${MODULE}#released`]);
    expect(misuse.code).toBe(2);
    expect(misuse.stderr[0]).toMatch(/^factline catalog: check takes no argument \(got "extra"\)\n\nUsage: factline catalog/);
  });

  it('with --json and no --catalog, an error carries the built-in-catalog note as its notes, as an answer does', async () => {
    const r = await run(['catalog', 'check', '--json', '--lock', join(dir, 'nope.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([]);
    expect(JSON.parse(r.stdout[0]!)).toEqual({
      ok: false,
      error: {
        code: 'lock_missing',
        message: `no lock file ${join(dir, 'nope.json')}; write it with factline catalog lock --out ${join(dir, 'nope.json')} (or give --lock FILE)`,
      },
      notes: ['no --catalog given; using the built-in "intent" catalog (give --catalog ./catalog.js#catalog for your own)'],
    });
  });
});

describe('factline catalog lint', () => {
  it('prints each warning with its suggestion, and exits 0 (lint warns; it never blocks)', async () => {
    const r = await run(['catalog', 'lint', '--catalog', `${MODULE}#topics`]);
    expect(r.code).toBe(0);
    expect(r.stdout[0]).toBe('catalog "quests": 2 warnings');
    expect(r.stdout.join('\n')).toContain('kind_selects_fields: "pay.method.added:1" looks like several facts behind one topic');
    // The suggestion is a line of its own, not an escaped line break inside the warning's line.
    expect(r.stdout).toContain('    suggestion: one event per fact, each with its own required fields: pay.card.added:1, pay.bank.added:1');
    expect(r.stdout.join('\n')).not.toContain('\\u000a');
    expect(r.stdout.join('\n')).toContain('discriminator_topic: "quest.quest.updated:1"');
    const json = await run(['catalog', 'lint', '--catalog', `${MODULE}#topics`, '--json']);
    expect(JSON.parse(json.stdout[0]!).warnings.map((w: { event_id: string }) => w.event_id)).toEqual(['pay.method.added:1', 'quest.quest.updated:1']);
    expect((await run(['catalog', 'lint', '--catalog', `${MODULE}#released`])).stdout).toEqual(['catalog "shop": no lint warnings']);
  });
});

describe('factline catalog export --format weaver', () => {
  it('writes a manifest and the YAML registry files', async () => {
    const out = join(dir, 'weaver');
    const r = await run([
      'catalog',
      'export',
      '--catalog',
      `${MODULE}#compatible`,
      '--format',
      'weaver',
      '--out',
      out,
      '--schema-url',
      'https://example.com/schemas/shop/2.0.0',
    ]);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['factline.yaml', 'manifest.yaml', 'shop.events.yaml', 'shop.payload.yaml']);
    expect(parseYaml(readFileSync(join(out, 'manifest.yaml'), 'utf8')).schema_url).toBe('https://example.com/schemas/shop/2.0.0');
    const events = parseYaml(readFileSync(join(out, 'shop.events.yaml'), 'utf8')).groups;
    expect(events.map((g: { name: string }) => g.name)).toEqual(['shop.order.placed', 'shop.order.shipped', 'shop.payment.failed', 'shop.refund.issued']);
  });

  it('exits 2 without --format weaver or --out, or with a schema URL Weaver cannot read', async () => {
    expect((await run(['catalog', 'export', '--catalog', `${MODULE}#released`, '--out', dir])).code).toBe(2);
    expect((await run(['catalog', 'export', '--catalog', `${MODULE}#released`, '--format', 'otel', '--out', dir])).code).toBe(2);
    expect((await run(['catalog', 'export', '--catalog', `${MODULE}#released`, '--format', 'weaver'])).code).toBe(2);
    const r = await run(['catalog', 'export', '--catalog', `${MODULE}#released`, '--format', 'weaver', '--out', dir, '--schema-url', 'shop']);
    expect(r.code).toBe(2);
    expect(r.stderr[0]).toContain('Weaver needs http[s]://host/path/<version>');
  });
});
