import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalBackend, QueryError } from '../../src/query/index.js';
import { RE2JS } from 're2js';
import { compileRegex, compileSubmatchRegex, goExpand, requiredLiterals } from '../../src/query/regex.js';
import { envelope, ns, tempDir, writeLines } from './support.js';

/*
 * Every user-supplied LogQL regular expression runs with RE2 semantics, as on
 * Loki: patterns that backtrack exponentially in JavaScript finish, and RE2
 * syntax errors (lookaround, backreferences) are refused with Go's message.
 */

const START = ns('2026-11-30T09:00:00.000Z');
const END = ns('2026-11-30T11:00:00.000Z');
const evil = 'a'.repeat(45) + '!';

function backend() {
  const file = writeLines(join(tempDir(), 'events.jsonl'), [
    envelope({ event_id: 'agent.code.generated:1', time: '2026-11-30T10:00:00.000Z', service_name: evil, payload: { text: evil } }),
  ]);
  return createLocalBackend({ files: [file] });
}

async function count(query: string): Promise<number> {
  const res = await backend().queryRange({ query, start: START, end: END });
  if (res.data.resultType !== 'streams') throw new Error('expected streams');
  return res.data.result.reduce((n, s) => n + s.values.length, 0);
}

async function rejection(query: string): Promise<QueryError> {
  try {
    await backend().queryRange({ query, start: START, end: END });
  } catch (e) {
    if (e instanceof QueryError) return e;
    throw e;
  }
  throw new Error(`expected ${query} to be refused`);
}

describe('LogQL regular expressions (RE2)', () => {
  it('a pattern that backtracks exponentially in JavaScript finishes, in every place a regex goes', async () => {
    // Each of these would run for minutes with a backtracking engine.
    expect(await count('{service_name=~".+"} |~ "(a+)+$"')).toBe(0);
    expect(await count('{service_name=~".+"} !~ "(a+)+$"')).toBe(1);
    expect(await count('{service_name=~"(a+)+"}')).toBe(0);
    expect(await count('{service_name=~".+"} | service_name=~"(a+)+"')).toBe(0);
    expect(await count('{service_name=~".+"} | service_name!~"(a+)+"')).toBe(1);
  });

  it('RE2 syntax without a JavaScript spelling works (POSIX classes, \\Q..\\E, (?U), \\pL)', async () => {
    expect(await count('{service_name=~".+"} |~ "[[:alpha:]]+!"')).toBe(1);
    expect(await count('{service_name=~".+"} |~ "\\\\Qaa!\\\\E"')).toBe(1);
    expect(await count('{service_name=~".+"} |~ "(?U)a+"')).toBe(1);
    expect(await count('{service_name=~"\\\\pL+!"}')).toBe(1);
  });

  it('line filters match anywhere, label matchers the whole value', () => {
    expect(compileRegex('a!', false).test(evil)).toBe(true);
    expect(compileRegex('a!', true).test(evil)).toBe(false);
    expect(compileRegex('a+!|x', true).test(evil)).toBe(true);
  });

  it("lookaround and backreferences are refused with Go's message, as Loki refuses them", async () => {
    for (const [q, what] of [
      ['{service_name=~".+"} |~ "(?=a)"', 'invalid or unsupported Perl syntax: `(?='],
      ['{service_name=~"(?!a)b"}', 'invalid or unsupported Perl syntax: `(?!'],
      ['{service_name=~".+"} | service_name=~"(?<=a)"', 'invalid named capture: `(?<=a)`'],
      ['{service_name=~".+"} !~ "(a)\\\\1"', 'invalid escape sequence: `\\1`'],
    ] as const) {
      const e = await rejection(q);
      expect(e.code, q).toBe('syntax');
      expect(e.message, q).toMatch(/^parse error at line 1, col \d+: error parsing regexp: /);
      expect(e.message, q).toContain(what);
    }
  });
});

