import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineCatalog } from '../../src/catalog/index.js';
import { createEmitter, type PayloadOf } from '../../src/emitter/index.js';
import { authCatalog } from '../fixtures-catalog.js';

/*
 * These tests are proved by the compiler: `npm test` runs `tsc --noEmit` over
 * test/ first, and every `@ts-expect-error` line must be an error there.
 * The functions are never called, so nothing here depends on run time.
 */
const ev = createEmitter(authCatalog, { validation: 'strict' });
const login = { user_id: 'u', ip: '1.2.3.4', method: 'password' as const, mfa: true };

describe('what must not compile', () => {
  it('rejects an EventID that is not in the catalog', () => {
    const never = () => {
      // @ts-expect-error unknown event
      ev.emit('auth.user.signup:1', login);
      // @ts-expect-error a version the catalog does not define
      ev.emit('auth.user.login:2', login);
      // @ts-expect-error not an EventID at all
      ev.emit('Auth.User.Login:1', login);
    };
    void never;
  });

  it('rejects a payload of the wrong shape', () => {
    const never = () => {
      // @ts-expect-error mfa must be a boolean
      ev.emit('auth.user.login:1', { ...login, mfa: 'yes' });
      // @ts-expect-error method is an enum
      ev.emit('auth.user.login:1', { ...login, method: 'magic' });
      // @ts-expect-error a required field is missing
      ev.emit('auth.user.logout:1', { user_id: 'u' });
      // @ts-expect-error an unknown field in an object literal
      ev.emit('auth.user.logout:1', { user_id: 'u', reason: 'r', extra: 1 });
      // @ts-expect-error the payload of another event
      ev.emit('auth.user.logout:1', login);
    };
    void never;
  });

  it('rejects catalog keys that are not valid EventIDs', () => {
    const never = () => {
      // @ts-expect-error uppercase
      defineCatalog({ 'Auth.user.login:1': z.object({}) });
      // @ts-expect-error missing action
      defineCatalog({ 'auth.user:1': z.object({}) });
      // @ts-expect-error version zero
      defineCatalog({ 'auth.user.login:0': z.object({}) });
      // @ts-expect-error leading zero
      defineCatalog({ 'auth.user.login:01': z.object({}) });
      // @ts-expect-error starts with a digit
      defineCatalog({ '2auth.user.login:1': z.object({}) });
      // @ts-expect-error missing version
      defineCatalog({ 'auth.user.login': z.object({}) });
      // @ts-expect-error one bad key among good ones
      defineCatalog({ 'a.b.c:1': z.object({}), 'a.b.C:1': z.object({}) });
    };
    void never;
  });
});

describe('what compiles', () => {
  it('lets a specific catalog stand where any catalog is expected', () => {
    const general: import('../../src/catalog/index.js').Catalog = authCatalog;
    expectTypeOf(general.list).toBeFunction();
  });

  it('types the payload from the schema and the returned event', () => {
    expectTypeOf<PayloadOf<typeof authCatalog.entries, 'auth.user.login:1'>>().toEqualTypeOf<{
      user_id: string;
      ip: string;
      method: 'password' | 'oauth';
      mfa: boolean;
    }>();
    const never = () => {
      const e = ev.emit('auth.user.login:1', login);
      expectTypeOf(e).toEqualTypeOf<
        import('../../src/envelope/event.js').FactlineEvent<PayloadOf<typeof authCatalog.entries, 'auth.user.login:1'>> | undefined
      >();
    };
    void never;
  });

  it("accepts the spec's valid EventIDs as catalog keys", () => {
    const c = defineCatalog({
      'auth.user.login:1': z.object({}),
      'payments.order.charged:2': z.object({}),
      'agent.code.generated:1': z.object({}),
      'user2.account_v2.reset:42': z.object({}),
      'a.b.c:1': z.object({}),
      'system.health.checked:999': z.object({}),
    });
    expectTypeOf(c.has).toBeFunction();
  });
});
