import { describe, expect, it } from 'vitest';
import {
  EVENT_ID_ERROR_CODES,
  EVENT_ID_PATTERN,
  EventIdError,
  MAX_EVENT_ID_VERSION,
  isEventId,
  parseEventId,
  safeParseEventId,
  type EventIdProblem,
} from '../../src/eventid/index.js';
import { ALL_INVALID, EDGE_INVALID, EDGE_VALID } from './vectors.js';

function problemOf(input: unknown): EventIdProblem {
  const result = safeParseEventId(input);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be invalid`);
  return result.error;
}

describe('parseEventId', () => {
  it.each(EDGE_VALID)('accepts $name', ({ input, expected }) => {
    expect(parseEventId(input)).toEqual(expected);
    expect(isEventId(input)).toBe(true);
  });

  it.each(EDGE_INVALID)('rejects $name with code $code at position $position', ({ input, code, position }) => {
    expect(problemOf(input)).toMatchObject({ code, position, input });
    expect(isEventId(input)).toBe(false);
  });

  it('throws an EventIdError that carries the code, position and input', () => {
    let thrown: unknown;
    try {
      parseEventId('auth.user.login:0');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(EventIdError);
    expect(thrown).toBeInstanceOf(Error);
    const error = thrown as EventIdError;
    expect(error.name).toBe('EventIdError');
    expect(String(error)).toMatch(/^EventIdError: Invalid EventID "auth.user.login:0"/);
    expect(error).toMatchObject({ code: 'version_zero', position: 16, input: 'auth.user.login:0' });
    expect(error.toProblem()).toEqual(problemOf('auth.user.login:0'));
  });

  it('names the rule and the position in the message, as in the spec rule 1 example', () => {
    expect(() => parseEventId('Auth.user.login:1')).toThrow(
      `Invalid EventID "Auth.user.login:1": uppercase letter 'A' at position 0; identifiers are lowercase (docs/eventid.md, rule 1)`,
    );
  });

  it.each([
    ['auth.user:1', /the action is missing at position 9 \(found ':'\).*rule 6/],
    ['auth', /the entity is missing at position 4 \(found end of input\)/],
    ['auth.user.login:01', /leading zero at position 16 .*rule 4/],
    ['auth.user.login:0', /version 0 at position 16; versions start at 1 \(docs\/eventid\.md, rule 3\)/],
    ['auth.user.login:-1', /sign '-' at position 16.*rule 3/],
    ['2auth.user.login:1', /the domain starts with digit '2' at position 0.*rule 2/],
    ['auth._user.login:1', /the entity starts with underscore at position 5.*rules 2 and 5/],
    ['auth.user.log-in:1', /character '-' at position 13 is not allowed in the action/],
    ['auth.user.login:1\n', /character '\\n' at position 17 is not allowed in the version; the version is a positive integer written with 0-9 only/],
    ['auth.user.login:1x', /character 'x' at position 17 is not a digit/],
    ['auth.user.login.x:1', /unexpected fourth part at position 15/],
    ['auth..login:1', /the entity is empty at position 5.*rule 6/],
    ['auth.user.login', /the version is missing at position 15/],
    ['', /^Invalid EventID "": the input is empty.*rule 6/],
  ])('explains %j in its message', (input, message) => {
    expect(problemOf(input).message).toMatch(message);
  });

  it('gives version_too_large its own message naming the 32-bit limit', () => {
    expect(problemOf('auth.user.login:2147483648').message).toBe(
      'Invalid EventID "auth.user.login:2147483648": version 2147483648 at position 16 exceeds 2147483647; ' +
        'the grammar sets no bound, but factline caps the version at a 32-bit signed integer, what common storage types hold ' +
        '(docs/eventid.md, the version bound)',
    );
  });

  it('accepts the largest version and rejects the next one', () => {
    expect(MAX_EVENT_ID_VERSION).toBe(2 ** 31 - 1);
    expect(parseEventId(`a.b.c:${MAX_EVENT_ID_VERSION}`).version).toBe(2147483647);
    expect(problemOf(`a.b.c:${MAX_EVENT_ID_VERSION + 1}`).code).toBe('version_too_large');
  });

  it('shortens a very long input inside the message but keeps it whole in input', () => {
    const input = `${'a'.repeat(500)}.b.C:1`;
    const problem = problemOf(input);
    expect(problem.input).toBe(input);
    expect(problem.message).toContain('…" (506 chars)');
    expect(problem.message.length).toBeLessThan(300);
  });

  it('counts positions in UTF-16 code units, like string indexing', () => {
    // '😀' is two code units, so the '-' after it is at index 7, not 6.
    const input = 'auth.u😀-.login:1';
    const problem = problemOf(input);
    expect(problem).toMatchObject({ code: 'invalid_character', position: 6 });
    expect(problem.message).toContain("character '😀' at position 6");
  });

  it('reports a value that is not a string as not_a_string, without throwing', () => {
    expect(problemOf(42)).toMatchObject({ code: 'not_a_string', position: 0, input: '42 (number)' });
    expect(problemOf(undefined)).toMatchObject({ code: 'not_a_string', input: 'undefined' });
    expect(problemOf(null)).toMatchObject({ code: 'not_a_string', input: 'null' });
    expect(problemOf(Symbol('x'))).toMatchObject({ code: 'not_a_string', input: 'Symbol(x) (symbol)' });
    expect(problemOf({ toString: () => 'a.b.c:1' })).toMatchObject({ code: 'not_a_string', input: 'an object' });
    expect(problemOf(['a.b.c:1']).message).toBe('Invalid EventID: the EventID must be a string, received an array');
  });

  it('throws not_a_string from parseEventId when plain JavaScript passes a non-string', () => {
    expect(() => parseEventId(1 as unknown as string)).toThrow(EventIdError);
    expect(() => parseEventId(1 as unknown as string)).toThrow(/must be a string, received 1 \(number\)/);
  });

  it('returns problems that survive a JSON round trip unchanged', () => {
    const problem = problemOf('auth.user.login:01');
    expect(JSON.parse(JSON.stringify(problem))).toEqual(problem);
  });

  it('returns a fresh object on every parse', () => {
    expect(parseEventId('a.b.c:1')).not.toBe(parseEventId('a.b.c:1'));
  });

  it('only ever reports codes from EVENT_ID_ERROR_CODES, and the vectors cover every code', () => {
    const seen = new Set(ALL_INVALID.map((v) => v.code));
    seen.add('not_a_string');
    expect([...seen].sort()).toEqual([...EVENT_ID_ERROR_CODES].sort());
  });

  it('keeps the list of error codes stable', () => {
    expect(EVENT_ID_ERROR_CODES).toEqual([
      'not_a_string',
      'empty',
      'uppercase',
      'starts_with_digit',
      'starts_with_underscore',
      'invalid_character',
      'missing_part',
      'too_many_parts',
      'empty_part',
      'missing_version',
      'version_zero',
      'version_leading_zero',
      'version_negative',
      'version_not_integer',
      'version_too_large',
    ]);
  });
});

describe('EVENT_ID_PATTERN', () => {
  it('is the regular expression of the spec, verbatim', () => {
    expect(EVENT_ID_PATTERN.source).toBe('^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*:[1-9][0-9]*$');
    expect(EVENT_ID_PATTERN.flags).toBe('');
  });

  it.each(ALL_INVALID)('agrees with the scanner on $name', ({ input, code }) => {
    // The regex has no upper bound on the version; that is the one place they differ.
    expect(EVENT_ID_PATTERN.test(input)).toBe(code === 'version_too_large');
  });

  it.each(EDGE_VALID)('accepts $name like the scanner', ({ input }) => {
    expect(EVENT_ID_PATTERN.test(input)).toBe(true);
  });
});
