import { describe, expect, it } from 'vitest';
import * as eventid from '../../src/eventid/index.js';

describe('the factline/eventid entry point', () => {
  it('exports exactly the curated runtime names', () => {
    expect(Object.keys(eventid).sort()).toEqual([
      'EVENT_ID_ERROR_CODES',
      'EVENT_ID_JSON_SCHEMA',
      'EVENT_ID_PATTERN',
      'EventIdError',
      'MAX_EVENT_ID_VERSION',
      'PATTERN_CACHE_SIZE',
      'compilePattern',
      'eventId',
      'formatEventId',
      'isEventId',
      'matchesPattern',
      'parseEventId',
      'safeParseEventId',
    ]);
  });
});
