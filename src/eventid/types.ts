/**
 * The EventID grammar at the type level, so that a literal id is checked by
 * `tsc`, so that a wrong literal does not compile. It mirrors the scanner in grammar.ts character
 * by character and reports the same error codes.
 *
 * Recursion: the scanner is tail-recursive (each step's result is the next
 * step), which TypeScript evaluates in a loop of up to 1000 steps. One step per
 * character means literals up to ~990 characters are checked; a longer literal
 * stops compiling with "Type instantiation is excessively deep". Real ids are
 * far shorter, and the tests check three 64-character identifiers.
 */
import type { EventIdErrorCode } from './errors.js';

type Lowercase =
  | 'a'
  | 'b'
  | 'c'
  | 'd'
  | 'e'
  | 'f'
  | 'g'
  | 'h'
  | 'i'
  | 'j'
  | 'k'
  | 'l'
  | 'm'
  | 'n'
  | 'o'
  | 'p'
  | 'q'
  | 'r'
  | 's'
  | 't'
  | 'u'
  | 'v'
  | 'w'
  | 'x'
  | 'y'
  | 'z';
type Uppercase =
  | 'A'
  | 'B'
  | 'C'
  | 'D'
  | 'E'
  | 'F'
  | 'G'
  | 'H'
  | 'I'
  | 'J'
  | 'K'
  | 'L'
  | 'M'
  | 'N'
  | 'O'
  | 'P'
  | 'Q'
  | 'R'
  | 'S'
  | 'T'
  | 'U'
  | 'V'
  | 'W'
  | 'X'
  | 'Y'
  | 'Z';
type Digit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';
// identifier = lowercase , { lowercase | digit | "_" } ;
type IdentifierChar = Lowercase | Digit | '_';
type PartIndex = 0 | 1 | 2;
type NextPart = [1, 2, 2];

/** The largest version, as digits (see MAX_EVENT_ID_VERSION in event-id.ts). */
type MaxVersionDigits = '2147483647';

/**
 * Scans an identifier's first character (`AtStart`) or its rest, then the
 * separators. Returns `true` or the error code of the first offending character,
 * exactly as `scanEventId` does.
 */
type ScanIds<S extends string, P extends PartIndex, AtStart extends boolean> = S extends `${infer C}${infer Rest}`
  ? AtStart extends true
    ? C extends Lowercase
      ? ScanIds<Rest, P, false>
      : C extends '.' | ':'
        ? 'empty_part'
        : C extends Uppercase
          ? 'uppercase'
          : C extends Digit
            ? 'starts_with_digit'
            : C extends '_'
              ? 'starts_with_underscore'
              : 'invalid_character'
    : C extends IdentifierChar
      ? ScanIds<Rest, P, false>
      : C extends Uppercase
        ? 'uppercase'
        : C extends '.'
          ? P extends 2
            ? 'too_many_parts'
            : ScanIds<Rest, NextPart[P], true>
          : C extends ':'
            ? P extends 2
              ? ScanVersion<Rest>
              : 'missing_part'
            : 'invalid_character'
  : AtStart extends true
    ? 'empty_part'
    : P extends 2
      ? 'missing_version'
      : 'missing_part';

/** A non-digit of the version: a letter or a character of the set is not an integer (`v1`, `1.5`); any other character is invalid, as `versionCharIssue` says. */
type VersionCharIssue<C extends string> = C extends Lowercase | Uppercase | Digit | '_' | '.' | ':' ? 'version_not_integer' : 'invalid_character';

// version = positive_integer ; positive_integer = nonzero_digit , { digit } ;
type ScanVersion<V extends string> = V extends `${infer C}${infer Rest}`
  ? C extends '0'
    ? Rest extends ''
      ? 'version_zero'
      : Rest extends `${Digit}${string}`
        ? 'version_leading_zero'
        : Rest extends `${infer N}${string}`
          ? VersionCharIssue<N>
          : never
    : C extends '-'
      ? 'version_negative'
      : C extends Digit
        ? ScanDigits<Rest, V>
        : VersionCharIssue<C>
  : 'missing_version';

type ScanDigits<S extends string, V extends string> = S extends `${infer C}${infer Rest}`
  ? C extends Digit
    ? ScanDigits<Rest, V>
    : VersionCharIssue<C>
  : WithinVersionLimit<V> extends true
    ? true
    : 'version_too_large';

/** Digits counted into a tuple, tail-recursively. */
type DigitCount<S extends string, N extends unknown[] = []> = S extends `${string}${infer Rest}` ? DigitCount<Rest, [...N, unknown]> : N['length'];

/** `V` (digits without a leading zero) ≤ 2147483647: fewer than ten digits, or ten that compare ≤. */
type WithinVersionLimit<V extends string> =
  DigitCount<V> extends infer L extends number ? (L extends 10 ? DigitsAtMost<V, MaxVersionDigits> : `${L}` extends Digit ? true : false) : never;

