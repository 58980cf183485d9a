import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCatalog, weaverRegistry, type WeaverRegistry } from '../../src/index.js';
import type { WeaverAttribute, WeaverAttributeRef, WeaverGroup } from '../../src/catalog/weaver.js';
import { compatible } from '../fixtures/catalog/contract-catalogs.js';
import { payloadAttributes } from '../../src/otel/mapping.js';

/*
 * The Weaver registry says what factline writes (docs/mapping.md): these
 * tests compare the registry's attributes with what the span-event mapping
 * itself (payloadAttributes) makes of a payload. `weaver registry check`
 * on the exported files is run with the real Weaver (docs/catalog.md).
 */
const groupsOf = (r: WeaverRegistry, file: string): WeaverGroup[] => r.files[file]!.groups;
const payloadAttrs = (r: WeaverRegistry, name: string): Record<string, WeaverAttribute> =>
  Object.fromEntries((groupsOf(r, `${name}.payload.yaml`)[0]!.attributes as WeaverAttribute[]).map((a) => [a.id, a]));
const eventOf = (r: WeaverRegistry, name: string, eventName: string): WeaverGroup => groupsOf(r, `${name}.events.yaml`).find((g) => g.name === eventName)!;
const refsOf = (g: WeaverGroup): Record<string, WeaverAttributeRef['requirement_level']> =>
  Object.fromEntries((g.attributes as WeaverAttributeRef[]).map((a) => [a.ref, a.requirement_level]));

describe('weaverRegistry', () => {
  const r = weaverRegistry(compatible);
  const attrs = payloadAttrs(r, 'shop');

  it('names every attribute the span event of a valid payload carries, with its type', () => {
    const sample = {
      order_id: 'o-1',
      amount: '12.00',
      currency: 'EUR',
      email: 'hmac-sha256:ab',
      coupon: 'X',
      items: [{ sku: 'a', qty: 1 }],
      shipping: { country: 'DE', express: true },
      note: 'n',
    };
    const onSpan = Object.keys(payloadAttributes(sample).attributes).sort();
    for (const k of onSpan) expect(attrs[k], k).toBeDefined();
    expect(attrs['shipping.country']!.type).toBe('string');
    expect(attrs['shipping.express']!.type).toBe('boolean');
    // An array of objects goes as JSON text; an array of strings stays an array.
    expect(attrs.items!.type).toBe('string');
    expect(attrs.tracking!.type).toBe('string[]');
    expect(attrs.code!.type).toBe('int');
    expect(attrs.currency!.type).toEqual({
      members: [
        { id: 'eur', value: 'EUR', stability: 'development' },
        { id: 'usd', value: 'USD', stability: 'development' },
      ],
    });
    // A record: one attribute per key.
    expect(attrs.context!.type).toBe('template[string]');
  });

  it('types a hashed personal-data field as its hmac string and leaves a dropped one out', () => {
    expect(attrs.email!.type).toBe('string');
    expect(attrs.email!.note).toContain('hmac-sha256');
    expect(attrs.address).toBeUndefined();
  });

  it('merges the types of one attribute name across events: number and decimal string become any; enums are joined', () => {
    // shop.order.placed:1 amount number, :2 amount string, shop.refund.issued:1 amount number.
    expect(attrs.amount!.type).toBe('any');
    const c = defineCatalog({
      'a.b.created:1': z.object({ s: z.enum(['x']) }),
      'a.b.deleted:1': z.object({ s: z.enum(['y']), n: z.int() }),
      'a.c.created:1': z.object({ n: z.number() }),
    });
    const merged = payloadAttrs(weaverRegistry(c), 'default');
    expect(merged.s!.type).toEqual({
      members: [
        { id: 'x', value: 'x', stability: 'development' },
        { id: 'y', value: 'y', stability: 'development' },
      ],
    });
    expect(merged.n!.type).toBe('double');
  });

  it('makes one event group per event name, every version listed, required payload fields conditionally required', () => {
    const placed = eventOf(r, 'shop', 'shop.order.placed');
    expect(placed.id).toBe('event.shop.order.placed');
    expect(placed.type).toBe('event');
    expect(placed.annotations).toMatchObject({ factline: { event_ids: ['shop.order.placed:1', 'shop.order.placed:2'] } });
    expect(placed.note).toContain('shop.order.placed:1: severity INFO, wire name "shop.order.placed", deprecated (emit shop.order.placed:2), tags checkout');
    // Only :2 is deprecated-free, so the group is not deprecated.
    expect(placed.deprecated).toBeUndefined();
    const refs = refsOf(placed);
    expect(refs['factline.event.id']).toBe('required');
    expect(refs.order_id).toEqual({ conditionally_required: expect.stringContaining('always on the span event') });
    expect(refs.note).toBe('recommended');
    expect(refs.coupon).toBe('recommended');
    // Same wire name as the event name: no wire-name attribute.
    expect(refs['factline.event.wire_name']).toBeUndefined();
  });

  it('defines the envelope attributes once, in registry.factline, and references them from each event', () => {
    const envelope = groupsOf(r, 'factline.yaml');
    expect(envelope.map((g) => g.id)).toEqual(['registry.factline']);
    const ids = (envelope[0]!.attributes as WeaverAttribute[]).map((a) => a.id);
    expect(ids).toContain('factline.event.id');
    expect(ids).toContain('session.id');
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.keys(attrs).some((k) => ids.includes(k))).toBe(false);
  });

  it('marks an event name whose every version is deprecated as deprecated, and requires a differing wire name', () => {
    const c = defineCatalog({ 'a.b.created:1': { schema: z.object({}), deprecated: 'emit a.b.made:1', wireName: 'b.created' } });
    const g = eventOf(weaverRegistry(c, { schemaUrl: 'https://example.com/x/1.0.0' }), 'default', 'a.b.created');
    expect(g.deprecated).toEqual({ reason: 'uncategorized', note: 'a.b.created:1: emit a.b.made:1' });
    expect(refsOf(g)['factline.event.wire_name']).toBe('required');
  });
});

describe('weaverRegistry: unions of objects', () => {
  it("gives each branch's fields, required only when every branch requires them, the kind literal joined into one enum", () => {
    const c = defineCatalog(
      {
        'pay.method.added:1': z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('card'), last4: z.string() }),
          z.object({ kind: z.literal('bank'), iban: z.string() }),
        ]),
      },
      { name: 'pay' },
    );
    const r = weaverRegistry(c);
    const attrs = payloadAttrs(r, 'pay');
    expect(Object.keys(attrs).sort()).toEqual(['iban', 'kind', 'last4']);
    expect(attrs.kind!.type).toEqual({
      members: [
        { id: 'card', value: 'card', stability: 'development' },
        { id: 'bank', value: 'bank', stability: 'development' },
      ],
    });
    const refs = refsOf(eventOf(r, 'pay', 'pay.method.added'));
    expect(refs.kind).toEqual({ conditionally_required: expect.any(String) });
    expect(refs.last4).toBe('recommended');
    expect(refs.iban).toBe('recommended');
  });
});
