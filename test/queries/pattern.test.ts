import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../src/eventid/index.js';
import { patternRegex, patternStages, translatePattern, type PatternMatch, type ValueMatch } from '../../src/queries/index.js';
import { eventIdParts } from '../eventid/arbitraries.js';
import { ALL_INVALID, ALL_VALID } from '../eventid/vectors.js';
import { re2, stringLiterals, syntaxErrors, unquote } from '../support/query-grammar.js';
import { PROPERTY_TEST_TIMEOUT_MS } from '../support/timeouts.js';

/*
 * The `%` → LogQL translation must agree with matchesPattern (the EventID
 * spec's reference semantics, src/eventid/pattern.ts): for each (pattern, id)
 * the Loki matchers accept the id's metadata exactly when matchesPattern
 * accepts the id. The regexes are RE2; they are evaluated with JavaScript's
 * RegExp, fully anchored as Loki anchors `=~`, with RE2's `.`.
 */

const accepts = (m: ValueMatch, value: string) => (m.op === '=' ? value === m.value : re2(m.value).test(value));

/** What Loki stores for a valid EventID: event_name, factline_event_version, factline_event_id. */
function metadataOf(id: string) {
  const colon = id.lastIndexOf(':');
  return { eventName: id.slice(0, colon), version: id.slice(colon + 1), eventId: id };
}

function lokiAccepts(match: PatternMatch, id: string): boolean {
  const md = metadataOf(id);
  return match.kind === 'name-and-version' ? accepts(match.eventName, md.eventName) && accepts(match.version, md.version) : accepts(match.eventId, md.eventId);
}

const VALID_IDS = [
  ...ALL_VALID.map((v) => v.input),
  'contract.assertion.failed:1',
  'agent.test.failed:12',
  'agent.test.failed_twice:1',
  'account.billing_payment.processed:1',
  'auth.user.login:2',
  'authz.user.login:1',
  'signal.signal.created:1',
  'system.health.reported:1',
];

const PATTERNS = [
  '%.failed:%',
  'auth.%',
  '%:1',
  '%:2',
  '%',
  '%%',
  '',
  'auth.user.login:1',
  'auth.%.login:%',
  '%.failed:1',
  '%.failed',
  'contract.%',
  'contract.assertion.%:%',
  '%auth%',
  '%a%b%',
  '%1',
  'a%',
  'auth.user.login:',
  ':1',
  '%:%:%',
  'a.b.c:1:2',
  'a_c.%',
  'account.billing_payment.%',
  'auth.user*.login:1',
  'auth.*',
  'a.b.c:%0',
  '%:1%',
  '%.created:%',
  'system.%',
  '%.%.%:%',
  '(a|b).%',
  'a.b.c:[0-9]',
  '^auth.%$',
  'caf\u00e9.%',
  '%\u{1F600}%',
];

