import { describe, expect, it } from 'vitest';
import { EventIdError, formatEventId, parseEventId, type EventId, type EventIdProblem } from '../../src/eventid/index.js';
import { ALL_VALID } from './vectors.js';

const base: EventId = { domain: 'a', entity: 'b', action: 'c', version: 1 };

function formatProblem(id: unknown): EventIdProblem {
  try {
    formatEventId(id as EventId);
  } catch (e) {
    if (e instanceof EventIdError) return e.toProblem();
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(id)} to be rejected`);
}

describe('formatEventId', () => {
  it.each(ALL_VALID)('formats $name back to its string', ({ input, expected }) => {
    expect(formatEventId(expected)).toBe(input);
    expect(parseEventId(formatEventId(expected))).toEqual(expected);
  });

  it.each([
    ['an uppercase domain', { ...base, domain: 'Auth' }, 'uppercase', 0],
    ['an uppercase letter in the entity', { ...base, entity: 'bB' }, 'uppercase', 3],
    ['a dot inside the domain', { ...base, domain: 'auth.user' }, 'invalid_character', 4],
    ['a colon inside the action', { ...base, action: 'log:in' }, 'invalid_character', 7],
    ['an action that starts with a dot', { ...base, action: '.x' }, 'invalid_character', 4],
    ['an empty entity', { ...base, entity: '' }, 'empty_part', 2],
    ['an entity starting with _', { ...base, entity: '_b' }, 'starts_with_underscore', 2],
    ['a domain starting with a digit', { ...base, domain: '2a' }, 'starts_with_digit', 0],
    ['a hyphen in the action', { ...base, action: 'log-in' }, 'invalid_character', 7],
    ['version 0', { ...base, version: 0 }, 'version_zero', 6],
    ['version -1', { ...base, version: -1 }, 'version_negative', 6],
    ['version 1.5', { ...base, version: 1.5 }, 'version_not_integer', 7],
    ['version NaN', { ...base, version: Number.NaN }, 'version_not_integer', 6],
    ['version Infinity', { ...base, version: Number.POSITIVE_INFINITY }, 'version_not_integer', 6],
    ['version 2147483648', { ...base, version: 2147483648 }, 'version_too_large', 6],
    ['version 1e21', { ...base, version: 1e21 }, 'version_too_large', 6],
  ] as const)('rejects %s with code %s at position %i of the formatted string', (_, id, code, position) => {
    expect(formatProblem(id)).toMatchObject({ code, position });
  });

  it('reports positions in the formatted string, which is the problem input', () => {
    const problem = formatProblem({ domain: 'auth', entity: 'User', action: 'login', version: 1 });
    expect(problem).toMatchObject({ code: 'uppercase', position: 5, input: 'auth.User.login:1' });
    expect(problem.message).toBe(
      `Invalid EventID "auth.User.login:1": uppercase letter 'U' at position 5; identifiers are lowercase (docs/eventid.md, rule 1)`,
    );
  });

  it('accepts the largest version 2147483647', () => {
    expect(formatEventId({ ...base, version: 2147483647 })).toBe('a.b.c:2147483647');
  });

  it('accepts 1.0, which is the number 1 in JavaScript', () => {
    expect(formatEventId({ ...base, version: 1.0 })).toBe('a.b.c:1');
  });

  it('rejects a version given as a string, naming its type', () => {
    const problem = formatProblem({ ...base, version: '1' });
    expect(problem).toMatchObject({ code: 'version_not_integer', position: 6 });
    expect(problem.message).toContain('the version at position 6 must be a number, received string "1"');
  });

  it('rejects a part that is not a string with not_a_string', () => {
    expect(formatProblem({ ...base, entity: 42 })).toMatchObject({ code: 'not_a_string', position: 2 });
    expect(formatProblem({ ...base, domain: undefined }).message).toContain('the domain at position 0 must be a string, received undefined');
  });

  it('rejects null with an EventIdError rather than a TypeError', () => {
    expect(formatProblem(null)).toMatchObject({ code: 'not_a_string', position: 0 });
  });

  it('ignores extra properties, like the spec reference', () => {
    expect(formatEventId({ ...base, extra: true } as EventId)).toBe('a.b.c:1');
  });
});
