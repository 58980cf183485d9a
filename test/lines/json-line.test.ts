import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatLineProblem,
  isLineProblem,
  LINE_PROBLEM_CODES,
  lineTooLong,
  LineProblem,
  notAnEvent,
  parseJsonLine,
  readJsonLine,
} from '../../src/lines/json-line.js';

/* The one parser of a line of an events file, and its codes. */

const problem = (text: string): LineProblem => {
  const r = parseJsonLine(text);
  if (!isLineProblem(r)) throw new Error(`parsed: ${text}`);
  return r;
};

describe('parseJsonLine', () => {
  it('returns the object of a line that is one, with its keys as written', () => {
    expect(parseJsonLine('{"a":1,"__proto__":{"x":1}}')).toEqual(JSON.parse('{"a":1,"__proto__":{"x":1}}'));
    expect(Object.keys(parseJsonLine('{"b":1,"a":2}'))).toEqual(['b', 'a']);
  });

  it('is not_json with the parser message for a torn, blank or garbage line', () => {
    for (const text of ['{"a":', '', 'garbage', '{"a":1}x']) {
      const p = problem(text);
      expect(p.code, text).toBe('not_json');
      expect(p.message, text).toMatch(/^not JSON: /);
    }
  });

  it('is not_an_object, saying what the line is, for JSON that is not an object', () => {
    expect(problem('[1,2]')).toEqual(new LineProblem('not_an_object', 'not a JSON object (found an array)'));
    expect(problem('null').message).toBe('not a JSON object (found null)');
    expect(problem('"text"').message).toBe('not a JSON object (found string "text")');
    expect(problem('42').message).toBe('not a JSON object (found number 42)');
  });

  it('names a UTF-8 byte order mark at the start of a line, and one elsewhere outside a string', () => {
    expect(problem('\ufeff{"a":1}').message).toMatch(/^not JSON: the line starts with a UTF-8 byte order mark \(U\+FEFF, bytes EF BB BF\)/);
    expect(problem(' \ufeff{"a":1}').message).toMatch(/starts with a UTF-8 byte order mark/);
    expect(problem('{"a":\ufeff1}').message).toMatch(/byte order mark \(U\+FEFF\) at character 6, which JSON allows only inside a string$/);
    // Inside a string it is a character like any other.
    expect(parseJsonLine('{"a":"\ufeff"}')).toEqual({ a: '\ufeff' });
  });

  it('escapes the control characters the parser quotes from the line', () => {
    const p = problem('\u0000\u0000{');
    expect(p.message).not.toMatch(/[\u0000-\u001f]/);
  });
});

describe('readJsonLine', () => {
  it('is line_too_long for a truncated line, without parsing it, and invalid_utf8 for bytes checked and found not UTF-8', () => {
    expect(readJsonLine({ line: 3, text: '{"a":', offset: 0, bytes: 99, truncated: true }, 50)).toEqual(lineTooLong(99, 50));
    expect(lineTooLong(99, 50).message).toBe('the line is 99 bytes, longer than the 50 bytes the reader holds (maxLineBytes); it was not parsed');
    expect(readJsonLine({ line: 3, text: '{"a":"\ufffd"}', offset: 0, bytes: 9, truncated: false, validUtf8: false })).toMatchObject({ code: 'invalid_utf8' });
    expect(readJsonLine({ line: 3, text: '{"a":1}', offset: 0, bytes: 7, truncated: false, validUtf8: true })).toEqual({ a: 1 });
  });
});

describe('notAnEvent and formatLineProblem', () => {
  it('lists the first keys of an object that is no event, and formats FILE:LINE: CODE: MESSAGE', () => {
    const p = notAnEvent({ level: 'info', msg: 'x' });
    expect(p.code).toBe('not_an_event');
    expect(p.message).toMatch(/its keys are "level", "msg"$/);
    expect(formatLineProblem('app.log', 7, p)).toMatch(/^app\.log:7: not_an_event: not an event: /);
    expect(formatLineProblem(undefined, 7, problem('[]'))).toBe('7: not_an_object: not a JSON object (found an array)');
  });
});

describe('docs/errors.md', () => {
  it('documents every line problem code, once, in its line problem table', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const from = doc.indexOf('| line problem | meaning |');
    const table = doc.slice(from, doc.indexOf('\n\n', from));
    const documented = [...table.matchAll(/^\| `([a-z_0-9]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual([...LINE_PROBLEM_CODES]);
  });
});
