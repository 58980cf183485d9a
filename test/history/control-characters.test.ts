import { describe, expect, it } from 'vitest';
import { feedbackSentence } from '../../src/feedback/index.js';
import { chainText, type ChainEvent } from '../../src/history/index.js';

/*
 * Values an events file carries (a service name, a source's model, a
 * payload key, a group value) reach the terminal through `factline chain`
 * and `factline feedback`, and an agent through MCP: their control and bidi
 * characters are written as \uXXXX, as every other reader prints file
 * content, so a line cannot move the cursor, ring the bell or reverse text.
 */
const hostile: ChainEvent = {
  id: 'id\u0007',
  eventId: 'a.b.c:1',
  time: '2026-12-07T00:00:00Z',
  timeNs: '1796601600000000000',
  service: 'x\u001b[31m',
  source: { type: 'child_agent', model: 'm\u001b[32mGREEN', name: 'n\u0007' },
  payload: '{"\u202eevil":"rtl"}',
};

describe('control characters from the events', () => {
  it('chainText writes them as \\uXXXX', () => {
    const text = chainText({ event: hostile, causes: [hostile], effects: [hostile], effectsCut: false, missingCause: 'c\u001b' });
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(text).toContain('service=x\\u001b[31m source=child_agent/m\\u001b[32mGREEN/n\\u0007 {"\\u202eevil":"rtl"}');
    expect(text).toContain('(caused by c\\u001b, not in the range');
    expect(text.split('\n')).toHaveLength(4);
  });

  it('feedbackSentence writes the group so', () => {
    expect(feedbackSentence('src/\u001b[31mevil\u0007/x.ts', 1, 1)).toBe('1 of 1 src/\\u001b[31mevil\\u0007/x.ts attempts failed (100%)');
  });
});
