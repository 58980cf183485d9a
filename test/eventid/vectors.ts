/**
 * Test vectors shared by the parse, regex and JSON Schema suites: the spec's
 * own examples (EventID spec v1.0, "Examples"), then our edge cases.
 */
import type { EventId, EventIdErrorCode } from '../../src/eventid/index.js';

export interface ValidVector {
  readonly name: string;
  readonly input: string;
  readonly expected: EventId;
}

export interface InvalidVector {
  readonly name: string;
  readonly input: string;
  readonly code: EventIdErrorCode;
  readonly position: number;
}

const id = (domain: string, entity: string, action: string, version: number): EventId => ({
  domain,
  entity,
  action,
  version,
});

/** "Valid EventIDs", all six, with the spec's own labels. */
export const SPEC_VALID: readonly ValidVector[] = [
  { name: 'Basic format', input: 'auth.user.login:1', expected: id('auth', 'user', 'login', 1) },
  { name: 'Version 2', input: 'payments.order.charged:2', expected: id('payments', 'order', 'charged', 2) },
  { name: 'AI domain', input: 'agent.code.generated:1', expected: id('agent', 'code', 'generated', 1) },
  { name: 'Numbers & underscores', input: 'user2.account_v2.reset:42', expected: id('user2', 'account_v2', 'reset', 42) },
  { name: 'Minimum valid', input: 'a.b.c:1', expected: id('a', 'b', 'c', 1) },
  { name: 'Large version', input: 'system.health.checked:999', expected: id('system', 'health', 'checked', 999) },
];

/** "Invalid EventIDs", all six, with the spec's own labels. */
export const SPEC_INVALID: readonly InvalidVector[] = [
  { name: 'Uppercase not allowed', input: 'Auth.User.Login:1', code: 'uppercase', position: 0 },
  { name: 'Missing action', input: 'auth.user:1', code: 'missing_part', position: 9 },
  { name: 'Version must be >= 1', input: 'auth.user.login:0', code: 'version_zero', position: 16 },
  { name: 'No leading zeros', input: 'auth.user.login:01', code: 'version_leading_zero', position: 16 },
  { name: 'Must start with letter', input: '2auth.user.login:1', code: 'starts_with_digit', position: 0 },
  { name: 'Missing version', input: 'auth.user.login', code: 'missing_version', position: 15 },
];

const A64 = 'a'.repeat(64);

/** Valid edge cases of our own, including the spec's "Edge Cases & Guidelines". */
export const EDGE_VALID: readonly ValidVector[] = [
  {
    name: 'compound entity (spec edge case, option B)',
    input: 'account.billing_payment.processed:1',
    expected: id('account', 'billing_payment', 'processed', 1),
  },
  {
    name: 'compound action (spec edge case, option C)',
    input: 'account.billing.payment_processed:1',
    expected: id('account', 'billing', 'payment_processed', 1),
  },
  { name: 'trailing and doubled underscores', input: 'a_.b__c.d_9_:7', expected: id('a_', 'b__c', 'd_9_', 7) },
  { name: 'digits after the first letter', input: 'a1.b2.c3:10', expected: id('a1', 'b2', 'c3', 10) },
  { name: 'the largest version, 2147483647', input: 'auth.user.login:2147483647', expected: id('auth', 'user', 'login', 2147483647) },
  { name: 'three 64-character identifiers', input: `${A64}.${A64}.${A64}:1`, expected: id(A64, A64, A64, 1) },
  { name: 'a 1000-character identifier', input: `${'z'.repeat(1000)}.b.c:1`, expected: id('z'.repeat(1000), 'b', 'c', 1) },
];

