import { describe, expect, it } from 'vitest';
import { createConsoleSink, detectColor, displayTime, formatEventLine, isBareToken, type ConsoleStream } from '../../src/sinks/console/index.js';
import type { FactlineEvent } from '../../src/envelope/event.js';
import type { Severity } from '../../src/envelope/severity.js';
import { collectProblems, makeEvent, typeInfo } from './fixtures.js';

const ev = (event_id: string, time: string, payload: unknown, severity: Severity = 'INFO'): FactlineEvent =>
  makeEvent(payload, { event_id, time, observed_time: time, severity });

function fakeStream(isTTY = false): ConsoleStream & { out: string[] } {
  const out: string[] = [];
  return { out, isTTY, write: (s: string) => out.push(s) };
}

const ESC = '\x1b[';

describe('formatEventLine reproduces seed 000', () => {
  // One setting reproduces every seed line: UUIDs shorten to their first
  // group, every other value there is shorter than 32 characters.
  const seedOptions = { maxValueLength: 32 };

  it('prints the auth example lines exactly', () => {
    const events = [
      ev('auth.user.login:1', '2026-01-23T14:32:01.000Z', {
        user_id: '550e8400-e29b-41d4-a716-446655440000',
        ip: '192.168.1.42',
        method: 'password',
        mfa: true,
      }),
      ev('auth.user.login:1', '2026-01-23T14:32:15.000Z', { user_id: '7c9e6679-7425-40de-944b-e07fc1f90ae7', ip: '10.0.0.55', method: 'oauth', mfa: false }),
      ev('auth.user.locked:1', '2026-01-23T14:32:47.000Z', { user_id: 'a1b2c3d4-e5f6-4789-abcd-ef0123456789', attempts: 5, duration_mins: 30 }, 'WARN'),
      ev('auth.user.logout:1', '2026-01-23T14:33:02.000Z', { user_id: '550e8400-e29b-41d4-a716-446655440000', reason: 'user_initiated' }),
    ];
    expect(events.map((e) => formatEventLine(e, seedOptions))).toEqual([
      'auth.user.login:1 @ 2026-01-23T14:32:01Z user_id=550e8400... ip=192.168.1.42 method="password" mfa=true',
      'auth.user.login:1 @ 2026-01-23T14:32:15Z user_id=7c9e6679... ip=10.0.0.55 method="oauth" mfa=false',
      'auth.user.locked:1 @ 2026-01-23T14:32:47Z user_id=a1b2c3d4... attempts=5 duration_mins=30',
      'auth.user.logout:1 @ 2026-01-23T14:33:02Z user_id=550e8400... reason="user_initiated"',
    ]);
  });

  it('prints the agent example lines exactly when the time is left out', () => {
    const t = '2026-01-23T14:40:00.000Z';
    const events = [
      ev('agent.code.generated:1', t, { file: 'src/auth/login.rs', lines: 47, model: 'claude-3.5-sonnet', confidence: 0.94 }),
      ev('agent.test.failed:1', t, { test: 'generated_code_tests', reason: 'assertion failed at line 34' }, 'ERROR'),
      ev('agent.code.generated:1', t, { file: 'src/auth/login.rs', lines: 52, model: 'claude-3.5-sonnet', confidence: 0.91 }),
      ev('agent.test.passed:1', t, { test: 'generated_code_tests' }),
    ];
    expect(events.map((e) => formatEventLine(e, { ...seedOptions, time: false }))).toEqual([
      'agent.code.generated:1 file="src/auth/login.rs" lines=47 model="claude-3.5-sonnet" confidence=0.94',
      'agent.test.failed:1 test="generated_code_tests" reason="assertion failed at line 34"',
      'agent.code.generated:1 file="src/auth/login.rs" lines=52 model="claude-3.5-sonnet" confidence=0.91',
      'agent.test.passed:1 test="generated_code_tests"',
    ]);
  });

  it('prints values in full by default', () => {
    const e = ev('auth.user.login:1', '2026-01-23T14:32:01.000Z', {
      user_id: '550e8400-e29b-41d4-a716-446655440000',
      ip: '192.168.1.42',
      method: 'password',
      mfa: true,
    });
    expect(formatEventLine(e)).toBe(
      'auth.user.login:1 @ 2026-01-23T14:32:01Z user_id=550e8400-e29b-41d4-a716-446655440000 ip=192.168.1.42 method="password" mfa=true',
    );
  });
});

