/**
 * Formatting an {@link EventId} back into `domain.entity.action:version`.
 */
import { EventIdError } from './errors.js';
import { MAX_EVENT_ID_VERSION, type EventId } from './event-id.js';
import { IDENTIFIER_PARTS, scanIdentifier } from './grammar.js';
import { describeTypedValue, describeValue, toProblem, type EventIdIssue } from './messages.js';

/**
 * Formats an EventId as `domain.entity.action:version`, checking each part
 * first, so the result always parses back to an equal EventId. (A formatter
 * that does not check would turn `{ domain: 'a.b', ... }` into an id with
 * four parts.)
 *
 * Positions in the error are indices into the formatted string, so the same
 * message style serves parsing and formatting.
 *
 * @throws {EventIdError} when a part breaks the grammar: e.g. `uppercase`,
 *   `invalid_character` (a `.` or `:` inside a part is one), `empty_part`,
 *   `version_zero`, `version_negative`, `version_not_integer` (1.5, NaN) or
 *   `version_too_large` (above 2147483647); `not_a_string` when a part is not
 *   a string.
 * @example
 * formatEventId({ domain: 'auth', entity: 'user', action: 'login', version: 1 }); // 'auth.user.login:1'
 * formatEventId({ domain: 'auth', entity: 'User', action: 'login', version: 1 }); // throws, code 'uppercase', position 5
 */
export function formatEventId(id: EventId): string {
  const fields = [id?.domain, id?.entity, id?.action] as const;
  const version: unknown = id?.version;
  const text = `${fields.map(textOf).join('.')}:${textOf(version)}`;

  let offset = 0;
  for (const [index, part] of IDENTIFIER_PARTS.entries()) {
    const value: unknown = fields[index];
    if (typeof value !== 'string') {
      const detail = `the ${part} at position ${offset} must be a string, received ${describeTypedValue(value)}`;
      throw error({ code: 'not_a_string', position: offset, part, detail }, text);
    }
    // The part is checked on its own: a '.' or ':' inside it is a bad character,
    // not a separator.
    const end = scanIdentifier(value, 0, part, 'alone');
    if (typeof end !== 'number') throw error({ ...end, position: offset + end.position }, text);
    if (end !== value.length) throw error({ code: 'invalid_character', position: offset + end, part }, text);
    offset += value.length + 1;
  }

  const issue = versionIssue(version, offset, text);
  if (issue !== undefined) throw error(issue, text);
  return text;
}

/**
 * Rule 3 and the 32-bit bound for the version, which starts at `start` in
 * `text`. A number has no leading zeros, so rule 4 cannot be broken here.
 */
function versionIssue(version: unknown, start: number, text: string): EventIdIssue | undefined {
  const part = 'version';
  if (typeof version !== 'number') {
    const detail = `the version at position ${start} must be a number, received ${describeTypedValue(version)}`;
    return { code: 'version_not_integer', position: start, part, detail };
  }
  if (!Number.isInteger(version)) {
    // Point at the '.' of 1.5, the 'e' of 1e-7, the 'N' of NaN.
    const offending = text.slice(start).search(/[^0-9]/);
    return { code: 'version_not_integer', position: start + Math.max(offending, 0), part };
  }
  if (version === 0) return { code: 'version_zero', position: start, part };
  if (version < 0) return { code: 'version_negative', position: start, part };
  if (version > MAX_EVENT_ID_VERSION) return { code: 'version_too_large', position: start, part };
  return undefined;
}

function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : describeValue(value);
}

function error(issue: EventIdIssue, text: string): EventIdError {
  return new EventIdError(toProblem(issue, text));
}
