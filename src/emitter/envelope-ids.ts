import type { ValidationIssue } from '../validation/issue.js';
import type { EventSource } from '../envelope/source.js';
import { describeThrown } from '../validation/json-value.js';
import { checkSource } from './options.js';

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

/**
 * `emit`'s per-call `source` option as the envelope carries it: a copy of
 * its members (so that a change the caller makes to the object later does
 * not reach a sink), when it passes the set-up check of a source
 * (`checkSource`: a type of the source types with that type's members, each
 * a non-empty string). Anything else (`{ type: 'alien' }`, a missing
 * `model`, a getter that throws) becomes an `invalid_source` issue naming
 * the member at fault, and the event carries the emitter's source, flagged.
 * Never throws.
 */
export function callSource(given: unknown): { source: EventSource } | { issue: ValidationIssue } {
  try {
    checkSource(given, 'source');
    const copy: Record<string, string> = {};
    for (const [k, v] of Object.entries(given as Record<string, string>)) if (v !== undefined) copy[k] = v;
    return { source: copy as unknown as EventSource };
  } catch (e) {
    return {
      issue: {
        code: 'invalid_source',
        path: [],
        option: 'source',
        // checkSource's own messages start with the option's name; anything else was thrown by the value itself (a getter, a proxy trap).
        message: `${e instanceof Error && e.message.startsWith('source') ? e.message : `reading source threw: ${describeThrown(e)}`}; the event carries the emitter's source`,
      },
    };
  }
}
