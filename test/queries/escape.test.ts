import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INTENT, contractSpans, countByEvent, failingAssertionSpans, failingAssertions } from '../../src/intent/index.js';
import {
  QueryInputError,
  duration,
  escapeRegex,
  eventsByPattern,
  eventsOfTrace,
  eventsOfTraceKey,
  failureShare,
  grafanaVariable,
  logqlString,
  quantile,
  spansWithEventId,
  traceSpansByKey,
  traceqlString,
  type LogqlQuery,
  type TraceqlQuery,
} from '../../src/queries/index.js';
import { re2, shape, stringLiterals, syntaxErrors, unquote, type Language } from '../support/query-grammar.js';
import { PROPERTY_TEST_TIMEOUT_MS } from '../support/timeouts.js';

/*
 * No user value may change a query's structure. For every query
 * function and every hostile value: the query parses with Grafana's grammar
 * without an error node, its tree has the same shape as with a benign value
 * (so no matcher, stage or operator was added or lost), and the value comes
 * back, exactly, out of one string literal.
 */
const HOSTILE = [
  '"',
  '\\',
  '\\"',
  '"\\',
  '"} |= "x',
  '"} | json | x="',
  'x"} or vector(1) or {y="',
  '}',
  '{',
  '|',
  '| line_format "{{.x}}"',
  '\n',
  'a\nb',
  '"\n} | json',
  '\r\n',
  '\t',
  '\u0000',
  '\u007f',
  '\u001b[31m',
  '`',
  '` | json `',
  '$service',
  '${__range}',
  '.*',
  '(a|b)+[',
  '%',
  '_',
  '%_%',
  'caf\u00e9',
  '\u{1F600}',
  '\u2028',
  '" && status = error && name = "',
  '} | select(span.x) | {',
  "'",
  '',
  ' ',
  '#',
  'a"b\\"c\\\\"d',
  'TRACE-015\u0000',
  'two\nlines\u0000with `ticks`\r',
];

const BENIGN = 'benign';

interface Subject {
  readonly name: string;
  readonly language: Language;
  readonly build: (value: string) => LogqlQuery | TraceqlQuery;
}

const SUBJECTS: Subject[] = [
  { name: 'LogQL service selector', language: 'logql', build: (v) => eventsByPattern({ service: v, pattern: '%.failed:%' }) },
  { name: 'LogQL trace id', language: 'logql', build: (v) => eventsOfTrace({ service: 'intent-demo', traceId: v }) },
  { name: 'LogQL trace key', language: 'logql', build: (v) => eventsOfTraceKey({ traceKey: v }) },
  { name: 'LogQL assertion name', language: 'logql', build: (v) => failingAssertions({ service: 'intent-demo', assertionName: v }) },
  { name: 'LogQL contract id', language: 'logql', build: (v) => failingAssertions({ contractId: v }) },
  {
    name: 'LogQL agent in a metric query',
    language: 'logql',
    build: (v) => failureShare({ service: 'intent-demo', by: 'agent', agent: v, attempts: 'agent.code.generated:%', window: '1h' }),
  },
  {
    name: 'LogQL agent in countByEvent',
    language: 'logql',
    build: (v) => countByEvent({ service: v, agent: v, window: '5m', events: [INTENT.CONTRACT_STARTED] }),
  },
  { name: 'TraceQL service', language: 'traceql', build: (v) => failingAssertionSpans({ service: v }) },
  { name: 'TraceQL assertion name', language: 'traceql', build: (v) => failingAssertionSpans({ service: 'intent-demo', assertionName: v }) },
  { name: 'TraceQL contract id', language: 'traceql', build: (v) => contractSpans({ contractId: v }) },
  { name: 'TraceQL trace key', language: 'traceql', build: (v) => traceSpansByKey({ traceKey: v }) },
  { name: 'TraceQL regex value', language: 'traceql', build: (v) => spansWithEventId({ regex: v }) },
];

/** TraceQL cannot carry a line feed together with a backtick or a carriage return (escape.ts). */
const unrepresentable = (language: Language, value: string) =>
  language === 'traceql' && !value.includes('\u0000') && value.includes('\n') && (value.includes('`') || value.includes('\r'));

