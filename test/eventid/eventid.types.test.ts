/**
 * Type tests: what must not compile. `npm test` runs `tsc --noEmit` over test/
 * first, so every `@ts-expect-error` below must really be an error, and every
 * line without one must compile.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type EVENT_ID_ERROR_CODES,
  eventId,
  isEventId,
  parseEventId,
  safeParseEventId,
  type EventId,
  type EventIdCheck,
  type EventIdErrorCode,
  type EventIdProblem,
  type EventIdString,
  type EventIdTypeError,
  type EventName,
  type EventVersion,
  type ValidEventId,
} from '../../src/eventid/index.js';

/** The constraint shape from the brief, as a user would write it. */
function intersected<S extends string>(id: S & ValidEventId<S>): S {
  return id;
}

describe('eventId() at compile time', () => {
  it('accepts all six valid spec examples and keeps their literal types', () => {
    expectTypeOf(eventId('auth.user.login:1')).toEqualTypeOf<'auth.user.login:1'>();
    expectTypeOf(eventId('payments.order.charged:2')).toEqualTypeOf<'payments.order.charged:2'>();
    expectTypeOf(eventId('agent.code.generated:1')).toEqualTypeOf<'agent.code.generated:1'>();
    expectTypeOf(eventId('user2.account_v2.reset:42')).toEqualTypeOf<'user2.account_v2.reset:42'>();
    expectTypeOf(eventId('a.b.c:1')).toEqualTypeOf<'a.b.c:1'>();
    expectTypeOf(eventId('system.health.checked:999')).toEqualTypeOf<'system.health.checked:999'>();
  });

  it('accepts the edge cases the runtime accepts', () => {
    expectTypeOf(eventId('account.billing_payment.processed:1')).toEqualTypeOf<'account.billing_payment.processed:1'>();
    expectTypeOf(eventId('a_.b__c.d_9_:7')).toEqualTypeOf<'a_.b__c.d_9_:7'>();
    expectTypeOf(eventId('auth.user.login:2147483647')).toEqualTypeOf<'auth.user.login:2147483647'>();
    expectTypeOf(eventId('auth.user.login:1999999999')).toEqualTypeOf<'auth.user.login:1999999999'>();
  });

  it('rejects each invalid id at compile time and at run time', () => {
    // @ts-expect-error uppercase (rule 1)
    expect(() => eventId('Auth.user.login:1')).toThrow(/rule 1/);
    // @ts-expect-error uppercase (spec example)
    expect(() => eventId('Auth.User.Login:1')).toThrow(/rule 1/);
    // @ts-expect-error missing action
    expect(() => eventId('auth.user:1')).toThrow(/action is missing/);
    // @ts-expect-error version 0 (rule 3)
    expect(() => eventId('auth.user.login:0')).toThrow(/rule 3/);
    // @ts-expect-error leading zero (rule 4)
    expect(() => eventId('auth.user.login:01')).toThrow(/rule 4/);
    // @ts-expect-error starts with a digit (rule 2)
    expect(() => eventId('2auth.user.login:1')).toThrow(/rule 2/);
    // @ts-expect-error missing version
    expect(() => eventId('auth.user.login')).toThrow(/version is missing/);
    // @ts-expect-error four parts
    expect(() => eventId('auth.user.login.x:1')).toThrow(/fourth part/);
    // @ts-expect-error starts with an underscore (rule 5)
    expect(() => eventId('auth._user.login:1')).toThrow(/rules 2 and 5/);
    // @ts-expect-error hyphen
    expect(() => eventId('auth.user.log-in:1')).toThrow(/character '-'/);
    // @ts-expect-error above the 32-bit limit
    expect(() => eventId('auth.user.login:2147483648')).toThrow(/exceeds 2147483647/);
    // @ts-expect-error empty
    expect(() => eventId('')).toThrow(/empty/);
    // @ts-expect-error 1e3
    expect(() => eventId('auth.user.login:1e3')).toThrow(/not a digit/);
    // @ts-expect-error trailing newline
    expect(() => eventId('auth.user.login:1\n')).toThrow(/is not allowed in the version/);
  });

  it('rejects a plain string, which must be checked with parseEventId instead', () => {
    const dynamic: string = 'auth.user.login:1';
    // @ts-expect-error not a literal
    expect(eventId(dynamic)).toBe('auth.user.login:1');
  });

  it('names the rule in the compile error', () => {
    expectTypeOf<
      Parameters<typeof eventId<'auth.user.login:01'>>[0]
    >().toEqualTypeOf<'Invalid EventID "auth.user.login:01" [version_leading_zero]: no leading zeros in the version (docs/eventid.md, rule 4)'>();
  });
});