describe('formatEventLine values', () => {
  const line = (payload: unknown, options = {}) =>
    formatEventLine(ev('a.b.c:1', '2026-01-01T00:00:00.000Z', payload), options).replace('a.b.c:1 @ 2026-01-01T00:00:00Z', '');

  it('keeps non-zero milliseconds and drops zero ones', () => {
    expect(displayTime('2026-01-23T14:32:01.000Z')).toBe('2026-01-23T14:32:01Z');
    expect(displayTime('2026-01-23T14:32:01.250Z')).toBe('2026-01-23T14:32:01.250Z');
    expect(displayTime('2026-01-23T16:32:01.000+02:00')).toBe('2026-01-23T14:32:01Z');
  });

  it('prints null, numbers and booleans bare and arrays and objects as compact JSON', () => {
    expect(line({ a: null, b: -1.5, c: false, d: [1, 'x'], e: { k: 'v' } })).toBe(' a=null b=-1.5 c=false d=[1,"x"] e={"k":"v"}');
  });

  it('prints ids and addresses bare, and words, sentences and number-like strings quoted', () => {
    expect(isBareToken('192.168.1.42')).toBe(true);
    expect(isBareToken('2001:db8::1')).toBe(true);
    expect(isBareToken('10.0.0.0/8')).toBe(true);
    expect(isBareToken('claude-3.5-sonnet')).toBe(false);
    expect(isBareToken('password')).toBe(false);
    expect(isBareToken('42')).toBe(false);
    expect(isBareToken('1e5')).toBe(false);
    expect(line({ n: '42', s: 'two words', nl: 'a\nb', empty: '' })).toBe(' n="42" s="two words" nl="a\\nb" empty=""');
  });

  it('quotes keys that are not safe identifiers', () => {
    expect(line({ 'a b': 1, 'x=y': 2, ok_key: 3, 'http.status': 4 })).toBe(' "a b"=1 "x=y"=2 ok_key=3 http.status=4');
  });

  it('leaves out undefined values and never throws on values JSON cannot hold', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(line({ u: undefined, big: 10n, nested: { n: 1n }, cyc: cyclic })).toBe(' big=10n nested={"n":"1n"} cyc="[unserialisable]"');
  });

  it('cuts long values when maxValueLength is set, ending them with ...', () => {
    expect(line({ reason: 'assertion failed at line 34', list: [1, 2, 3, 4, 5], n: 123456789 }, { maxValueLength: 9 })).toBe(
      ' reason="assertion..." list=[1,2,3,4,... n=123456789',
    );
  });

  it('never splits a surrogate pair when cutting', () => {
    expect(line({ s: '😀😀😀' }, { maxValueLength: 2 })).toBe(' s="😀😀..."');
  });

  it('prints a payload that is not an object as payload=', () => {
    expect(line('just text')).toBe(' payload="just text"');
  });

  it('marks an invalid event with its issue codes', () => {
    const e = makeEvent(
      { user_id: 5 },
      {
        invalid: {
          issues: [
            { code: 'schema', schemaCode: 'invalid_type', path: ['user_id'], message: 'x' },
            { code: 'schema', schemaCode: 'invalid_type', path: ['ip'], message: 'y' },
            { code: 'non_finite_number', path: ['n'], message: 'z' },
          ],
        },
      },
    );
    expect(formatEventLine(e)).toBe('auth.user.login:1 @ 2026-01-23T14:32:01Z user_id=5 !invalid(invalid_type,non_finite_number)');
  });
});