/** Invalid edge cases of our own; the position is that of the first offending character. */
export const EDGE_INVALID: readonly InvalidVector[] = [
  { name: 'the empty string', input: '', code: 'empty', position: 0 },
  { name: 'a single space', input: ' ', code: 'invalid_character', position: 0 },
  { name: 'leading whitespace', input: ' auth.user.login:1', code: 'invalid_character', position: 0 },
  { name: 'trailing space', input: 'auth.user.login:1 ', code: 'invalid_character', position: 17 },
  { name: 'trailing newline', input: 'auth.user.login:1\n', code: 'invalid_character', position: 17 },
  { name: 'trailing NUL', input: 'auth.user.login:1\u0000', code: 'invalid_character', position: 17 },
  { name: 'space inside', input: 'auth .user.login:1', code: 'invalid_character', position: 4 },
  { name: "accented letter 'é' in the domain", input: 'café.user.login:1', code: 'invalid_character', position: 3 },
  { name: "accented letter 'é' in the entity", input: 'auth.usér.login:1', code: 'invalid_character', position: 7 },
  { name: "uppercase accented 'É' (not ASCII, so not 'uppercase')", input: 'Éauth.user.login:1', code: 'invalid_character', position: 0 },
  { name: 'emoji as an entity', input: 'auth.😀.login:1', code: 'invalid_character', position: 5 },
  { name: 'hyphen in the action', input: 'auth.user.log-in:1', code: 'invalid_character', position: 13 },
  { name: 'hyphen in the entity', input: 'auth.user-x.login:1', code: 'invalid_character', position: 9 },
  { name: "'/' as separator", input: 'auth/user/login:1', code: 'invalid_character', position: 4 },
  { name: 'uppercase inside the entity', input: 'auth.usEr.login:1', code: 'uppercase', position: 7 },
  { name: 'uppercase start of the action', input: 'auth.user.Login:1', code: 'uppercase', position: 10 },
  { name: 'underscore start of the domain', input: '_auth.user.login:1', code: 'starts_with_underscore', position: 0 },
  { name: 'underscore start of the entity', input: 'auth._user.login:1', code: 'starts_with_underscore', position: 5 },
  { name: 'digit start of the entity', input: 'auth.2user.login:1', code: 'starts_with_digit', position: 5 },
  { name: 'leading dot', input: '.auth.user.login:1', code: 'empty_part', position: 0 },
  { name: 'two dots in a row', input: 'auth..login:1', code: 'empty_part', position: 5 },
  { name: 'empty action before the colon', input: 'auth.user.:1', code: 'empty_part', position: 10 },
  { name: 'trailing dot after the entity', input: 'auth.', code: 'empty_part', position: 5 },
  { name: 'only a version', input: ':1', code: 'empty_part', position: 0 },
  { name: 'trailing dot after the action', input: 'auth.user.login.:1', code: 'too_many_parts', position: 15 },
  { name: 'four parts (spec edge case, option A)', input: 'account.billing.payment.processed:1', code: 'too_many_parts', position: 23 },
  { name: 'four parts', input: 'auth.user.login.x:1', code: 'too_many_parts', position: 15 },
  { name: 'a single identifier', input: 'auth', code: 'missing_part', position: 4 },
  { name: 'domain and version only', input: 'auth:1', code: 'missing_part', position: 4 },
  { name: 'colon with nothing after it', input: 'auth.user.login:', code: 'missing_version', position: 16 },
  { name: 'two colons', input: 'auth.user.login::1', code: 'version_not_integer', position: 16 },
  { name: 'a second version', input: 'auth.user.login:1:2', code: 'version_not_integer', position: 17 },
  { name: 'plus sign', input: 'auth.user.login:+1', code: 'invalid_character', position: 16 },
  { name: 'minus sign', input: 'auth.user.login:-1', code: 'version_negative', position: 16 },
  { name: 'decimal version 1.0', input: 'auth.user.login:1.0', code: 'version_not_integer', position: 17 },
  { name: 'exponent version 1e3', input: 'auth.user.login:1e3', code: 'version_not_integer', position: 17 },
  { name: 'hexadecimal version 0x1', input: 'auth.user.login:0x1', code: 'version_not_integer', position: 17 },
  { name: 'version 0.5', input: 'auth.user.login:0.5', code: 'version_not_integer', position: 17 },
  { name: 'version v1', input: 'auth.user.login:v1', code: 'version_not_integer', position: 16 },
  { name: "Arabic-Indic digit '١'", input: 'auth.user.login:١', code: 'invalid_character', position: 16 },
  { name: 'version 00', input: 'auth.user.login:00', code: 'version_leading_zero', position: 16 },
  { name: 'version 2147483648, one above the 32-bit limit', input: 'auth.user.login:2147483648', code: 'version_too_large', position: 16 },
  { name: 'version 9999999999 (ten digits)', input: 'a.b.c:9999999999', code: 'version_too_large', position: 6 },
  { name: 'a 400-digit version', input: `a.b.c:${'9'.repeat(400)}`, code: 'version_too_large', position: 6 },
  { name: 'uppercase after a 1000-character identifier', input: `${'a'.repeat(1000)}.B.c:1`, code: 'uppercase', position: 1001 },
];

export const ALL_VALID: readonly ValidVector[] = [...SPEC_VALID, ...EDGE_VALID];
export const ALL_INVALID: readonly InvalidVector[] = [...SPEC_INVALID, ...EDGE_INVALID];
