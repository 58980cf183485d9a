import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventIdError, PATTERN_CACHE_SIZE, compilePattern, matchesPattern, safeParseEventId, type EventId } from '../../src/eventid/index.js';
import { BoundedCache } from '../../src/eventid/bounded-cache.js';
import { cachedPattern, patternIssue } from '../../src/eventid/pattern.js';
import { eventIdPatternHint } from '../../src/eventid/pattern-hint.js';
import { eventIdString } from './arbitraries.js';
import { PROPERTY_TEST_TIMEOUT_MS } from '../support/timeouts.js';

const login: EventId = { domain: 'auth', entity: 'user', action: 'login', version: 1 };

describe('compilePattern', () => {
  it.each([
    ['%.failed:%', 'agent.test.failed:1', true],
    ['%.failed:%', 'agent.iteration.failed:12', true],
    ['%.failed:%', 'agent.test.passed:1', false],
    ['%.failed:%', 'agent.test.failed_twice:1', false],
    ['auth.%', 'auth.user.login:1', true],
    ['auth.%', 'authz.user.login:1', false],
    ['auth.%', 'xauth.user.login:1', false],
    ['%:1', 'a.b.c:1', true],
    ['%:1', 'a.b.c:11', false],
    ['%:1', 'a.b.c:21', false],
    ['%', 'auth.user.login:1', true],
    ['%', '', true],
    ['%%', 'auth.user.login:1', true],
    ['%%', '', true],
    ['', '', true],
    ['', 'auth.user.login:1', false],
    ['auth.user.login:1', 'auth.user.login:1', true],
    ['auth.user.login:1', 'auth.user.login:10', false],
    ['auth.%.login:%', 'auth.user.login:3', true],
    ['auth.%.login:%', 'auth.user.logout:3', false],
  ])('%j matches %j: %s', (pattern, id, expected) => {
    expect(compilePattern(pattern).test(id)).toBe(expected);
  });

  it('treats * as a literal star, unlike the spec reference TypeScript where it is a quantifier', () => {
    const star = compilePattern('auth.user*.login:1');
    expect(star.test('auth.userrrr.login:1')).toBe(false);
    expect(star.test('auth.use.login:1')).toBe(false);
    expect(star.test('auth.user*.login:1')).toBe(true);
  });

  it('does not read auth.* as "auth. then anything"', () => {
    const pattern = compilePattern('auth.*');
    expect(pattern.test('auth.user.login:1')).toBe(false);
    // The reference's regex 'auth\.*' would match these two:
    expect(pattern.test('auth')).toBe(false);
    expect(pattern.test('auth..')).toBe(false);
    expect(pattern.test('auth.*')).toBe(true);
  });

  it('treats _ as a literal underscore, unlike SQL LIKE where it matches any one character', () => {
    expect(compilePattern('a_c.%').test('abc.x.y:1')).toBe(false);
    expect(compilePattern('a_c.%').test('a_c.x.y:1')).toBe(true);
    expect(compilePattern('account.billing_payment.%').test('account.billing_payment.processed:1')).toBe(true);
  });

  it('treats . as a literal dot', () => {
    expect(compilePattern('a.b.c:%').test('aXb.c:1')).toBe(false);
  });

  it.each([...'.?+*()[]{}^$|\\/-'])('treats %j as a literal character', (c) => {
    const pattern = compilePattern(`a${c}b%`);
    expect(pattern.test(`a${c}b`)).toBe(true);
    expect(pattern.test(`a${c}b.x.y:1`)).toBe(true);
    expect(pattern.test('aXb')).toBe(false);
    expect(pattern.test('ab')).toBe(false);
    expect(pattern.test(`a${c}${c}b`)).toBe(false);
  });

  it.each([
    ['a[bc]d', 'abd'],
    ['a(b|c)d', 'abd'],
    ['^a$', 'a'],
    ['\\d', '1'],
    ['a{2}', 'aa'],
    ['a+', 'aaa'],
    ['a?', ''],
  ])('does not give %j its RegExp meaning', (pattern, text) => {
    expect(compilePattern(pattern).test(text)).toBe(false);
    expect(compilePattern(pattern).test(pattern)).toBe(true);
  });

  it('matches Unicode text literally and lets % span any characters, astral ones included', () => {
    expect(compilePattern('café.%').test('café.user.login:1')).toBe(true);
    expect(compilePattern('café.%').test('cafe.user.login:1')).toBe(false);
    expect(compilePattern('caf%').test('café')).toBe(true);
    expect(compilePattern('%😀%').test('a😀b')).toBe(true);
    expect(compilePattern('%').test('😀')).toBe(true);
    expect(compilePattern('a%b').test('a😀b')).toBe(true);
    expect(compilePattern('%').test('line\nbreak')).toBe(true);
    expect(compilePattern('a%b').test('a\n\u2028b')).toBe(true);
  });

  it('matches strings as text, whether or not they are valid EventIDs', () => {
    expect(compilePattern('Auth.%').test('Auth.User')).toBe(true);
  });

  it('formats an EventId object before matching it', () => {
    expect(compilePattern('auth.%').test(login)).toBe(true);
    expect(compilePattern('%:2').test(login)).toBe(false);
  });

  it('throws EventIdError for an invalid EventId object', () => {
    expect(() => compilePattern('%').test({ ...login, version: 0 })).toThrow(EventIdError);
  });

  it('keeps the pattern it was given as source', () => {
    expect(compilePattern('%.failed:%').source).toBe('%.failed:%');
  });

  it(
    'matches any string without % only against itself (property)',
    () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (p, other) => {
          const pattern = p.replaceAll('%', '');
          const compiled = compilePattern(pattern);
          expect(compiled.test(pattern)).toBe(true);
          expect(compiled.test(other)).toBe(other === pattern);
        }),
      );
      // A budget, not a measurement: a hundred fresh patterns on a loaded
      // machine can outlast vitest's 5 s default.
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'reads prefix% as startsWith and %suffix as endsWith (property)',
    () => {
      const text = fc.string({ unit: fc.constantFrom('a', 'b', '.', ':', '1', '*', '_', '\\', '😀') });
      fc.assert(
        fc.property(text, text, (affix, subject) => {
          expect(compilePattern(`${affix}%`).test(subject)).toBe(subject.startsWith(affix));
          expect(compilePattern(`%${affix}`).test(subject)).toBe(subject.endsWith(affix));
          expect(compilePattern(`%${affix}%`).test(subject)).toBe(subject.includes(affix));
        }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'matches a string in which any slice is replaced by % (property)',
    () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), fc.nat(), fc.nat(), (s, i, j) => {
          const source = s.replaceAll('%', '');
          const [from, to] = [i % (source.length + 1), j % (source.length + 1)].sort((x, y) => x - y) as [number, number];
          expect(compilePattern(`${source.slice(0, from)}%${source.slice(to)}`).test(source)).toBe(true);
        }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});

describe('matchesPattern', () => {
  it('accepts a string or an EventId', () => {
    expect(matchesPattern('auth.user.login:1', 'auth.%')).toBe(true);
    expect(matchesPattern(login, 'auth.%')).toBe(true);
    expect(matchesPattern(login, 'payments.%')).toBe(false);
  });

  it('compiles each pattern once and reuses it', () => {
    expect(cachedPattern('%.cached_once:%')).toBe(cachedPattern('%.cached_once:%'));
  });

  it(`keeps at most ${PATTERN_CACHE_SIZE} compiled patterns, evicting the least recently used`, () => {
    const first = cachedPattern('evict.me.%');
    for (let i = 0; i < PATTERN_CACHE_SIZE; i++) matchesPattern('x', `filler.${i}.%`);
    expect(cachedPattern('evict.me.%')).not.toBe(first);
    expect(matchesPattern('evict.me.now:1', 'evict.me.%')).toBe(true);
  });
});

describe('BoundedCache', () => {
  it('evicts the oldest entry when full', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.getOrCreate('a', () => 1);
    cache.getOrCreate('b', () => 2);
    cache.getOrCreate('c', () => 3);
    expect(cache.has('a')).toBe(false);
    expect(cache.has('b')).toBe(true);
    expect(cache.size).toBe(2);
  });

  it('counts a read as use, so a recently read entry survives', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.getOrCreate('a', () => 1);
    cache.getOrCreate('b', () => 2);
    cache.getOrCreate('a', () => 99);
    cache.getOrCreate('c', () => 3);
    expect(cache.has('a')).toBe(true);
    expect(cache.has('b')).toBe(false);
  });

  it('creates a value once per key while it stays cached', () => {
    const cache = new BoundedCache<string, object>(4);
    let created = 0;
    const make = () => ({ n: ++created });
    const value = cache.getOrCreate('k', make);
    expect(cache.getOrCreate('k', make)).toBe(value);
    expect(created).toBe(1);
  });

  it('can be cleared', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.getOrCreate('a', () => 1);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('rejects a capacity below one', () => {
    expect(() => new BoundedCache(0)).toThrow(RangeError);
    expect(() => new BoundedCache(1.5)).toThrow(/positive integer/);
  });
});