/** Tempo's lexer (Go's text/scanner) refuses a raw NUL anywhere; such values go Go-escaped (escape.ts). */
const holdsNul = (language: Language, value: string) => language === 'traceql' && value.includes('\u0000');

function checkContained(subject: Subject, value: string) {
  const benign = subject.build(BENIGN).expr;
  const hostile = subject.build(value).expr;
  if (holdsNul(subject.language, value)) {
    // Grafana's editor grammar reads no escapes, so compare with the benign query instead.
    expect(hostile).not.toContain('\u0000');
    expect(hostile).toBe(benign.replace(traceqlString(BENIGN), () => traceqlString(value)));
    expect(unquote(traceqlString(value))).toBe(value);
    return;
  }
  expect(syntaxErrors(subject.language, hostile), hostile).toEqual([]);
  expect(shape(subject.language, hostile), hostile).toBe(shape(subject.language, benign));
  const literals = stringLiterals(subject.language, hostile).map(unquote);
  expect(literals.length).toBe(stringLiterals(subject.language, benign).length);
  expect(literals, hostile).toContain(value);
}

describe.each(SUBJECTS)('$name', (subject) => {
  it.each(HOSTILE.map((h) => [JSON.stringify(h), h] as const))('keeps %s inside one string literal', (_, value) => {
    if (unrepresentable(subject.language, value)) {
      expect(() => subject.build(value)).toThrow(expect.objectContaining({ code: 'unrepresentable_traceql_string' }));
      return;
    }
    checkContained(subject, value);
  });

  it(
    'keeps any well-formed Unicode string inside one literal (property)',
    () => {
      fc.assert(
        fc.property(
          fc.string({
            unit: fc.oneof(
              fc.constantFrom('"', '\\', '`', '\n', '\r', '{', '}', '|', '$', '%', ' '),
              fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
            ),
          }),
          (value) => {
            if (unrepresentable(subject.language, value)) return;
            checkContained(subject, value);
          },
        ),
        { numRuns: 150 },
      );
      // A budget, not a measurement: 150 parses with Grafana's grammar on a
      // loaded machine can outlast vitest's 5 s default.
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it('refuses a lone surrogate, which no UTF-8 literal can carry', () => {
    expect(() => subject.build('a\uD800b')).toThrow(expect.objectContaining({ code: 'lone_surrogate' }));
  });
});

describe('hostile % patterns', () => {
  // A benign twin has the same % and : in the same places, so the same translation kind.
  const twin = (p: string) => p.replace(/[^%:]/g, 'a');
  const PATTERNS = ['"%', '%"} |= "', '%\\%', '%\n%', '`%:%`', '%.fail{1}ed:%', '%|%', '(%):1', 'a"b:%', '%:"1"', '%_%', 'caf\u00e9.%', '\u{1F600}%:1'];

  it.each(PATTERNS)('translates %j into stages whose shape does not depend on its literal characters', (pattern) => {
    const expr = eventsByPattern({ service: 'intent-demo', pattern }).expr;
    expect(syntaxErrors('logql', expr), expr).toEqual([]);
    expect(shape('logql', expr)).toBe(shape('logql', eventsByPattern({ service: 'intent-demo', pattern: twin(pattern) }).expr));
  });

  it('matches the literal parts of a hostile pattern literally', () => {
    // One colon: the name part becomes a regex with the literal run escaped, the version an equality.
    const expr = eventsByPattern({ service: 'x', pattern: 'x.*"} |= "%:1' }).expr;
    const [, nameRegex, version] = stringLiterals('logql', expr).map(unquote);
    expect(nameRegex).toBe('x\\.\\*"\\} \\|= ".*');
    expect(version).toBe('1');
    expect(re2(nameRegex!).test('x.*"} |= "anything')).toBe(true);
    expect(re2(nameRegex!).test('xx*"} |= "anything')).toBe(false);
    expect(re2(nameRegex!).test('x.*"} |  "anything')).toBe(false);
  });
});

describe('logqlString', () => {
  it('escapes backslash, quote, line feed and control characters, and leaves Unicode as it is', () => {
    expect(logqlString('a"b\\c\nd\te\u0000\u00e9\u{1F600}')).toBe('"a\\"b\\\\c\\nd\\u0009e\\u0000\u00e9\u{1F600}"');
  });

  it(
    'round-trips through Go unquoting (property)',
    () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), (s) => {
          expect(unquote(logqlString(s))).toBe(s);
        }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});

describe('traceqlString', () => {
  it("writes a NUL as \\u0000 in a Go-escaped literal, since Tempo's lexer refuses a raw NUL anywhere", () => {
    expect(traceqlString('TRACE-015\u0000')).toBe('"TRACE-015\\u0000"');
    expect(traceSpansByKey({ traceKey: 'TRACE-015\u0000' }).expr).toBe('{ span.factline.trace_key = "TRACE-015\\u0000" }');
    expect(traceqlString('a"\\\n\u0000`\r')).toBe('"a\\"\\\\\\n\\u0000`\r"');
    expect(unquote(traceqlString('a"\\\n\u0000`'))).toBe('a"\\\n\u0000`');
  });

  it("escapes backslash and quote only, as Grafana's TraceQL grammar reads no other escape", () => {
    expect(traceqlString('a"b\\c\td')).toBe('"a\\"b\\\\c\td"');
  });

  it('writes a value with a line feed as a backtick raw string, the one form Tempo and Grafana both accept', () => {
    expect(traceqlString('a\nb')).toBe('`a\nb`');
    expect(syntaxErrors('traceql', `{ span.x = ${traceqlString('a\nb')} }`)).toEqual([]);
  });

  it('refuses a line feed with a backtick or a carriage return, with a code and a fix', () => {
    for (const v of ['a\n`', 'a\r\nb']) {
      expect(() => traceqlString(v)).toThrow(QueryInputError);
      expect(() => traceqlString(v)).toThrow(/remove one of them/);
    }
  });
});

describe('escapeRegex', () => {
  it("escapes every RE2 metacharacter (Go's regexp.QuoteMeta set)", () => {
    expect(escapeRegex('\\.+*?()|[]{}^$')).toBe('\\\\\\.\\+\\*\\?\\(\\)\\|\\[\\]\\{\\}\\^\\$');
    expect(escapeRegex('a-b_c%d:e/f')).toBe('a-b_c%d:e/f');
  });

  it(
    'gives a regex that matches exactly its input (property)',
    () => {
      fc.assert(
        fc.property(
          fc.string({ unit: 'binary' }).filter((s) => !s.includes('\n')),
          fc.string({ unit: 'binary', minLength: 1 }),
          (s, extra) => {
            const regex = re2(escapeRegex(s));
            expect(regex.test(s)).toBe(true);
            expect(regex.test(s + extra)).toBe(false);
          },
        ),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});

describe('duration', () => {
  it.each(['250ms', '30s', '5m', '1h', '7d', '2w', '1y'])('accepts %s', (d) => expect(duration(d)).toBe(d));

  it.each(['', '5', 'm', '0s', '05m', '1.5h', '5M', '1h30m', ' 5m', '5m ', '5m]) or vector(1) #', '$__range', '-1h'])(
    'refuses %j with invalid_duration',
    (d) => {
      expect(() => duration(d)).toThrow(expect.objectContaining({ code: 'invalid_duration' }));
    },
  );

  it('is checked by every windowed query', () => {
    expect(() => failureShare({ by: 'domain', window: '1h] or vector(1)' })).toThrow(QueryInputError);
  });
});

describe('quantile', () => {
  it.each([0, 0.5, 0.95, 0.999, 1])('accepts %s', (q) => expect(quantile(q)).toBe(String(q)));
  it.each([-0.1, 1.1, Number.NaN, Number.POSITIVE_INFINITY, 1e-7])('refuses %s', (q) => {
    expect(() => quantile(q)).toThrow(expect.objectContaining({ code: 'invalid_quantile' }));
  });
});

describe('grafanaVariable', () => {
  it.each(['a b', '1x', 'a}', 'a:b', '', '__range', 'x"'])('refuses the name %j', (name) => {
    expect(() => grafanaVariable(name)).toThrow(expect.objectContaining({ code: 'invalid_variable_name' }));
  });

  it('is written ${name} in the quotes it asks for', () => {
    expect(eventsByPattern({ service: grafanaVariable('service'), pattern: grafanaVariable('pattern', { quote: 'backtick' }) }).expr).toBe(
      '{service_name=~"${service}"} | factline_event_id=~`${pattern}`',
    );
  });
});
