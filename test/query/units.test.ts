import { describe, expect, it } from 'vitest';
import { formatFloatF, parseTime } from '../../src/query/entry.js';
import { goJson } from '../../src/query/go-json.js';
import { parseQuery } from '../../src/query/parse.js';
import { parseBytes, parseGoDuration, parseRangeDuration } from '../../src/query/units.js';
import { QueryError } from '../../src/query/types.js';
import { unquote } from '../../src/query/unquote.js';

describe('Go renderings', () => {
  it('goJson sorts keys at every level and escapes control characters, not HTML (as Loki shows a body)', () => {
    expect(goJson({ b: [{ y: 1, x: 2 }], a: 'é<>&\u2028\n\t"\\', c: null, d: true })).toBe(
      '{"a":"é<>&\\u2028\\n\\t\\"\\\\","b":[{"x":2,"y":1}],"c":null,"d":true}',
    );
    expect(goJson({ n: 1e21, m: 1e-7, k: 0.1, i: 123456789012 })).toBe('{"i":123456789012,"k":0.1,"m":1e-7,"n":1e+21}');
    expect(goJson('\u0001\b\f')).toBe('"\\u0001\\b\\f"');
  });

  it('sample values as strconv.FormatFloat(v, f, -1, 64), with Prometheus infinities', () => {
    expect(formatFloatF(1e21)).toBe('1000000000000000000000');
    expect(formatFloatF(1.5e-7)).toBe('0.00000015');
    expect(formatFloatF(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(formatFloatF(NaN)).toBe('NaN');
    expect(formatFloatF(-Infinity)).toBe('-Inf');
    expect(formatFloatF(Infinity)).toBe('+Inf');
  });

  it('times: RFC 3339 with optional fraction and offset, to ms and ns', () => {
    expect(parseTime('2026-03-30T14:23:45Z')).toEqual([Date.parse('2026-03-30T14:23:45Z'), 0]);
    expect(parseTime('2026-03-30T14:23:45.120Z')).toEqual([Date.parse('2026-03-30T14:23:45.120Z'), 0]);
    expect(parseTime('2026-03-30T14:23:45.123456789Z')).toEqual([Date.parse('2026-03-30T14:23:45.123Z'), 456789]);
    expect(parseTime('2026-03-30T16:23:45+02:00')).toEqual([Date.parse('2026-03-30T14:23:45Z'), 0]);
    expect(parseTime('yesterday')).toBeUndefined();
    expect(parseTime(17)).toBeUndefined();
  });

  it('times: a fraction past nine digits is truncated to the nanosecond, and a comma is a decimal mark, as Go reads them', () => {
    // What Go 1.26's time.Parse("2006-01-02T15:04:05Z07:00", …) gives, as t.UnixNano(): the layout the Collector's time_parser uses.
    const go: [string, bigint | undefined][] = [
      ['2026-12-07T17:52:57.957123456789Z', 1796665977957123456n],
      ['2026-12-07T17:52:57.9571234569999999999999+02:00', 1796658777957123456n],
      ['2026-12-07T17:52:57,957Z', 1796665977957000000n],
      ['2026-12-07T17:52:57.1Z', 1796665977100000000n],
      ['2026-12-07T17:52:57.Z', undefined],
      ['2026-12-07T17:52:57z', undefined],
    ];
    for (const [text, ns] of go) {
      const t = parseTime(text);
      expect(t === undefined ? undefined : BigInt(t[0]) * 1_000_000n + BigInt(t[1]), text).toBe(ns);
    }
  });

  it('times that do not exist are not read as another time (Date.UTC would roll 2026-02-30 over to 2 March)', () => {
    expect(parseTime('2024-02-29T00:00:00.000Z')).toEqual([Date.parse('2024-02-29T00:00:00Z'), 0]);
    // Both the cached-minute path (24 characters, Z) and the general one.
    for (const t of [
      '2026-02-30T00:00:00.000Z',
      '2026-02-30T00:00:00Z',
      '2026-04-31T10:00:00.000Z',
      '2100-02-29T00:00:00.000Z',
      '2026-03-30T24:00:00.000Z',
      '2026-03-30T23:60:00Z',
      '2026-03-30T23:59:60Z',
      '2026-03-30T10:00:00+24:00',
    ]) {
      expect(parseTime(t), t).toBeUndefined();
    }
  });

  it('durations and byte sizes as Prometheus, Go and go-humanize read them', () => {
    expect(parseRangeDuration('1h30m')).toBe(5_400_000_000_000n);
    expect(parseRangeDuration('1d')).toBe(86_400_000_000_000n);
    expect(parseGoDuration('1.5s')).toBe(1.5e9);
    expect(parseGoDuration('250ms')).toBe(2.5e8);
    expect(parseGoDuration('3 s')).toBeUndefined();
    expect(parseBytes('10KB')).toBe(10_000);
    expect(parseBytes('10KiB')).toBe(10_240);
    expect(parseBytes('1.5 MB')).toBe(1_500_000);
    expect(parseBytes('42')).toBe(42);
    expect(parseBytes('many')).toBeUndefined();
  });
});

describe("parsing with Grafana's grammar and Loki's precedence", () => {
  it('re-associates binary operators: ^ > * / % > + - > comparisons > and unless > or', () => {
    expect(parseQuery('1 + 2 * 3')).toEqual({ kind: 'literal', value: 7 });
    expect(parseQuery('2 ^ 3 ^ 2')).toEqual({ kind: 'literal', value: 512 });
    expect(parseQuery('(1 + 2) * 3')).toEqual({ kind: 'literal', value: 9 });
    expect(parseQuery('10 - 4 - 3')).toEqual({ kind: 'literal', value: 3 });
    expect(parseQuery('1 / 0')).toEqual({ kind: 'literal', value: NaN });
    const q = parseQuery('sum(count_over_time({a="b"}[1m])) or sum(count_over_time({a="c"}[1m])) and sum(count_over_time({a="d"}[1m]))');
    expect(q).toMatchObject({ kind: 'binary', op: 'or', right: { kind: 'binary', op: 'and' } });
  });

  it('label filters: and binds tighter than or; a space or comma is and', () => {
    const q = parseQuery('{a="b"} | x="1" or y="2" and z="3"');
    expect(q).toMatchObject({ stages: [{ kind: 'label_filter', filter: { kind: 'or', right: { kind: 'and' } } }] });
    const c = parseQuery('{a="b"} | x="1", y="2"');
    expect(c).toMatchObject({ stages: [{ kind: 'label_filter', filter: { kind: 'and' } }] });
  });

  it('unquotes Go strings and raw strings', () => {
    expect(parseQuery('{a="b\\"c\\u00e9\\x41"}')).toMatchObject({ matchers: [{ value: 'b"céA' }] });
    expect(parseQuery('{a=`b\\"c`}')).toMatchObject({ matchers: [{ value: 'b\\"c' }] });
  });

  // Each literal's answer from Go 1.26's strconv.Unquote (which Loki's lexer and text/template use), run on this list:
  // `ok` is Go's result; `syntax` Go's "invalid syntax"; `not_utf8` a result Go accepts whose bytes are not UTF-8.
  const GO_UNQUOTE: [string, string | 'syntax' | 'not_utf8'][] = [
    ['"abc"', 'abc'],
    ['"a\\"b"', 'a"b'],
    ['"\\x41"', 'A'],
    ['"\\xff"', 'not_utf8'],
    ['"\\xe9"', 'not_utf8'],
    ['"\\xc3"', 'not_utf8'],
    ['"\\xc3\\xa9"', 'é'],
    ['"\\303\\251"', 'é'],
    ['"\\101"', 'A'],
    ['"\\400"', 'syntax'],
    ['"\\777"', 'syntax'],
    ['"\\u00e9"', 'é'],
    ['"\\ud800"', 'syntax'],
    ['"\\U0001F600"', '😀'],
    ['"\\U00110000"', 'syntax'],
    ['"\\\'"', 'syntax'],
    ['"a\nb"', 'syntax'],
    ['"\\a\\b\\f\\n\\r\\t\\v\\\\"', '\x07\b\f\n\r\t\v\\'],
    ['"\\q"', 'syntax'],
    ['"\\x4"', 'syntax'],
    ['"\\u12"', 'syntax'],
    ['"\\12"', 'syntax'],
    ['"é"', 'é'],
    ['"tab\there"', 'tab\there'],
    ['"\\x00"', '\0'],
    ['"\\000"', '\0'],
    ['"a\\xc3\\xa9\\u00e9"', 'aéé'],
    ['`raw\\n`', 'raw\\n'],
    ['`a\nb`', 'a\nb'],
    ['`a\r\nb`', 'a\nb'],
    ['""', ''],
    ['"\\"', 'syntax'],
    ['"a"b"', 'syntax'],
  ];
  it.each(GO_UNQUOTE)("unquote(%s) is Go strconv.Unquote's answer: %j", (literal, want) => {
    if (want === 'syntax' || want === 'not_utf8') {
      expect(() => unquote(literal)).toThrow(expect.objectContaining({ name: 'UnquoteError', reason: want }));
    } else expect(unquote(literal)).toBe(want);
  });

  it('a string whose escapes are not UTF-8 is refused as unsupported, a Go syntax error as a syntax error', () => {
    expect(() => parseQuery('{a="b"} |= "\\xff"')).toThrow(expect.objectContaining({ code: 'unsupported', message: expect.stringMatching(/not UTF-8/) }));
    expect(() => parseQuery('{a="b"} |= "\\400"')).toThrow(expect.objectContaining({ code: 'syntax', message: expect.stringMatching(/invalid escape \\400/) }));
    expect(parseQuery('{a="b"} |= "\\xc3\\xa9"')).toMatchObject({ stages: [{ kind: 'line_filter', filter: { values: ['é'] } }] });
  });

  it('a syntax error is a QueryError with the position', () => {
    for (const [q, at] of [
      ['{a="b"} |= ', 11],
      ['sum by (x (count_over_time({a="b"}[1m]))', 9],
      ['count_over_time({a="b"})', 23],
    ] as const) {
      try {
        parseQuery(q);
        expect.fail(q);
      } catch (e) {
        expect(e).toBeInstanceOf(QueryError);
        expect((e as QueryError).code).toBe('syntax');
        expect((e as QueryError).position, q).toBeLessThanOrEqual(at + 1);
      }
    }
  });
});
