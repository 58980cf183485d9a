import type { ValidationIssue } from '../validation/issue.js';
import { describeThrown } from '../validation/json-value.js';

/** Longest causation or session id carried, in UTF-16 units: an id, not a payload. */
export const MAX_ENVELOPE_ID_LENGTH = 256;

/**
 * One of `emit`'s id options (`causedBy`, `sessionId`) as the envelope
 * carries it: a non-empty, well-formed string of at most 256 characters.
 * Anything else (a number, an object, a 100 KB string, a getter that
 * throws) is left out of the envelope and becomes an `invalid_envelope_id`
 * issue that names the option, so the event is still delivered, flagged.
 * Never throws.
 */
export function envelopeId(option: 'causedBy' | 'sessionId', given: unknown): { id: string } | { issue: ValidationIssue } {
  let value = given;
  try {
    if (option === 'causedBy' && typeof given === 'object' && given !== null) value = (given as { id?: unknown }).id;
  } catch (e) {
    return { issue: bad(option, `reading causedBy.id threw: ${describeThrown(e)}`) };
  }
  if (typeof value !== 'string')
    return { issue: bad(option, `${option === 'causedBy' ? 'causedBy (or its id)' : option} is ${value === null ? 'null' : typeof value}, not a string`) };
  if (value === '' || value.length > MAX_ENVELOPE_ID_LENGTH)
    return { issue: bad(option, `${option} must be 1 to ${MAX_ENVELOPE_ID_LENGTH} characters long; it is ${value.length}`) };
  if (!value.isWellFormed()) return { issue: bad(option, `${option} holds a lone UTF-16 surrogate`) };
  return { id: value };
}

function bad(option: 'causedBy' | 'sessionId', message: string): ValidationIssue {
  return { code: 'invalid_envelope_id', path: [], option, message: `${message}; left out of the envelope (${option})` };
}
