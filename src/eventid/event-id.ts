/**
 * The EventID model: the four components of `domain.entity.action:version`
 * (docs/eventid.md).
 */

/**
 * A parsed EventID: its four parts by name; the fields are `readonly` because a parsed id is a value.
 *
 * @example
 * const id: EventId = { domain: 'auth', entity: 'user', action: 'login', version: 1 };
 */
export interface EventId {
  /** The system or bounded context where the event originates, e.g. `auth`. */
  readonly domain: string;
  /** The object or resource the event relates to, e.g. `user`. */
  readonly entity: string;
  /** What happened, e.g. `login`. */
  readonly action: string;
  /** Schema version, an integer from 1 to {@link MAX_EVENT_ID_VERSION}. */
  readonly version: number;
}

/**
 * The loose shape of an EventID string, for `isEventId` to narrow to. It only
 * says "three dots then a colon and a number"; the exact grammar is checked at
 * run time by `parseEventId` and at compile time by `ValidEventId<S>`.
 *
 * @example
 * const s: EventIdString = 'auth.user.login:1';
 */
export type EventIdString = `${string}.${string}.${string}:${number}`;

/** The three identifier components, in the order the grammar gives them. */
export type EventIdIdentifierPart = 'domain' | 'entity' | 'action';

/** Any component of an EventID. */
export type EventIdPart = EventIdIdentifierPart | 'version';

/**
 * The largest version factline accepts: 2^31 - 1 = 2147483647.
 *
 * The grammar's `positive_integer` has no upper bound, but a version is commonly
 * stored as a 32-bit integer: a Rust `u32`, a PostgreSQL `INTEGER` column (a
 * 32-bit signed integer). The smaller of the two is the largest version all of
 * them hold, so factline rejects larger ones with code `version_too_large`
 * (docs/eventid.md, "The version bound").
 *
 * @example
 * MAX_EVENT_ID_VERSION; // 2147483647
 */
export const MAX_EVENT_ID_VERSION = 2_147_483_647;