describe('patternIssue: a % pattern that can match no EventID names the rule it breaks', () => {
  it.each([
    ['A.b.c:1', 'uppercase', 0],
    ['a.b.c:0', 'version_zero', 6],
    ['a.b.c:01', 'version_leading_zero', 6],
    ['a.b.c:x', 'version_not_integer', 6],
    ['a.b.c:-1', 'version_negative', 6],
    ['a.b-c.d:1', 'invalid_character', 3],
    ['a.b.c', 'missing_version', 5],
    ['a.b', 'missing_part', 3],
    ['', 'empty', 0],
    ['%A%', 'uppercase', 1],
    ['%.x-y:%', 'invalid_character', 3],
    ['a.b.c:0%', 'version_zero', 6],
    ['%:0', 'version_zero', 2],
    ['a.b.c.d:%', 'too_many_parts', 5],
    ['a._b.c:%', 'starts_with_underscore', 2],
    ['a.1b.%', 'starts_with_digit', 2],
    ['a.b.c:%x', 'version_not_integer', 7],
    ['a.b.c:1%.', 'version_not_integer', 8],
  ])('%s: %s at %d', (pattern, code, position) => {
    expect(patternIssue(pattern)).toMatchObject({ code, position });
  });

  it.each(['%', '%.failed:%', 'auth.%', '%:2', '%0', '%_%', 'a%:1', 'contract.assertion.%:1', 'a.b.c:1', '%.%.%:%', '%9'])('%s can match', (pattern) => {
    expect(patternIssue(pattern)).toBeUndefined();
  });

  it('agrees with parseEventId on a pattern without %', () => {
    fc.assert(
      fc.property(fc.oneof(eventIdString, fc.string()), (text) => {
        const p = text.replaceAll('%', '');
        expect(patternIssue(p) === undefined).toBe(safeParseEventId(p).ok);
      }),
    );
  });

  it('accepts every pattern cut from a valid EventID, refuses every pattern none of many EventIDs match', () => {
    fc.assert(
      fc.property(eventIdString, fc.nat(), fc.nat(), (id, a, b) => {
        const [from, to] = [Math.min(a, b) % (id.length + 1), Math.max(a, b) % (id.length + 1)];
        const pattern = `${id.slice(0, Math.min(from, to))}%${id.slice(Math.max(from, to))}`;
        expect(compilePattern(pattern).test(id)).toBe(true);
        expect(patternIssue(pattern)).toBeUndefined();
      }),
    );
  });

  it('names the rule in the hint', () => {
    expect(eventIdPatternHint('A.b.c:1')).toBe(
      `"A.b.c:1" matches no EventID: uppercase letter 'A' at position 0; identifiers are lowercase (docs/eventid.md, rule 1)`,
    );
    expect(eventIdPatternHint('a.b.c:0')).toBe('"a.b.c:0" matches no EventID: version 0 at position 6; versions start at 1 (docs/eventid.md, rule 3)');
    expect(eventIdPatternHint('agent.code.generated')).toContain('write "agent.code.generated:%" (any version)');
    expect(eventIdPatternHint('%.failed:%')).toBeUndefined();
  });
});