describe('colour', () => {
  const error = ev('agent.test.failed:1', '2026-01-23T14:32:01.000Z', { test: 'x' }, 'ERROR');

  it('is off when the stream is not a TTY', () => {
    const stream = fakeStream(false);
    const sink = createConsoleSink({ stream });
    sink.write(error, typeInfo('agent.test.failed:1', 'ERROR'));
    expect(stream.out).toEqual(['agent.test.failed:1 @ 2026-01-23T14:32:01Z test="x"\n']);
  });

  it('is on for a TTY unless NO_COLOR is set', () => {
    expect(detectColor({ isTTY: true, write: () => true }, {})).toBe(true);
    expect(detectColor({ isTTY: true, write: () => true }, { NO_COLOR: '1' })).toBe(false);
    expect(detectColor({ isTTY: true, write: () => true }, { NO_COLOR: '' })).toBe(true);
    expect(detectColor({ isTTY: false, write: () => true }, {})).toBe(false);
  });

  it('is on when forced: the EventID bold and coloured by severity, keys dim', () => {
    const stream = fakeStream(false);
    const sink = createConsoleSink({ stream, color: true });
    sink.write(error, typeInfo('agent.test.failed:1', 'ERROR'));
    sink.write(ev('auth.user.locked:1', '2026-01-23T14:32:47.000Z', { attempts: 5 }, 'WARN'), typeInfo('auth.user.locked:1', 'WARN'));
    expect(stream.out[0]).toBe(`${ESC}1m${ESC}31magent.test.failed:1${ESC}39m${ESC}22m @ 2026-01-23T14:32:01Z ${ESC}2mtest=${ESC}22m"x"\n`);
    expect(stream.out[1]).toContain(`${ESC}33mauth.user.locked:1`);
  });

  it('is off when forced off on a TTY', () => {
    const stream = fakeStream(true);
    createConsoleSink({ stream, color: false }).write(error, typeInfo('agent.test.failed:1', 'ERROR'));
    expect(stream.out[0]).not.toContain(ESC);
  });
});

describe('createConsoleSink', () => {
  it('accepts only event types at or above minSeverity', () => {
    const sink = createConsoleSink({ stream: fakeStream(), minSeverity: 'WARN' });
    expect(sink.accepts!(typeInfo('a.b.login:1', 'INFO'))).toBe(false);
    expect(sink.accepts!(typeInfo('a.b.locked:1', 'WARN'))).toBe(true);
    expect(sink.accepts!(typeInfo('a.b.failed:1', 'ERROR'))).toBe(true);
    expect(createConsoleSink({ stream: fakeStream() }).accepts!(typeInfo('a.b.c:1', 'TRACE'))).toBe(true);
  });

  it('refuses at set-up a minSeverity that is not one of the six, constructor included', () => {
    for (const minSeverity of ['constructor', 'warn']) {
      expect(() => createConsoleSink({ stream: fakeStream(), minSeverity: minSeverity as never })).toThrow(
        'createConsoleSink: minSeverity must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL, got "' + minSeverity + '"',
      );
    }
  });

  it('reports a stream that throws instead of throwing, and counts the drop', () => {
    const { ctx, problems } = collectProblems();
    const sink = createConsoleSink({
      stream: {
        write: () => {
          throw new Error('EPIPE');
        },
      },
    });
    sink.start!(ctx);
    expect(() => sink.write(makeEvent({}), typeInfo('auth.user.login:1'))).not.toThrow();
    expect(problems).toMatchObject([{ code: 'FACTLINE_SINK_FAILED', sink: 'console' }]);
    expect(sink.stats()).toEqual({ written: 0, dropped: 1, emitted: 1, delivered: 0, pending: 0, spooled: 0, deadLettered: 0 });
  });

  it('drops writes after shutdown and reports once', async () => {
    const { ctx, problems } = collectProblems();
    const stream = fakeStream();
    const sink = createConsoleSink({ stream });
    sink.start!(ctx);
    sink.write(makeEvent({}), typeInfo('auth.user.login:1'));
    await sink.shutdown();
    sink.write(makeEvent({}), typeInfo('auth.user.login:1'));
    sink.write(makeEvent({}), typeInfo('auth.user.login:1'));
    expect(stream.out).toHaveLength(1);
    expect(problems).toHaveLength(1);
    expect(sink.stats()).toEqual({ written: 1, dropped: 2, emitted: 3, delivered: 1, pending: 0, spooled: 0, deadLettered: 0 });
  });
});
