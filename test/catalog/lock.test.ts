import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  assertCatalogLocked,
  CatalogLockError,
  checkCatalog,
  defineCatalog,
  formatCatalogLock,
  lockCatalog,
  parseCatalogLock,
  type CatalogEntry,
} from '../../src/index.js';

/*
 * The lock and its check, one test per kind of change: each edits the same
 * base catalog in one way and expects exactly that change, named with its
 * EventID, path and fix.
 */
const base = {
  'shop.order.placed:1': {
    description: 'An order was placed.',
    schema: z.object({
      order_id: z.string(),
      amount: z.number().min(0),
      currency: z.enum(['EUR', 'USD']),
      email: z.string(),
      note: z.string().optional(),
    }),
    pii: { email: 'hash' },
    tags: ['checkout'],
  },
  'shop.order.shipped:1': {
    schema: z.object({ order_id: z.string(), carrier: z.string(), address: z.string() }),
    pii: { address: 'drop' },
  },
  'shop.cart.abandoned:1': z.object({ cart_id: z.string() }),
} satisfies Record<string, CatalogEntry>;

type Entries = Record<string, CatalogEntry>;
const catalogOf = (entries: Entries) => defineCatalog(entries as never, { name: 'shop' });
const lock = formatCatalogLock(lockCatalog(catalogOf(base)));
const placed = base['shop.order.placed:1'];
const placedShape = placed.schema.shape;

/** The base catalog with `shop.order.placed:1` replaced. */
const withPlaced = (entry: {
  schema?: z.ZodType;
  severity?: 'WARN';
  wireName?: string;
  pii?: Record<string, 'hash' | 'drop'>;
  tags?: string[];
  deprecated?: boolean | string;
}): Entries => ({
  ...base,
  'shop.order.placed:1': { ...placed, ...entry },
});
const placedSchema = (shape: Record<string, z.ZodType>) => ({ schema: z.object(shape) });

function only(entries: Entries) {
  const r = checkCatalog(catalogOf(entries), lock);
  return r;
}

describe('lockCatalog', () => {
  it('writes the same bytes twice, and for the same catalog defined again with its keys in another order', () => {
    const again = formatCatalogLock(lockCatalog(catalogOf(base)));
    expect(again).toBe(lock);
    const reordered: Entries = {
      'shop.cart.abandoned:1': base['shop.cart.abandoned:1'],
      'shop.order.shipped:1': base['shop.order.shipped:1'],
      'shop.order.placed:1': {
        ...placed,
        schema: z.object({
          note: placedShape.note,
          email: placedShape.email,
          currency: placedShape.currency,
          amount: placedShape.amount,
          order_id: placedShape.order_id,
        }),
      },
    };
    expect(formatCatalogLock(lockCatalog(catalogOf(reordered)))).toBe(lock);
  });

  it('keeps wire name, severity, payload schema, personal-data rules, tags and deprecated per EventID, sorted, with its format version', () => {
    const l = parseCatalogLock(lock);
    expect(l.format).toBe('factline.catalog.lock');
    expect(l.format_version).toBe(1);
    expect(l.catalog).toBe('shop');
    expect(Object.keys(l.events)).toEqual(['shop.cart.abandoned:1', 'shop.order.placed:1', 'shop.order.shipped:1']);
    const p = l.events['shop.order.placed:1']!;
    expect(p.wire_name).toBe('shop.order.placed');
    expect(p.severity).toBe('INFO');
    expect(p.pii).toEqual({ email: 'hash' });
    expect(p.tags).toEqual(['checkout']);
    expect(p.deprecated).toBe(false);
    expect(p.payload_schema.required).toEqual(['amount', 'currency', 'email', 'order_id']);
    // The personal-data mark lives in `pii`, not in the schema: a stronger rule is no schema change.
    expect(JSON.stringify(p.payload_schema)).not.toContain('x-factline-pii');
    expect(lock.endsWith('}\n')).toBe(true);
    // Every object's keys are sorted.
    expect(lock.indexOf('"catalog"')).toBeLessThan(lock.indexOf('"events"'));
    expect(lock.indexOf('"events"')).toBeLessThan(lock.indexOf('"format"'));
  });

  it('ignores annotations that change no value (a field description) but keeps a field named "description"', () => {
    const described = withPlaced({ schema: z.object({ ...placedShape, order_id: placedShape.order_id.describe('The order.') }) });
    expect(only(described).breaking).toEqual([]);
    const c = catalogOf({ 'a.b.created:1': z.object({ description: z.string() }) });
    expect(lockCatalog(c).events['a.b.created:1']!.payload_schema.properties).toEqual({ description: { type: 'string' } });
  });
});