describe('the S & ValidEventId<S> constraint shape', () => {
  it('accepts valid ids', () => {
    expectTypeOf(intersected('auth.user.login:1')).toEqualTypeOf<'auth.user.login:1'>();
    expectTypeOf(intersected('user2.account_v2.reset:42')).toEqualTypeOf<'user2.account_v2.reset:42'>();
  });

  it('rejects the invalid ids of the brief', () => {
    // @ts-expect-error uppercase
    intersected('Auth.user.login:1');
    // @ts-expect-error missing action
    intersected('auth.user:1');
    // @ts-expect-error version 0
    intersected('auth.user.login:0');
    // @ts-expect-error leading zero
    intersected('auth.user.login:01');
    // @ts-expect-error starts with a digit
    intersected('2auth.user.login:1');
    // @ts-expect-error missing version
    intersected('auth.user.login');
    // @ts-expect-error four parts
    intersected('auth.user.login.x:1');
    // @ts-expect-error underscore start
    intersected('auth._user.login:1');
    // @ts-expect-error hyphen
    intersected('auth.user.log-in:1');
    expect(true).toBe(true);
  });
});

describe('ValidEventId<S>', () => {
  it('resolves to S for a valid id', () => {
    expectTypeOf<ValidEventId<'auth.user.login:1'>>().toEqualTypeOf<'auth.user.login:1'>();
  });

  it('resolves to an error message literal for an invalid id', () => {
    expectTypeOf<ValidEventId<'auth.user:1'>>().toEqualTypeOf<EventIdTypeError<'auth.user:1', 'missing_part'>>();
    expectTypeOf<
      ValidEventId<'Auth.user.login:1'>
    >().toEqualTypeOf<'Invalid EventID "Auth.user.login:1" [uppercase]: identifiers are lowercase (docs/eventid.md, rule 1)'>();
  });

  it('asks for a literal when given string', () => {
    expectTypeOf<ValidEventId<string>>().toEqualTypeOf<'EventID must be a string literal here; check runtime strings with parseEventId'>();
  });

  it('distributes over a union', () => {
    expectTypeOf<ValidEventId<'a.b.c:1' | 'a.b.c:0'>>().toEqualTypeOf<'a.b.c:1' | EventIdTypeError<'a.b.c:0', 'version_zero'>>();
  });

  it('handles three 64-character identifiers within the recursion limit', () => {
    type A64 = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    type Long = `${A64}.${A64}.${A64}:2147483647`;
    expectTypeOf<ValidEventId<Long>>().toEqualTypeOf<Long>();
    expectTypeOf<EventIdCheck<`${A64}.${A64}.${A64}x:1`>>().toEqualTypeOf<true>();
    expectTypeOf<EventIdCheck<`${A64}.${A64}.${A64}X:1`>>().toEqualTypeOf<'uppercase'>();
  });

  it('rejects a template literal type that is not a single literal', () => {
    expectTypeOf<EventIdCheck<`auth.${string}.login:1`>>().not.toEqualTypeOf<true>();
  });
});

/**
 * The type-level scanner must find the same code as the runtime scanner. Each
 * row is checked both ways: by the mapped type below and by the runtime test.
 */
