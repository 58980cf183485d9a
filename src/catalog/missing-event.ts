/**
 * Why an EventID names no event of a catalog, in one wording for every
 * surface that looks one up (`emit`'s problem report, `factline catalog
 * describe|schema`, `factline validate`, the MCP `describe_event` tool): an
 * id that breaks the EventID grammar is in no catalog, so the answer names
 * the rule it breaks (docs/eventid.md) rather than the catalog it is missing
 * from.
 */
import type { EventIdErrorCode } from '../eventid/errors.js';
import { safeParseEventId } from '../eventid/parse.js';

/** Why an id names no event: `invalid_event_id` with the grammar's code and position, or `unknown_event`. */
export type MissingEvent =
  | { code: 'invalid_event_id'; message: string; eventIdCode: EventIdErrorCode; position: number }
  | { code: 'unknown_event'; message: string };

/**
 * Why `id` names no event of the catalog `catalogName` (the caller has
 * found none): the EventID grammar's problem when it does not parse,
 * else that the catalog lacks it.
 *
 * @example
 * missingEvent('Signal.foo.bar:1', 'app').message;
 * // `Invalid EventID "Signal.foo.bar:1": uppercase letter 'S' at position 0; identifiers are lowercase (docs/eventid.md, rule 1)`
 * missingEvent('signal.foo.bar:1', 'app').message; // '"signal.foo.bar:1" is not in catalog "app"'
 */
export function missingEvent(id: unknown, catalogName: string): MissingEvent {
  const parsed = safeParseEventId(id);
  if (!parsed.ok) return { code: 'invalid_event_id', message: parsed.error.message, eventIdCode: parsed.error.code, position: parsed.error.position };
  return { code: 'unknown_event', message: `"${String(id)}" is not in catalog "${catalogName}"` };
}
