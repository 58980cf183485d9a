import { describe, expect, it } from 'vitest';
import { formatLogLine } from '../../src/cli/render.js';
import { formatEventLine } from '../../src/sinks/console/format.js';
import type { FactlineEvent } from '../../src/envelope/event.js';

/*
 * `factline query` prints a factline event's line in the one-line text form
 * `tail` uses, whatever the payload's JSON type: the catalog may declare a
 * string, number, array or null payload (the envelope's payload is any JSON
 * value), and Loki's line of a string body is the string itself.
 */
const labels = { factline_event_id: 'a.b.created:1', severity_text: 'INFO' };
const ns = '1796601600000000000';
const asTail = (payload: unknown) =>
  formatEventLine({ event_id: 'a.b.created:1', time: '2026-12-07T00:00:00.000Z', severity: 'INFO', payload } as FactlineEvent, { color: false });

describe('formatLogLine', () => {
  it.each([
    ['an object', '{"a":1}', { a: 1 }],
    ['an array', '["x","y"]', ['x', 'y']],
    ['a string', 'hello', 'hello'],
    ['a number', '42', '42'],
    ['null (the empty line)', '', null],
    ['text that only starts like JSON', '{not json', '{not json'],
  ])('prints %s payload as tail does, with the EventID', (_what, line, payload) => {
    const printed = formatLogLine(ns, line, labels, false);
    expect(printed).toBe(asTail(payload));
    expect(printed).toContain('a.b.created:1');
  });

  it('prints a line that is not a factline event as time and line, escaped', () => {
    expect(formatLogLine(ns, 'plain \u001b[2J', {}, false)).toBe('2026-12-07T00:00:00.000Z plain \\u001b[2J');
  });
});