describe('translatePattern', () => {
  it('splits %.failed:% into an event_name and a version matcher, as the issue asks', () => {
    expect(translatePattern('%.failed:%')).toEqual({
      kind: 'name-and-version',
      eventName: { op: '=~', value: '.*\\.failed' },
      version: { op: '=~', value: '.+' },
    });
    expect(patternStages('%.failed:%')).toBe('| event_name=~".*\\\\.failed" | factline_event_version=~".+"');
  });

  it('uses equality for a part without %', () => {
    expect(translatePattern('contract.assertion.failed:1')).toEqual({
      kind: 'name-and-version',
      eventName: { op: '=', value: 'contract.assertion.failed' },
      version: { op: '=', value: '1' },
    });
  });

  it('splits a pattern with no colon and one % at the %: auth.% is "name starts with auth."', () => {
    expect(translatePattern('auth.%')).toEqual({ kind: 'name-and-version', eventName: { op: '=~', value: 'auth\\..*' }, version: { op: '=~', value: '.+' } });
    expect(translatePattern('%1')).toEqual({ kind: 'name-and-version', eventName: { op: '=~', value: '.+' }, version: { op: '=~', value: '.*1' } });
  });

  it.each(['%auth%', '%a%b%', 'auth.user.login:', '%:%:%', 'a.b.c:1:2', 'abc'])('falls back to one factline_event_id regex for %j', (pattern) => {
    expect(translatePattern(pattern).kind).toBe('event-id');
  });

  it("treats _ and * literally, unlike SQL LIKE and the spec's reference TypeScript", () => {
    expect(patternRegex('a_c.%')).toBe('a_c\\..*');
    expect(patternRegex('auth.user*.login:1')).toBe('auth\\.user\\*\\.login:1');
  });

  it('agrees with matchesPattern on every (pattern, EventID vector) pair', () => {
    let pairs = 0;
    for (const pattern of PATTERNS) {
      const match = translatePattern(pattern);
      for (const id of VALID_IDS) {
        expect(lokiAccepts(match, id), `${pattern} on ${id}`).toBe(matchesPattern(id, pattern));
        pairs++;
      }
    }
    expect(pairs).toBeGreaterThan(700);
  });

  it(
    'agrees with matchesPattern for patterns cut from generated EventIDs (property)',
    () => {
      // A pattern is an id with some slices replaced by %: it matches its own
      // id, and the other generated id only sometimes.
      const patternFrom = fc.tuple(eventIdParts, fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 3 })).map(([g, cuts]) => {
        let p = g.text;
        for (const [i, j] of cuts) {
          const [a, b] = [i % (p.length + 1), j % (p.length + 1)].sort((x, y) => x - y) as [number, number];
          p = `${p.slice(0, a)}%${p.slice(b)}`;
        }
        return p;
      });
      fc.assert(
        fc.property(patternFrom, eventIdParts, eventIdParts, (pattern, other, third) => {
          const match = translatePattern(pattern);
          for (const id of [other.text, third.text]) expect(lokiAccepts(match, id)).toBe(matchesPattern(id, pattern));
        }),
        { numRuns: 500 },
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'agrees with matchesPattern for arbitrary patterns over the EventID alphabet (property)',
    () => {
      const pattern = fc.string({ unit: fc.constantFrom('%', '%', '.', ':', 'a', 'b', '1', '_'), maxLength: 10 });
      const id = fc
        .tuple(fc.constantFrom('a', 'b', 'ab', 'a_b'), fc.constantFrom('a', 'b', 'ba'), fc.constantFrom('a', 'b', 'b1'), fc.constantFrom('1', '11', '21'))
        .map(([d, e, a, v]) => `${d}.${e}.${a}:${v}`);
      fc.assert(
        fc.property(pattern, id, (p, i) => {
          expect(lokiAccepts(translatePattern(p), i)).toBe(matchesPattern(i, p));
        }),
        { numRuns: 3000 },
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});

describe('patternRegex (the regex over factline_event_id, used by the fallback and the dashboard variable)', () => {
  it('agrees with matchesPattern on every valid and invalid EventID vector without a line feed', () => {
    const inputs = [...VALID_IDS, ...ALL_INVALID.map((v) => v.input)].filter((s) => !s.includes('\n'));
    for (const pattern of PATTERNS) {
      const regex = re2(patternRegex(pattern));
      for (const input of inputs) expect(regex.test(input), `${pattern} on ${JSON.stringify(input)}`).toBe(matchesPattern(input, pattern));
    }
  });

  it("differs only on a line feed, which no EventID can hold: % becomes .*, and RE2's . stops at \\n", () => {
    expect(matchesPattern('auth.user.login:1\n', 'auth.%')).toBe(true);
    expect(re2(patternRegex('auth.%')).test('auth.user.login:1\n')).toBe(false);
  });

  it(
    'agrees with matchesPattern on arbitrary text without line feeds (property)',
    () => {
      const text = fc.string({
        unit: fc.constantFrom('a', '.', ':', '%', '*', '_', '\\', '(', '[', '$', '^', '|', '+', '?', '{', '}', '\u00e9', '\u{1F600}', '\r', '\u2028'),
      });
      fc.assert(
        fc.property(text, text, (pattern, input) => {
          expect(re2(patternRegex(pattern)).test(input)).toBe(matchesPattern(input, pattern));
        }),
        { numRuns: 3000 },
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});

describe('patternStages in LogQL', () => {
  it.each(PATTERNS)('writes %j as stages that parse and carry the regexes in single literals', (pattern) => {
    const expr = `{service_name="x"} ${patternStages(pattern)}`;
    expect(syntaxErrors('logql', expr)).toEqual([]);
    const match = translatePattern(pattern);
    const values = match.kind === 'name-and-version' ? [match.eventName.value, match.version.value] : [match.eventId.value];
    expect(stringLiterals('logql', expr).slice(1).map(unquote)).toEqual(values);
  });
});
