import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CatalogError, combineCatalogs, defineCatalog } from '../../src/catalog/index.js';
import { authCatalog } from '../fixtures-catalog.js';

describe('defineCatalog', () => {
  it('computes name, parts, version, severity and constant attributes once per event type', () => {
    const t = authCatalog.get('auth.login.failed:1')!;
    expect(t).toMatchObject({
      id: 'auth.login.failed:1',
      name: 'auth.login.failed',
      domain: 'auth',
      entity: 'login',
      action: 'failed',
      version: 1,
      severity: 'ERROR',
      wireName: 'auth.login.failed',
      catalog: 'auth',
    });
    expect(t.attributes).toEqual({
      'factline.event.id': 'auth.login.failed:1',
      'factline.event.domain': 'auth',
      'factline.event.entity': 'login',
      'factline.event.action': 'failed',
      'factline.event.version': 1,
      'factline.catalog': 'auth',
    });
    expect(Object.isFrozen(t)).toBe(true);
  });

  it('derives severity from the action unless the entry overrides it', () => {
    const c = defineCatalog({
      'a.b.failed:1': z.object({}),
      'a.b.login_failed:1': z.object({}),
      'a.b.locked:1': z.object({}),
      'a.b.created:1': z.object({}),
      'a.b.error:1': { schema: z.object({}), severity: 'FATAL' },
    });
    expect(c.list().map((t) => [t.id, t.severity])).toEqual([
      ['a.b.created:1', 'INFO'],
      ['a.b.error:1', 'FATAL'],
      ['a.b.failed:1', 'ERROR'],
      ['a.b.locked:1', 'WARN'],
      ['a.b.login_failed:1', 'ERROR'],
    ]);
  });

  it('rejects invalid EventID keys built at run time, listing every problem at once', () => {
    const entries: Record<string, z.ZodType> = { 'Auth.user.login:1': z.object({}), 'auth.user:1': z.object({}), 'ok.ok.ok:1': z.object({}) };
    let err: unknown;
    try {
      defineCatalog(entries);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CatalogError);
    expect((err as CatalogError).problems.map((p) => [p.key, p.code])).toEqual([
      ['Auth.user.login:1', 'invalid_event_id'],
      ['auth.user:1', 'invalid_event_id'],
    ]);
    expect((err as CatalogError).message).toContain('uppercase');
  });

  it('rejects an entry whose schema is not a zod schema', () => {
    expect(() => defineCatalog({ 'a.b.c:1': { schema: { type: 'object' } } } as never)).toThrow(/not a zod schema/);
  });

  it('rejects a severity that is not one of the six (constructor, a lower-case warn), naming the six', () => {
    let err: unknown;
    try {
      defineCatalog({ 'a.b.c:1': { schema: z.object({}), severity: 'constructor' as never }, 'a.b.d:1': { schema: z.object({}), severity: 'warn' as never } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CatalogError);
    expect((err as CatalogError).problems.map((p) => [p.key, p.code])).toEqual([
      ['a.b.c:1', 'invalid_severity'],
      ['a.b.d:1', 'invalid_severity'],
    ]);
    expect((err as CatalogError).message).toContain('TRACE, DEBUG, INFO, WARN, ERROR, FATAL');
  });

  it('rejects two events that share a wire name and version', () => {
    expect(() => defineCatalog({ 'a.b.c:1': { schema: z.object({}), wireName: 'x' }, 'a.b.d:1': { schema: z.object({}), wireName: 'x' } })).toThrow(
      /share the wire name "x"/,
    );
  });

  it('answers which events exist, which versions, and their JSON Schema at run time', () => {
    const c = defineCatalog({
      'auth.user.login:1': z.object({ user_id: z.string() }),
      'auth.user.login:2': z.object({ user_id: z.string(), ip: z.string() }),
      'auth.user.failed:1': z.object({ reason: z.string() }),
    });
    expect(c.has('auth.user.login:2')).toBe(true);
    expect(c.has('auth.user.login:3')).toBe(false);
    expect(c.versions('auth.user.login')).toEqual([1, 2]);
    expect(c.find('%.failed:%').map((t) => t.id)).toEqual(['auth.user.failed:1']);
    expect(c.jsonSchema('auth.user.login:2')).toMatchObject({
      type: 'object',
      properties: { user_id: { type: 'string' }, ip: { type: 'string' } },
      required: ['user_id', 'ip'],
    });
    expect(c.jsonSchema('nope.nope.nope:1')).toBeUndefined();
    const d = c.describe();
    expect(d.events.map((e) => e.id)).toEqual(['auth.user.failed:1', 'auth.user.login:1', 'auth.user.login:2']);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it('combines catalogs and refuses the same EventID twice', () => {
    const a = defineCatalog({ 'a.b.c:1': z.object({}) }, { name: 'a' });
    const b = defineCatalog({ 'x.y.z:1': z.object({}) }, { name: 'b' });
    const both = combineCatalogs('ab', a, b);
    expect(both.list().map((t) => t.id)).toEqual(['a.b.c:1', 'x.y.z:1']);
    expect(both.get('x.y.z:1')!.catalog).toBe('b');
    expect(() => combineCatalogs('aa', a, a)).toThrow(/defined by both catalog "a" and catalog "a"/);
  });
});

describe('lint', () => {
  it('flags a *_updated topic with a field discriminator: one topic per kind of fact', () => {
    const c = defineCatalog({
      'quest.quest.updated:1': z.object({ quest_id: z.string(), field: z.enum(['title', 'reward']), value: z.string() }),
      'quest.quest.title_revised:1': z.object({ quest_id: z.string(), title: z.string() }),
    });
    const w = c.lint();
    expect(w.map((x) => [x.code, x.event_id])).toEqual([['discriminator_topic', 'quest.quest.updated:1']]);
    expect(w[0]!.message).toContain('"field" discriminator');
  });

  it('flags base-form verbs as not past tense and suggests the past tense', () => {
    const c = defineCatalog({
      'orders.order.create:1': z.object({}),
      'orders.order.refund_request:1': z.object({}),
      'orders.order.shipped:1': z.object({}),
      'auth.user.login:1': z.object({}),
    });
    expect(c.lint().map((x) => [x.event_id, x.suggestion])).toEqual([
      ['orders.order.create:1', 'orders.order.created:1'],
      ['orders.order.refund_request:1', 'orders.order.refund_requested:1'],
    ]);
  });

  it('does not take an action ending in constructor for a base-form verb (an Object.prototype member)', () => {
    const c = defineCatalog({ 'app.object.constructor:1': z.object({}), 'app.call.value_of_constructor:1': z.object({}) });
    expect(c.lint()).toEqual([]);
  });

  it('finds nothing to say about the seed catalog', () => {
    expect(authCatalog.lint()).toEqual([]);
  });
});
