import { describe, expect, it } from 'vitest';
import { EVENT_ID_PATTERN, formatEventId, isEventId, parseEventId, safeParseEventId } from '../../src/eventid/index.js';
import { SPEC_INVALID, SPEC_VALID } from './vectors.js';

describe('the EventID spec examples', () => {
  describe.each(SPEC_VALID)('valid: $input ($name)', ({ input, expected }) => {
    it('parses into its four components', () => {
      expect(parseEventId(input)).toEqual(expected);
    });

    it('formats back to the same string', () => {
      expect(formatEventId(parseEventId(input))).toBe(input);
    });

    it('is accepted by isEventId and by the spec regex', () => {
      expect(isEventId(input)).toBe(true);
      expect(EVENT_ID_PATTERN.test(input)).toBe(true);
    });
  });

  describe.each(SPEC_INVALID)('invalid: $input ($name)', ({ input, code, position }) => {
    it(`is rejected with code ${code} at position ${position}`, () => {
      const result = safeParseEventId(input);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toMatchObject({ code, position, input });
    });

    it('is rejected by isEventId and by the spec regex', () => {
      expect(isEventId(input)).toBe(false);
      expect(EVENT_ID_PATTERN.test(input)).toBe(false);
    });
  });
});
