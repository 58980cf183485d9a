/**
 * fast-check arbitraries built from the EBNF of EventID spec v1.0, one per rule.
 */
import fc from 'fast-check';
import { MAX_EVENT_ID_VERSION } from '../../src/eventid/index.js';

const LOWERCASE = [...'abcdefghijklmnopqrstuvwxyz'];
const DIGITS = [...'0123456789'];

// lowercase = "a" | "b" | ... | "z" ;
export const lowercase = fc.constantFrom(...LOWERCASE);
// digit = "0" | ... | "9" ;
export const digit = fc.constantFrom(...DIGITS);
// nonzero_digit = "1" | ... | "9" ;
export const nonzeroDigit = fc.constantFrom(...DIGITS.slice(1));
export const uppercase = fc.constantFrom(...LOWERCASE.map((c) => c.toUpperCase()));

// identifier = lowercase , { lowercase | digit | "_" } ;
export const identifier = fc
  .tuple(lowercase, fc.string({ unit: fc.oneof(lowercase, digit, fc.constant('_')), maxLength: 64 }))
  .map(([head, tail]) => head + tail);

// positive_integer = nonzero_digit , { digit } ; bounded by the 32-bit limit.
export const version = fc.oneof(
  fc
    .tuple(nonzeroDigit, fc.string({ unit: digit, maxLength: 9 }))
    .map(([head, tail]) => head + tail)
    .filter((v) => Number(v) <= MAX_EVENT_ID_VERSION),
  fc.integer({ min: 1, max: MAX_EVENT_ID_VERSION }).map(String),
  fc.constantFrom('1', String(MAX_EVENT_ID_VERSION)),
);

export interface GeneratedEventId {
  readonly text: string;
  readonly parts: readonly [string, string, string];
  readonly version: string;
}

// event_id = domain , "." , entity , "." , action , ":" , version ;
export const eventIdParts = fc.tuple(identifier, identifier, identifier, version).map(
  ([domain, entity, action, v]): GeneratedEventId => ({
    text: `${domain}.${entity}.${action}:${v}`,
    parts: [domain, entity, action],
    version: v,
  }),
);

export const eventIdString = eventIdParts.map((g) => g.text);

/** Characters that appear nowhere in an EventID. */
export const illegalChar = fc.oneof(
  fc.constantFrom(' ', '\t', '\n', 'é', 'É', 'ß', 'İ', '😀', '/', '@', '#', '%', '*', '+', '\u0000', '\u2028'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => !/^[a-zA-Z0-9_.:-]$/.test(c)),
);

/** Strings over the grammar's alphabet plus a few traps, so that some are valid. */
export const nearEventId = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'b', 'z', '0', '1', '9', '_', '.', ':', 'A', '-', ' ', 'é', '\n'), maxLength: 24 }),
  eventIdString.chain((s) =>
    fc.tuple(fc.constant(s), fc.nat(), fc.constantFrom('', '.', ':', '0', 'A', '_', '-')).map(([text, i, c]) => {
      const at = i % (text.length + 1);
      return text.slice(0, at) + c + text.slice(at + 1);
    }),
  ),
);
