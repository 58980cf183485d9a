import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEmitter, defineCatalog, lintCatalog } from '../../src/index.js';
import type { RuntimeProblem } from '../../src/problems.js';
import { intentCatalog } from '../../src/intent/catalog.js';

/*
 * Topic lint: one topic names one kind of fact. Both disguises of a
 * discriminator are tested on examples that have it and on near misses that
 * do not.
 */
describe('lint: { field, value } on a generic change', () => {
  it('flags updated/changed/set with a field-name field and a value field, suggesting one event per fact', () => {
    const c = defineCatalog({
      'quest.quest.updated:1': z.object({ quest_id: z.string(), field: z.enum(['title', 'reward']), value: z.string() }),
      'quest.quest.changed:1': z.object({ quest_id: z.string(), property: z.string(), new_value: z.unknown() }),
      'quest.reward.set:1': z.object({ key: z.string(), value: z.number() }),
    });
    const w = c.lint();
    expect(w.map((x) => [x.code, x.event_id])).toEqual([
      ['discriminator_topic', 'quest.quest.changed:1'],
      ['discriminator_topic', 'quest.quest.updated:1'],
      ['discriminator_topic', 'quest.reward.set:1'],
    ]);
    const updated = w.find((x) => x.event_id === 'quest.quest.updated:1')!;
    expect(updated.message).toContain('"field" discriminator and a "value" field');
    // The field's enum names the facts: one event per value.
    expect(updated.suggestion).toContain('quest.title.<what happened, past tense>:1, quest.reward.<what happened, past tense>:1');
    expect(updated.suggestion).toContain('quest.title.revised:1');
    // Without an enum, the generic example.
    expect(w.find((x) => x.event_id === 'quest.quest.changed:1')!.suggestion).toBe(
      'one event per fact, named for what happened: quest.title.revised:1, quest.reward.increased:1',
    );
  });

  it('leaves alone a specific fact, and a generic action without a field-name field', () => {
    const c = defineCatalog({
      'quest.title.revised:1': z.object({ quest_id: z.string(), title: z.string() }),
      'quest.reward.increased:1': z.object({ quest_id: z.string(), value: z.number() }),
      'quest.quest.updated:1': z.object({ quest_id: z.string(), title: z.string(), reward: z.number() }),
    });
    expect(c.lint()).toEqual([]);
  });
});

describe('lint: a type/kind enum that selects different fields', () => {
  it('flags a union of objects told apart by a kind literal', () => {
    const c = defineCatalog({
      'pay.method.added:1': z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('card'), last4: z.string() }),
        z.object({ kind: z.literal('bank'), iban: z.string() }),
      ]),
    });
    const w = c.lint();
    expect(w.map((x) => [x.code, x.event_id])).toEqual([['kind_selects_fields', 'pay.method.added:1']]);
    expect(w[0]!.message).toContain('"kind" field ("card", "bank")');
    expect(w[0]!.suggestion).toBe('one event per fact, each with its own required fields: pay.card.added:1, pay.bank.added:1');
  });

  it('flags an object whose type enum sits beside optional fields it selects', () => {
    const c = defineCatalog({
      'shop.item.returned:1': z.object({
        item_id: z.string(),
        return_type: z.enum(['refund', 'exchange']),
        refund_amount: z.number().optional(),
        new_item_id: z.string().optional(),
      }),
    });
    const w = c.lint();
    expect(w.map((x) => x.code)).toEqual(['kind_selects_fields']);
    expect(w[0]!.message).toContain('"refund_amount", "new_item_id" are optional');
    expect(w[0]!.suggestion).toContain('shop.refund.returned:1, shop.exchange.returned:1');
  });

  it('leaves alone an enum that is a plain value (no optional fields hang on it), and an enum not named type or kind', () => {
    const c = defineCatalog({
      'shop.order.placed:1': z.object({ order_id: z.string(), payment_type: z.enum(['card', 'cash']), note: z.string().optional() }),
      'signal.signal.created:1': z.object({ source: z.enum(['cli', 'mcp']), a: z.string().optional(), b: z.string().optional() }),
    });
    expect(c.lint()).toEqual([]);
  });

  it('finds nothing in the Intent catalog', () => {
    expect(lintCatalog(intentCatalog.list())).toEqual([]);
  });
});

describe('deprecated entries', () => {
  it('are delivered, and the first emit of each reports FACTLINE_EVENT_DEPRECATED once per EventID', () => {
    const c = defineCatalog({
      'shop.order.placed:1': { schema: z.object({ id: z.string() }), deprecated: 'emit shop.order.placed:2' },
      'shop.order.canceled:1': { schema: z.object({ id: z.string() }), deprecated: true },
      'shop.order.placed:2': z.object({ id: z.string(), total: z.number() }),
    });
    const problems: RuntimeProblem[] = [];
    const delivered: string[] = [];
    const ev = createEmitter(c, { onProblem: (p) => problems.push(p), sinks: [{ name: 'mem', write: (e) => void delivered.push(e.event_id) }] });
    ev.emit('shop.order.placed:1', { id: 'o1' });
    ev.emit('shop.order.placed:1', { id: 'o2' });
    ev.emit('shop.order.canceled:1', { id: 'o1' });
    ev.emit('shop.order.placed:2', { id: 'o3', total: 1 });
    expect(delivered).toEqual(['shop.order.placed:1', 'shop.order.placed:1', 'shop.order.canceled:1', 'shop.order.placed:2']);
    expect(problems.map((p) => [p.code, p.event_id])).toEqual([
      ['FACTLINE_EVENT_DEPRECATED', 'shop.order.placed:1'],
      ['FACTLINE_EVENT_DEPRECATED', 'shop.order.canceled:1'],
    ]);
    expect(problems[0]!.message).toContain('emit shop.order.placed:2');
    expect(problems[0]!.details).toEqual({ instead: 'emit shop.order.placed:2' });
    expect(c.describe().events.find((e) => e.id === 'shop.order.placed:1')!.deprecated).toBe('emit shop.order.placed:2');
    expect(c.describe().events.find((e) => e.id === 'shop.order.canceled:1')!.deprecated).toBe(true);
  });

  it('refuses a deprecated value that is neither a boolean nor a sentence', () => {
    expect(() => defineCatalog({ 'a.b.created:1': { schema: z.object({}), deprecated: '  ' } })).toThrow(/deprecated must be true, false or a sentence/);
    expect(() => defineCatalog({ 'a.b.created:1': { schema: z.object({}), deprecated: 1 as never } })).toThrow(/deprecated must be/);
  });
});