const TYPE_VECTORS = [
  ['auth.user.login:1', true],
  ['a.b.c:1', true],
  ['auth.user.login:2147483647', true],
  ['auth.user.login:999999999', true],
  ['Auth.User.Login:1', 'uppercase'],
  ['auth.usEr.login:1', 'uppercase'],
  ['auth.user:1', 'missing_part'],
  ['auth', 'missing_part'],
  ['auth:1', 'missing_part'],
  ['auth.user.login:0', 'version_zero'],
  ['auth.user.login:01', 'version_leading_zero'],
  ['auth.user.login:00', 'version_leading_zero'],
  ['2auth.user.login:1', 'starts_with_digit'],
  ['auth.2user.login:1', 'starts_with_digit'],
  ['auth.user.login', 'missing_version'],
  ['auth.user.login:', 'missing_version'],
  ['', 'empty'],
  [' ', 'invalid_character'],
  ['café.user.login:1', 'invalid_character'],
  ['auth.😀.login:1', 'invalid_character'],
  ['auth.user.log-in:1', 'invalid_character'],
  ['_auth.user.login:1', 'starts_with_underscore'],
  ['auth._user.login:1', 'starts_with_underscore'],
  ['.auth.user.login:1', 'empty_part'],
  ['auth..login:1', 'empty_part'],
  ['auth.user.:1', 'empty_part'],
  ['auth.', 'empty_part'],
  [':1', 'empty_part'],
  ['auth.user.login.:1', 'too_many_parts'],
  ['auth.user.login.x:1', 'too_many_parts'],
  ['auth.user.login::1', 'version_not_integer'],
  ['auth.user.login:1:2', 'version_not_integer'],
  ['auth.user.login:+1', 'invalid_character'],
  ['auth.user.login:1.0', 'version_not_integer'],
  ['auth.user.login:1e3', 'version_not_integer'],
  ['auth.user.login:0.5', 'version_not_integer'],
  ['auth.user.login:1\n', 'invalid_character'],
  ['auth.user.login:1 ', 'invalid_character'],
  ['auth.user.login:1\t', 'invalid_character'],
  ['auth.user.login:1\r', 'invalid_character'],
  ['auth.user.login:1\u0000', 'invalid_character'],
  ['auth.user.login:1\u00a0', 'invalid_character'],
  ['auth.user.login:1\u2028', 'invalid_character'],
  ['auth.user.login: 1', 'invalid_character'],
  ['auth.user.login:0 ', 'invalid_character'],
  ['auth.user.login:1-2', 'invalid_character'],
  ['auth.user.login:1é', 'invalid_character'],
  ['auth.user.login:1A', 'version_not_integer'],
  ['auth.user.login:1_', 'version_not_integer'],
  ['auth.user.login:v1', 'version_not_integer'],
  ['auth.user.login:0x1', 'version_not_integer'],
  ['auth.user.login:-1', 'version_negative'],
  ['auth.user.login:2147483648', 'version_too_large'],
  ['auth.user.login:3000000000', 'version_too_large'],
  ['auth.user.login:10000000000', 'version_too_large'],
] as const satisfies readonly (readonly [string, true | EventIdErrorCode])[];

type Mismatch<Row> = Row extends readonly [infer Input extends string, infer Code]
  ? [EventIdCheck<Input>] extends [Code]
    ? [Code] extends [EventIdCheck<Input>]
      ? never
      : Row
    : Row
  : never;
/** Distributes over the rows; any row whose code differs survives. */
type Mismatches = Mismatch<(typeof TYPE_VECTORS)[number]>;

describe('EventIdCheck<S>', () => {
  it('finds the same code as the runtime scanner on every vector (type side)', () => {
    expectTypeOf<Mismatches>().toEqualTypeOf<never>();
  });

  it.each(TYPE_VECTORS)('finds the same code as the runtime scanner for %j (runtime side)', (input, expected) => {
    const result = safeParseEventId(input);
    expect(result.ok ? true : result.error.code).toBe(expected);
  });
});

describe('EventName<S> and EventVersion<S>', () => {
  it('extract the name and the version of a valid id', () => {
    expectTypeOf<EventName<'auth.user.login:2'>>().toEqualTypeOf<'auth.user.login'>();
    expectTypeOf<EventVersion<'auth.user.login:42'>>().toEqualTypeOf<42>();
    expectTypeOf<EventVersion<'a.b.c:2147483647'>>().toEqualTypeOf<2147483647>();
  });

  it('are never for an invalid id', () => {
    expectTypeOf<EventName<'Auth.user.login:2'>>().toBeNever();
    expectTypeOf<EventVersion<'auth.user.login:01'>>().toBeNever();
  });
});

describe('runtime signatures', () => {
  it('narrows unknown to EventIdString with isEventId', () => {
    const value: unknown = 'auth.user.login:1';
    if (isEventId(value)) expectTypeOf(value).toEqualTypeOf<EventIdString>();
    expect(isEventId(value)).toBe(true);
  });

  it('accepts a valid literal as an EventIdString and rejects one without a version', () => {
    expectTypeOf<'auth.user.login:1'>().toExtend<EventIdString>();
    expectTypeOf<'auth.user.login'>().not.toExtend<EventIdString>();
  });

  it('returns an EventId from parseEventId and a discriminated union from safeParseEventId', () => {
    expectTypeOf(parseEventId).returns.toEqualTypeOf<EventId>();
    const result = safeParseEventId('a.b.c:1');
    if (result.ok) expectTypeOf(result.value).toEqualTypeOf<EventId>();
    else expectTypeOf(result.error).toEqualTypeOf<EventIdProblem>();
    expect(result.ok).toBe(true);
  });

  it('lists every error code in EVENT_ID_ERROR_CODES', () => {
    expectTypeOf<(typeof EVENT_ID_ERROR_CODES)[number]>().toEqualTypeOf<EventIdErrorCode>();
  });
});