describe('checkCatalog: breaking changes', () => {
  const cases: [string, Entries, { kind: string; path?: string; message: RegExp }][] = [
    [
      'an optional payload field added',
      withPlaced(placedSchema({ ...placedShape, coupon: z.string().optional() })),
      { kind: 'payload_field_added', path: 'coupon', message: /field "coupon" added \(optional, string\).*add shop\.order\.placed:2 beside :1/ },
    ],
    [
      'a required payload field added',
      withPlaced(placedSchema({ ...placedShape, coupon: z.string() })),
      { kind: 'payload_field_added', path: 'coupon', message: /added \(required, string\)/ },
    ],
    [
      'a payload field removed',
      withPlaced({ schema: z.object({ order_id: z.string(), amount: z.number().min(0), currency: z.enum(['EUR', 'USD']), email: z.string() }) }),
      { kind: 'payload_field_removed', path: 'note', message: /field "note" removed \(was optional, string\)/ },
    ],
    [
      'a payload field retyped',
      withPlaced(placedSchema({ ...placedShape, amount: z.string() })),
      { kind: 'payload_field_retyped', path: 'amount', message: /field "amount" retyped from number to string/ },
    ],
    [
      'a constraint changed',
      withPlaced(placedSchema({ ...placedShape, amount: z.number().min(1) })),
      { kind: 'payload_constraint_changed', path: 'amount', message: /field "amount": minimum 0 → 1/ },
    ],
    [
      'an enum value added',
      withPlaced(placedSchema({ ...placedShape, currency: z.enum(['EUR', 'USD', 'GBP']) })),
      { kind: 'payload_enum_value_added', path: 'currency', message: /field "currency" accepts a new value "GBP"/ },
    ],
    [
      'an enum value removed',
      withPlaced(placedSchema({ ...placedShape, currency: z.enum(['EUR']) })),
      { kind: 'payload_enum_value_removed', path: 'currency', message: /no longer accepts "USD"/ },
    ],
    [
      'an optional field made required',
      withPlaced(placedSchema({ ...placedShape, note: z.string() })),
      { kind: 'payload_field_required', path: 'note', message: /field "note" became required/ },
    ],
    [
      'a required field made optional',
      withPlaced(placedSchema({ ...placedShape, order_id: z.string().optional() })),
      { kind: 'payload_field_optional', path: 'order_id', message: /field "order_id" became optional/ },
    ],
    [
      'the wire name changed',
      withPlaced({ wireName: 'order.placed' }),
      {
        kind: 'wire_name_changed',
        message:
          /wire name changed from "shop\.order\.placed" to "order\.placed"; restore wireName "shop\.order\.placed", or add shop\.order\.placed:2 beside :1/,
      },
    ],
    [
      'the severity changed',
      withPlaced({ severity: 'WARN' }),
      { kind: 'severity_changed', message: /severity changed from INFO to WARN; restore severity: 'INFO'/ },
    ],
    [
      'a personal-data rule removed',
      withPlaced({ pii: {} }),
      { kind: 'pii_rule_removed', path: 'email', message: /rule "email": 'hash' removed.*restore pii: \{ 'email': 'hash' \}/ },
    ],
  ];
  for (const [what, entries, expected] of cases) {
    it(`fails on ${what}, naming the EventID, the change and its fix`, () => {
      const r = only(entries);
      expect(r.ok).toBe(false);
      expect(r.breaking).toHaveLength(1);
      const c = r.breaking[0]!;
      expect(c).toMatchObject({ kind: expected.kind, event_id: 'shop.order.placed:1', breaking: true, ...(expected.path ? { path: expected.path } : {}) });
      expect(c.message).toMatch(/^shop\.order\.placed:1: /);
      expect(c.message).toMatch(expected.message);
      expect(c.fix).toBeDefined();
      expect(c.message).toContain(c.fix!);
    });
  }

  it('fails on a personal-data rule weakened from drop to hash', () => {
    const r = only({ ...base, 'shop.order.shipped:1': { ...base['shop.order.shipped:1'], pii: { address: 'hash' } } });
    expect(r.breaking.map((c) => [c.kind, c.event_id, c.path])).toEqual([['pii_rule_weakened', 'shop.order.shipped:1', 'address']]);
    expect(r.breaking[0]!.message).toMatch(/weakened from 'drop' to 'hash'; restore pii: \{ 'address': 'drop' \}/);
  });

  it('fails on an EventID removed, and names deprecation as the way to retire it', () => {
    const { 'shop.cart.abandoned:1': _, ...rest } = base;
    const r = only(rest);
    expect(r.breaking.map((c) => [c.kind, c.event_id])).toEqual([['event_removed', 'shop.cart.abandoned:1']]);
    expect(r.breaking[0]!.message).toMatch(/deprecated: true/);
  });

  it('names the next free version in the fix when :2 exists already', () => {
    const entries = {
      ...withPlaced(placedSchema({ ...placedShape, coupon: z.string().optional() })),
      'shop.order.placed:2': z.object({ order_id: z.string() }),
    };
    expect(only(entries).breaking[0]!.fix).toMatch(/add shop\.order\.placed:3 beside :1/);
  });

  it('lists every change at once, nested fields by their dotted path', () => {
    const nestedLock = formatCatalogLock(
      lockCatalog(
        catalogOf({ 'a.b.created:1': z.object({ ctx: z.object({ ip: z.string(), port: z.int() }), items: z.array(z.object({ sku: z.string() })) }) }),
      ),
    );
    const r = checkCatalog(
      catalogOf({
        'a.b.created:1': z.object({
          ctx: z.object({ ip: z.string(), port: z.string() }),
          items: z.array(z.object({ sku: z.string(), qty: z.int().optional() })),
        }),
      }),
      nestedLock,
    );
    expect(r.breaking.map((c) => [c.kind, c.path])).toEqual([
      ['payload_field_retyped', 'ctx.port'],
      ['payload_field_added', 'items[].qty'],
    ]);
  });
});

