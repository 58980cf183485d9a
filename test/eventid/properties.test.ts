import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EVENT_ID_PATTERN,
  EventIdError,
  MAX_EVENT_ID_VERSION,
  formatEventId,
  isEventId,
  parseEventId,
  safeParseEventId,
  type EventIdErrorCode,
} from '../../src/eventid/index.js';
import { digit, eventIdParts, eventIdString, illegalChar, nearEventId, uppercase, version } from './arbitraries.js';
import { PROPERTY_TEST_TIMEOUT_MS } from '../support/timeouts.js';

/** The scanner's verdict must equal the spec regex plus factline's 32-bit bound. */
function regexVerdict(s: string): boolean {
  return EVENT_ID_PATTERN.test(s) && Number(s.slice(s.indexOf(':') + 1)) <= MAX_EVENT_ID_VERSION;
}

function codeAndPosition(s: string): { code: EventIdErrorCode; position: number } | 'valid' {
  const result = safeParseEventId(s);
  return result.ok ? 'valid' : { code: result.error.code, position: result.error.position };
}

/** Where the version starts in a valid id. */
const versionStart = (s: string): number => s.indexOf(':') + 1;

describe('EventIDs generated from the grammar', () => {
  it(
    'parse, and format back to the same string',
    () => {
      fc.assert(
        fc.property(eventIdString, (s) => {
          expect(formatEventId(parseEventId(s))).toBe(s);
        }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'parse into the parts they were built from',
    () => {
      fc.assert(
        fc.property(eventIdParts, ({ text, parts: [domain, entity, action], version: v }) => {
          expect(parseEventId(text)).toEqual({ domain, entity, action, version: Number(v) });
        }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'are accepted by isEventId and by the spec regex',
    () => {
      fc.assert(
        fc.property(eventIdString, (s) => {
          expect(isEventId(s)).toBe(true);
          expect(EVENT_ID_PATTERN.test(s)).toBe(true);
        }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});

describe('EventIDs mutated to break one rule', () => {
  it(
    'report uppercase (rule 1) where an uppercase letter is inserted into an identifier',
    () => {
      fc.assert(
        fc.property(eventIdString, fc.nat(), uppercase, (s, i, upper) => {
          const at = i % (s.length + 1);
          const mutated = s.slice(0, at) + upper + s.slice(at);
          // In the version the same letter is "not a digit".
          const code = at < versionStart(s) ? 'uppercase' : 'version_not_integer';
          expect(codeAndPosition(mutated)).toEqual({ code, position: at });
        }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'report invalid_character where a character outside the grammar is inserted',
    () => {
      fc.assert(
        fc.property(eventIdString, fc.nat(), fc.oneof(illegalChar, fc.constant('-')), (s, i, c) => {
          const at = i % (s.length + 1);
          const mutated = s.slice(0, at) + c + s.slice(at);
          const inVersion = at >= versionStart(s);
          // In the version too (docs/eventid.md, character set); only a '-' where the version starts is read as a sign.
          const code = inVersion && c === '-' && at === versionStart(s) ? 'version_negative' : 'invalid_character';
          expect(codeAndPosition(mutated)).toEqual({ code, position: at });
        }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'report missing_part (rule 6) at the colon when an identifier is removed',
    () => {
      fc.assert(
        fc.property(eventIdParts, fc.integer({ min: 0, max: 2 }), ({ parts, version: v }, removed) => {
          const mutated = `${parts.filter((_, k) => k !== removed).join('.')}:${v}`;
          expect(codeAndPosition(mutated)).toEqual({ code: 'missing_part', position: mutated.indexOf(':') });
        }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'report starts_with_digit or starts_with_underscore (rules 2 and 5) when a part is prefixed',
    () => {
      fc.assert(
        fc.property(eventIdParts, fc.integer({ min: 0, max: 2 }), fc.oneof(digit, fc.constant('_')), ({ parts, version: v }, k, prefix) => {
          const changed = parts.map((p, j) => (j === k ? prefix + p : p));
          const mutated = `${changed.join('.')}:${v}`;
          const position = parts.slice(0, k).reduce((n, p) => n + p.length + 1, 0);
          const code = prefix === '_' ? 'starts_with_underscore' : 'starts_with_digit';
          expect(codeAndPosition(mutated)).toEqual({ code, position });
        }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'report version_zero (rule 3) and version_leading_zero (rule 4)',
    () => {
      fc.assert(
        fc.property(eventIdParts, ({ parts, version: v }) => {
          const name = parts.join('.');
          expect(codeAndPosition(`${name}:0`)).toEqual({ code: 'version_zero', position: name.length + 1 });
          expect(codeAndPosition(`${name}:0${v}`)).toEqual({ code: 'version_leading_zero', position: name.length + 1 });
        }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'report version_too_large above 2147483647, which the spec regex alone would accept',
    () => {
      fc.assert(
        fc.property(eventIdParts, fc.bigInt({ min: BigInt(MAX_EVENT_ID_VERSION) + 1n, max: 10n ** 30n }), ({ parts }, big) => {
          const name = parts.join('.');
          const mutated = `${name}:${big}`;
          expect(EVENT_ID_PATTERN.test(mutated)).toBe(true);
          expect(codeAndPosition(mutated)).toEqual({ code: 'version_too_large', position: name.length + 1 });
        }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'never parse when a dot or colon is inserted anywhere',
    () => {
      fc.assert(
        fc.property(eventIdString, fc.nat(), fc.constantFrom('.', ':'), (s, i, c) => {
          const at = i % (s.length + 1);
          const mutated = s.slice(0, at) + c + s.slice(at);
          expect(isEventId(mutated)).toBe(false);
          expect(EVENT_ID_PATTERN.test(mutated)).toBe(false);
        }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'accept every version from 1 to 2147483647',
    () => {
      fc.assert(
        fc.property(version, (v) => {
          expect(isEventId(`a.b.c:${v}`)).toBe(true);
        }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});

describe('the scanner and the spec regex', () => {
  it(
    'agree on strings close to the grammar',
    () => {
      fc.assert(
        fc.property(nearEventId, (s) => {
          expect(isEventId(s)).toBe(regexVerdict(s));
        }),
        { numRuns: 2000 },
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'agree on arbitrary strings',
    () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), (s) => {
          expect(isEventId(s)).toBe(regexVerdict(s));
        }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'agree, and parseEventId only throws EventIdError with a position inside the input',
    () => {
      fc.assert(
        fc.property(fc.oneof(nearEventId, fc.string({ unit: 'binary' })), (s) => {
          try {
            const parsed = parseEventId(s);
            expect(regexVerdict(s)).toBe(true);
            expect(formatEventId(parsed)).toBe(s);
          } catch (e) {
            expect(e).toBeInstanceOf(EventIdError);
            const error = e as EventIdError;
            expect(regexVerdict(s)).toBe(false);
            expect(error.input).toBe(s);
            expect(error.position).toBeGreaterThanOrEqual(0);
            expect(error.position).toBeLessThanOrEqual(s.length);
          }
        }),
        { numRuns: 2000 },
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});