describe('long and short inputs match alike', () => {
  it('a line over the byte-matching threshold gives the same answers as a short one, non-ASCII and case-folded too', () => {
    const pad = 'x'.repeat(200);
    for (const [p, s, want] of [
      ['é+t', 'caféét', true],
      ['(?i)ÉCOLE', 'école', true],
      ['^a.b$', 'a😀b', true],
      ['\\bword\\b', 'a word here', true],
      ['[[:upper:]]{3}', 'abcDEf', false],
    ] as const) {
      expect(compileRegex(p, false).test(s), p).toBe(want);
      // An anchored pattern is checked long below, with the padding after it.
      if (!p.startsWith('^')) expect(compileRegex(p, false).test(pad + s + pad), `${p} long`).toBe(want);
    }
    expect(compileRegex('^a.b$', false).test('a😀b' + pad)).toBe(false);
    expect(compileRegex('^a.b', false).test('a😀b' + pad)).toBe(true);
    expect(compileRegex('😀b', false).test(pad + 'a😀b')).toBe(true);
  });
});

describe('files the local engine reads', () => {
  it('a directory or a device is unavailable, not read forever', async () => {
    for (const [f, why] of [
      [tempDir(), 'is a directory'],
      ['/dev/zero', 'is not a regular file'],
    ] as const) {
      const e = await createLocalBackend({ files: [f] })
        .queryRange({ query: '{a="b"}', start: START, end: END })
        .then(
          () => undefined,
          (x: unknown) => x as QueryError,
        );
      expect(e?.code, f).toBe('unavailable');
      expect(e?.message, f).toContain(why);
    }
  });
});

describe("Go's Regexp.Expand, as label_replace uses it", () => {
  const re = compileSubmatchRegex('^(?:(?P<first>[a-z]+)-([0-9]+)(x)?)$');
  const groups = re.exec('web-42')!;
  it.each([
    ['$1', 'web'],
    ['${1}', 'web'],
    ['$first/$2', 'web/42'],
    ['${first}_x', 'web_x'],
    ['$first_x', ''], // `first_x` is the name: no such group
    ['$1x', ''], // `1x` is a name, not group 1
    ['$3', ''], // took no part
    ['$9', ''], // no such group
    ['$$1', '$1'],
    ['a$', 'a$'],
    ['${1', '${1'],
    ['plain', 'plain'],
  ])('%s -> %s', (template, want) => {
    expect(goExpand(template, re, groups)).toBe(want);
  });
});

describe('speed-ups that never change an answer', () => {
  it('the literals every match contains, per alternative; none outside the subset read', () => {
    expect(requiredLiterals('Refactored .* to validate')).toEqual([['Refactored ', ' to validate']]);
    expect(requiredLiterals('ab+c*d?e')).toEqual([['ab', 'e']]);
    expect(requiredLiterals('a|b(c)d')).toEqual([['a'], ['b', 'd']]);
    expect(requiredLiterals('a\\.b\\d[x\\]y]z')).toEqual([['a.b', 'z']]);
    expect(requiredLiterals('(?i:x)abc')).toEqual([['abc']]);
    expect(requiredLiterals('(?i)abc')).toBeUndefined();
    expect(requiredLiterals('x|.*')).toBeUndefined();
    expect(requiredLiterals('a{2}')).toBeUndefined();
    expect(requiredLiterals('\\Qa.b\\E')).toBeUndefined();
  });

  it('`lit.*lit` patterns answer as RE2 on every input', () => {
    const patterns = ['a.*b', 'a.+b', '.+a', 'a.+', 'ab.*.+cd', '.*', '.+', 'a.*b.*c', 'é.*ü', 'x\\.y.*z', 'a.*?b', '.*a.*'];
    const inputs = [
      '',
      'a',
      'ab',
      'a b',
      'ba',
      'xab',
      'abc',
      'a\nb',
      'aé',
      'éü',
      'é😀ü',
      'ab cd',
      'abcd',
      'ab xcd',
      'acb',
      'x.y z',
      'xzy z',
      'a😀',
      '😀a',
      '\ud800a',
      '\n',
    ];
    const utf8 = new TextEncoder();
    for (const p of patterns) {
      const re = RE2JS.compile(p);
      const compiled = compileRegex(p, false);
      for (const s of inputs) expect([p, s, compiled.test(s)]).toEqual([p, s, re.test(utf8.encode(s))]);
    }
  });
});