/** Compares two digit strings of equal length, most significant digit first. */
type DigitsAtMost<A extends string, B extends string> = A extends `${infer a}${infer RestA}`
  ? B extends `${infer b}${infer RestB}`
    ? a extends b
      ? DigitsAtMost<RestA, RestB>
      : DigitLess<a, b>
    : false
  : true;

type DigitLess<A extends string, B extends string> = '0123456789' extends `${string}${A}${string}${B}${string}` ? true : false;

/**
 * The error code `tsc` finds for `S`, or `true` when `S` is a valid EventID.
 * The codes are those of `EventIdError` (except `not_a_string`).
 *
 * @example
 * type A = EventIdCheck<'auth.user.login:1'>;  // true
 * type B = EventIdCheck<'auth.user.login:01'>; // 'version_leading_zero'
 */
export type EventIdCheck<S extends string> = S extends '' ? 'empty' : ScanIds<S, 0, true>;

/** Why each code fails, in the words of the rules of docs/eventid.md. */
interface TypeLevelReasons {
  not_a_string: 'not a string';
  empty: 'the input is empty (docs/eventid.md, rule 6)';
  uppercase: 'identifiers are lowercase (docs/eventid.md, rule 1)';
  starts_with_digit: 'identifiers start with a lowercase letter, not a digit (docs/eventid.md, rule 2)';
  starts_with_underscore: 'identifiers start with a lowercase letter, not _ (docs/eventid.md, rules 2 and 5)';
  invalid_character: 'identifiers use only a-z, 0-9 and _, the version 0-9 (docs/eventid.md, character set)';
  missing_part: 'an EventID has three identifiers domain.entity.action before the version (docs/eventid.md, rule 6)';
  too_many_parts: 'an EventID has exactly three dot-separated identifiers (docs/eventid.md, grammar)';
  empty_part: 'no part may be empty (docs/eventid.md, rule 6)';
  missing_version: 'the version is missing; add :1 (docs/eventid.md, rule 6)';
  version_zero: 'versions start at 1 (docs/eventid.md, rule 3)';
  version_leading_zero: 'no leading zeros in the version (docs/eventid.md, rule 4)';
  version_negative: 'the version is a positive integer (docs/eventid.md, rule 3)';
  version_not_integer: 'the version is a positive integer of digits 0-9 (docs/eventid.md, grammar)';
  version_too_large: 'the version exceeds 2147483647, the 32-bit limit of the reference implementations';
}

/**
 * The error-message literal type that takes the place of an invalid id.
 *
 * @example
 * type M = EventIdTypeError<'auth.user:1', 'missing_part'>;
 * // 'Invalid EventID "auth.user:1" [missing_part]: an EventID has three identifiers ...'
 */
export type EventIdTypeError<S extends string, Code extends EventIdErrorCode> = `Invalid EventID "${S}" [${Code}]: ${TypeLevelReasons[Code]}`;

/**
 * Resolves to `S` when the literal `S` matches the EventID grammar exactly
 * (lowercase start, only `[a-z0-9_]`, exactly three dot-separated parts, `:`,
 * then a positive integer without leading zero, at most 2147483647), and to an
 * {@link EventIdTypeError} message literal otherwise, so that a parameter typed
 * with it rejects the bad literal with a readable error. A non-literal `string`
 * resolves to a message asking for a literal: check it with `parseEventId`.
 *
 * Distributes over unions: `ValidEventId<'a.b.c:1' | 'A.b.c:1'>` is
 * `'a.b.c:1' | <message>`.
 *
 * @example
 * type Ok = ValidEventId<'auth.user.login:1'>;  // 'auth.user.login:1'
 * type No = ValidEventId<'Auth.user.login:1'>;  // 'Invalid EventID "Auth.user.login:1" [uppercase]: ...'
 * function on<S extends string>(id: ValidEventId<S>) {}
 * on('auth.user.login:1'); // compiles
 * // @ts-expect-error: a bad literal does not compile
 * on('auth.user.login:0'); // error: not assignable to 'Invalid EventID "auth.user.login:0" [version_zero]: ...'
 */
export type ValidEventId<S extends string> = S extends unknown
  ? string extends S
    ? 'EventID must be a string literal here; check runtime strings with parseEventId'
    : EventIdCheck<S> extends infer R
      ? R extends true
        ? S
        : R extends EventIdErrorCode
          ? EventIdTypeError<S, R>
          : never
      : never
  : never;

/**
 * The `domain.entity.action` part of a valid EventID literal; `never` when `S`
 * is not one.
 *
 * @example
 * type N = EventName<'auth.user.login:2'>; // 'auth.user.login'
 */
export type EventName<S extends string> = EventIdCheck<S> extends true ? (S extends `${infer Name}:${string}` ? Name : never) : never;

/**
 * The version of a valid EventID literal, as a number literal type; `never`
 * when `S` is not one.
 *
 * @example
 * type V = EventVersion<'auth.user.login:42'>; // 42
 */
export type EventVersion<S extends string> = EventIdCheck<S> extends true ? (S extends `${string}:${infer V extends number}` ? V : never) : never;
