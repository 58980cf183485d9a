/**
 * factline/eventid: the EventID of docs/eventid.md,
 * `domain.entity.action:version`, parsed, formatted, matched and checked at
 * compile time.
 */
export type { EventId, EventIdPart, EventIdIdentifierPart, EventIdString } from './event-id.js';
export { MAX_EVENT_ID_VERSION } from './event-id.js';
export type { EventIdErrorCode, EventIdProblem } from './errors.js';
export { EVENT_ID_ERROR_CODES, EventIdError } from './errors.js';
export { EVENT_ID_PATTERN } from './grammar.js';
export type { SafeParseEventIdResult } from './parse.js';
export { isEventId, parseEventId, safeParseEventId } from './parse.js';
export { formatEventId } from './format.js';
export type { EventIdCheck, EventIdTypeError, EventName, EventVersion, ValidEventId } from './types.js';
export { eventId } from './literal.js';
export type { EventPattern } from './pattern.js';
export { compilePattern, matchesPattern, PATTERN_CACHE_SIZE } from './pattern.js';
export { EVENT_ID_JSON_SCHEMA } from './schema.js';