describe('checkCatalog: changes that pass', () => {
  it('passes a new version beside the locked one and a new EventID, and lists both', () => {
    const r = only({
      ...base,
      'shop.order.placed:2': z.object({ order_id: z.string(), coupon: z.string().optional() }),
      'shop.refund.issued:1': z.object({ order_id: z.string() }),
    });
    expect(r.ok).toBe(true);
    expect(r.breaking).toEqual([]);
    expect(r.changes.map((c) => [c.kind, c.event_id])).toEqual([
      ['version_added', 'shop.order.placed:2'],
      ['event_added', 'shop.refund.issued:1'],
    ]);
    expect(r.stale).toBe(true);
  });

  it('passes a deprecated EventID that stays in the catalog, and lists it', () => {
    const r = only(withPlaced({ deprecated: 'emit shop.order.placed:2' }));
    expect(r.ok).toBe(true);
    expect(r.changes.map((c) => [c.kind, c.event_id])).toEqual([['event_deprecated', 'shop.order.placed:1']]);
    // Kept in the lock, flagged.
    const l = lockCatalog(catalogOf(withPlaced({ deprecated: true })));
    expect(l.events['shop.order.placed:1']!.deprecated).toBe(true);
  });

  it('fails when a deprecated EventID is then removed from the catalog', () => {
    const deprecatedLock = formatCatalogLock(lockCatalog(catalogOf(withPlaced({ deprecated: true }))));
    const { 'shop.order.placed:1': _, ...rest } = base;
    const r = checkCatalog(catalogOf(rest), deprecatedLock);
    expect(r.breaking.map((c) => [c.kind, c.event_id])).toEqual([['event_removed', 'shop.order.placed:1']]);
    expect(r.breaking[0]!.message).toContain('(it was deprecated)');
  });

  it('passes a personal-data rule added or strengthened (hash → drop), and tags changed', () => {
    const r = only({ ...withPlaced({ pii: { email: 'drop', note: 'hash' }, tags: ['checkout', 'web'] }) });
    expect(r.ok).toBe(true);
    expect(r.changes.map((c) => [c.kind, c.path])).toEqual([
      ['pii_rule_strengthened', 'email'],
      ['pii_rule_added', 'note'],
      ['tags_changed', undefined],
    ]);
  });

  it('reports a catalog that matches its lock as ok, unchanged and not stale', () => {
    expect(only(base)).toEqual({ ok: true, catalog: 'shop', breaking: [], changes: [], stale: false });
  });
});

describe('parseCatalogLock', () => {
  it('refuses text that is not a lock of this format version, naming the fix', () => {
    expect(() => parseCatalogLock('nope')).toThrow(CatalogLockError);
    expect(() => parseCatalogLock('{}')).toThrow(/not a factline catalog lock/);
    expect(() => parseCatalogLock(JSON.stringify({ format: 'factline.catalog.lock', format_version: 2, catalog: 'x', events: {} }))).toThrow(
      /format_version is 2; this factline reads version 1/,
    );
    expect(() =>
      parseCatalogLock(JSON.stringify({ format: 'factline.catalog.lock', format_version: 1, catalog: 'x', events: { 'a.b.c:1': { wire_name: 'a.b.c' } } })),
    ).toThrow(/"a\.b\.c:1" lacks one of/);
  });
});

describe('assertCatalogLocked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'factline-lock-'));
  const file = join(dir, 'catalog.lock.json');
  writeFileSync(file, lock);

  it('passes for a catalog that keeps its lock', () => {
    expect(() => assertCatalogLocked(catalogOf(base), file)).not.toThrow();
  });

  it('throws one error that lists every breaking change with its fix', () => {
    expect(() => assertCatalogLocked(catalogOf(withPlaced({ severity: 'WARN', wireName: 'order.placed' })), file)).toThrow(
      /catalog "shop" breaks its lock .*\n {2}- shop\.order\.placed:1: wire name changed.*\n {2}- shop\.order\.placed:1: severity changed/,
    );
  });

  it('throws naming the command that writes a missing lock', () => {
    expect(() => assertCatalogLocked(catalogOf(base), join(dir, 'missing.json'))).toThrow(
      /no catalog lock at .*missing\.json \(ENOENT\); write it with: npx factline catalog lock/,
    );
  });
});
