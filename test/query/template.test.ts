import { describe, expect, it } from 'vitest';
import { compileTemplate, TemplateExecError } from '../../src/query/template.js';
import { QueryError } from '../../src/query/index.js';

/*
 * line_format / label_format templates with Loki 3.7.6's functions
 * (pkg/logql/log/fmt.go, sprig v3.3.0 over spf13/cast v1.10.0, Go's strings
 * and fmt): each expected value is what Go computes. The conformance suite
 * checks the queries of Loki's docs and tests that use them against answers
 * recorded from a real Loki.
 */

const render = (template: string, labels: Record<string, string> = {}, line = 'the line') => compileTemplate(template)(labels, line);

function refused(template: string): QueryError {
  try {
    compileTemplate(template);
  } catch (e) {
    if (e instanceof QueryError) return e;
    throw e;
  }
  throw new Error(`expected ${template} to be refused`);
}

describe('div (sprig: toInt64(a) / toInt64(b))', () => {
  it.each([
    ['1234', '1'],
    ['1999', '1'],
    ['-1999', '-1'],
    ['12.7e3', '0'],
    ['1999.9', '1'],
    ['0x7d0', '2'],
    ['010000', '4'],
    ['1_000', '1'],
    ['1__000', '0'],
    ['08', '0'],
    ['0x1_000', '4'],
    ['', '0'],
    ['abc', '0'],
    ['99999999999999999999', '0'],
  ])('%s / 1000 = %s', (value, want) => {
    expect(render('{{div .d 1000}}', { d: value })).toBe(want);
  });

  it('in a pipe the value is the last argument', () => {
    expect(render('{{ .d | div 10000 }}', { d: '3' })).toBe('3333');
  });

  it('a division by zero fails the entry with Go’s message', () => {
    const t = compileTemplate('ms {{div .duration .zero}}');
    expect(() => t({ duration: '5' }, '')).toThrow(TemplateExecError);
    expect(() => t({ duration: '5' }, '')).toThrow(
      'template: line:1:5: executing "line" at <div .duration .zero>: error calling div: runtime error: integer divide by zero',
    );
  });
});

describe('Replace (Go strings.Replace)', () => {
  it.each([
    ['{{ Replace .q "\\n" "" -1 }}', 'a\nb\nc', 'abc'],
    ['{{ Replace .q "a" "b" 1 }}', 'aaa', 'baa'],
    ['{{ Replace .q "" "-" -1 }}', 'ab', '-a-b-'],
    ['{{ Replace .q "" "-" 2 }}', 'ab', '-a-b'],
    ['{{ Replace .q "x" "y" 0 }}', 'x', 'x'],
  ])('%s on %j', (template, q, want) => {
    expect(render(template, { q })).toBe(want);
  });

  it('refuses an argument Go would reject on every line', () => {
    expect(refused('{{ .q | Replace "a" "b" -1 }}').code).toBe('unsupported');
    expect(refused('{{ Replace .q "a" "b" .n }}').code).toBe('unsupported');
  });
});

describe('default, count, printf', () => {
  it('default: the value unless empty', () => {
    expect(render('{{ .a | default "-" }}', { a: 'x' })).toBe('x');
    expect(render('{{ .a | default "-" }}', { a: '' })).toBe('-');
    expect(render('{{ .missing | default "-" }}')).toBe('-');
    expect(render('{{ default "-" .a }}', { a: 'y' })).toBe('y');
  });

  it('count: Go’s non-overlapping matches, an empty match right after one not counted', () => {
    expect(render('{{ __line__ | count "XYZ" }}', {}, 'XYZ aXYZ XY')).toBe('2');
    expect(render('{{ __line__ | count "a*" }}', {}, 'baaac')).toBe('3');
    expect(render('{{ count "" .a }}', { a: 'héllo' })).toBe('6');
    expect(refused('{{ count "(" .a }}').code).toBe('unsupported');
  });

  it('printf: %s with width and precision in runes, %d, %v', () => {
    expect(render('[{{ printf "%-6.3s" .a }}]', { a: 'héllo' })).toBe('[hél   ]');
    expect(render('[{{ printf "%6s|%v" .a .a }}]', { a: 'ab' })).toBe('[    ab|ab]');
    expect(render('{{ printf "%d%%" (div .a 1) }}', { a: '42' })).toBe('42%');
    for (const t of ['{{ printf "%d" .a }}', '{{ printf "%s %s" .a }}', '{{ printf "%x" .a }}', '{{ printf "%05s" .a }}', '{{ printf .a }}']) {
      expect(refused(t).code, t).toBe('unsupported');
    }
  });

  it('refuses what depends on the time the query runs, and unknown functions', () => {
    for (const t of ['{{ now }}', '{{ unixEpoch now }}', '{{ __timestamp__ }}', '{{ if .a }}x{{ end }}', '{{ nope .a }}']) {
      expect(refused(t).code, t).toBe('unsupported');
    }
  });

  it('a quoted `}}` or `|` is text of the string, not the end of the action or a pipe', () => {
    expect(render('{{ .a | default "}}|" }}')).toBe('}}|');
  });
});

describe('string literals (Go strconv.Unquote, as text/template reads them)', () => {
  it('\\x and octal escapes are bytes: a UTF-8 sequence of them is its character', () => {
    expect(render('{{ "\\xc3\\xa9" }}')).toBe('é');
    expect(render('{{ "\\303\\251\\u00e9" }}')).toBe('éé');
  });

  it('refuses bytes that are not UTF-8 and escapes Go refuses, naming the escape', () => {
    expect(refused('{{ "\\xff" }}').message).toMatch(/not UTF-8/);
    // What Go refuses is a syntax error (Loki's template parser refuses it too); bytes that are not UTF-8 are unsupported.
    expect(refused('{{ "\\400" }}')).toMatchObject({ code: 'syntax', message: expect.stringMatching(/invalid escape \\400/) });
    expect(refused('{{ "\\ud800" }}')).toMatchObject({ code: 'syntax', message: expect.stringMatching(/not a Unicode scalar value/) });
    expect(refused('{{ "\\q" }}').code).toBe('syntax');
    expect(refused('{{ "\\xff" }}').code).toBe('unsupported');
  });
});
