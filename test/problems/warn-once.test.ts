import { describe, expect, it } from 'vitest';
import { createWarnOnceHandler } from '../../src/problems.js';

/*
 * The default problem handler prints to stderr. A message may quote what an
 * endpoint answered (a 400's body) or a file held: its control and bidi
 * characters are escaped, as every reader prints file content.
 */
describe('the default problem handler', () => {
  it('prints each code once, with control and bidi characters of the message escaped', () => {
    const lines: string[] = [];
    const handle = createWarnOnceHandler((l) => void lines.push(l));
    const p = { code: 'FACTLINE_DEAD_LETTERED', message: 'http://x refused a record (400 \u001b[31mred\u202e); written to d.jsonl', details: {} };
    handle(p as never);
    handle(p as never);
    expect(lines).toEqual([
      'factline: FACTLINE_DEAD_LETTERED: http://x refused a record (400 \\u001b[31mred\\u202e); written to d.jsonl (further FACTLINE_DEAD_LETTERED problems are counted, not printed)\n',
    ]);
  });
});
