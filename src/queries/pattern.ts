/**
 * `%` patterns (`%.failed:%`, `auth.%`; src/eventid/pattern.ts) as LogQL
 * matchers. `%` matches any run of characters; every other character is
 * literal, `_` and `*` included.
 *
 * The issue asks for "a LogQL matcher on event_name and the version
 * attribute". Loki keeps the EventID three ways: `factline_event_id`
 * (`contract.assertion.failed:1`), `event_name` (`contract.assertion.failed`)
 * and `factline_event_version` (`1`). An EventID has exactly one `:`, and
 * neither its name nor its version can hold one, so:
 *
 * - a pattern with one `:` splits there, exactly: the id matches iff its name
 *   matches the left part and its version the right part;
 * - a pattern with no `:` and one `%` (`auth.%`, `%1`) matches iff the name
 *   starts with what precedes the `%` and the version ends with what follows;
 * - anything else (no `:` and two or more `%`, like `%auth%`, where the `:`
 *   could fall in either `%`; two or more `:`; an empty version) is not a
 *   conjunction of a name matcher and a version matcher, and becomes one
 *   regex over `factline_event_id`.
 *
 * A part that is only `%` becomes `.+` rather than `.*`: the same on every
 * EventID (no part is empty), and it keeps out records that lack the
 * attribute (a foreign line the Collector could not map to an EventID keeps
 * its own `event_name` but has no version). A part without `%` becomes an
 * equality matcher.
 *
 * `%` becomes `.*`, and RE2's `.` matches any character except a line feed.
 * No EventID holds a line feed (the grammar allows `[a-z0-9_.:]`), so on
 * EventIDs the translation agrees with `matchesPattern` exactly; the tests
 * check it on the EventID vectors and on generated ids and patterns.
 */
import { escapeRegex, logqlString } from './escape.js';
import { LOKI } from './names.js';

/** One side of a matcher: `=` with literal text, or `=~` with an RE2 regex (fully anchored, as Loki anchors `=~`). */
export interface ValueMatch {
  readonly op: '=' | '=~';
  readonly value: string;
}

/** How a pattern is matched in Loki. */
export type PatternMatch =
  | { readonly kind: 'name-and-version'; readonly eventName: ValueMatch; readonly version: ValueMatch }
  | { readonly kind: 'event-id'; readonly eventId: ValueMatch };

const WILDCARD = '%';
const ANY_RUN = '.*';
const ANY_NONEMPTY = '.+';

const onlyWildcards = (s: string) => s.length > 0 && [...s].every((c) => c === WILDCARD);

/**
 * The RE2 regex, for a fully anchored match, of a whole `%` pattern.
 *
 * @example
 * patternRegex('%.failed:%'); // '.*\\.failed:.*'
 */
export function patternRegex(pattern: string): string {
  return pattern.split(WILDCARD).map(escapeRegex).join(ANY_RUN);
}

function part(text: string): ValueMatch {
  if (!text.includes(WILDCARD)) return { op: '=', value: text };
  if (onlyWildcards(text)) return { op: '=~', value: ANY_NONEMPTY };
  return { op: '=~', value: patternRegex(text) };
}

/**
 * How Loki matches the `%` pattern: by `event_name` and
 * `factline_event_version` where that is exact, else by `factline_event_id`.
 *
 * @example
 * translatePattern('%.failed:%');
 * // { kind: 'name-and-version', eventName: { op: '=~', value: '.*\\.failed' }, version: { op: '=~', value: '.+' } }
 * translatePattern('%auth%');
 * // { kind: 'event-id', eventId: { op: '=~', value: '.*auth.*' } }
 */
export function translatePattern(pattern: string): PatternMatch {
  const colons = pattern.split(':').length - 1;
  if (colons === 1) {
    const [name, version] = pattern.split(':') as [string, string];
    if (version !== '') return { kind: 'name-and-version', eventName: part(name), version: part(version) };
  } else if (colons === 0 && pattern.split(WILDCARD).length === 2) {
    const [head, tail] = pattern.split(WILDCARD) as [string, string];
    return {
      kind: 'name-and-version',
      eventName: { op: '=~', value: head === '' ? ANY_NONEMPTY : escapeRegex(head) + ANY_RUN },
      version: { op: '=~', value: tail === '' ? ANY_NONEMPTY : ANY_RUN + escapeRegex(tail) },
    };
  }
  return { kind: 'event-id', eventId: part(pattern) };
}

const stage = (name: string, m: ValueMatch) => `| ${name}${m.op}${logqlString(m.value)}`;

/**
 * The LogQL pipeline stages that keep exactly the events matching the `%` pattern.
 *
 * @example
 * patternStages('%.failed:%'); // '| event_name=~".*\\\\.failed" | factline_event_version=~".+"'
 */
export function patternStages(pattern: string): string {
  const m = translatePattern(pattern);
  return m.kind === 'name-and-version' ? `${stage(LOKI.EVENT_NAME, m.eventName)} ${stage(LOKI.EVENT_VERSION, m.version)}` : stage(LOKI.EVENT_ID, m.eventId);
}
