import { context, trace } from '@opentelemetry/api';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineCatalog } from '../../src/catalog/index.js';
import { createEmitter, resolveValidationMode } from '../../src/emitter/index.js';
import type { FactlineEvent } from '../../src/envelope/event.js';
import { uuidv7Time } from '../../src/envelope/uuidv7.js';
import type { RuntimeProblem } from '../../src/problems.js';
import type { Sink } from '../../src/sinks/sink.js';
import { checkPayload, FactlineValidationError } from '../../src/validation/index.js';
import { authCatalog } from '../fixtures-catalog.js';
import type { RuntimeProblemOf } from '../../src/problems.js';

function recorder(name = 'rec'): Sink & { events: FactlineEvent[] } {
  const events: FactlineEvent[] = [];
  return { name, events, write: (e) => events.push(e) };
}

const login = { user_id: 'u-1', ip: '10.0.0.55', method: 'oauth' as const, mfa: false };
const T0 = Date.parse('2026-01-23T14:32:01.000Z');

describe('the envelope', () => {
  it('carries a sortable instance id, the EventID, times, source, severity and the payload unchanged', () => {
    const sink = recorder();
    const ev = createEmitter(authCatalog, {
      sinks: [sink],
      validation: 'strict',
      now: () => T0,
      source: { type: 'child_agent', model: 'claude-3.5-sonnet' },
      sessionId: 's-1',
      serviceName: 'auth-svc',
    });
    const e = ev.emit('auth.user.login:1', login, { time: new Date(T0 - 5000) })!;
    expect(e).toEqual({
      schema_version: 1,
      id: e.id,
      event_id: 'auth.user.login:1',
      time: '2026-01-23T14:31:56.000Z',
      observed_time: '2026-01-23T14:32:01.000Z',
      service_name: 'auth-svc',
      catalog: 'auth',
      source: { type: 'child_agent', model: 'claude-3.5-sonnet' },
      severity: 'INFO',
      session_id: 's-1',
      payload: login,
    });
    // Read once at emit: an equal plain copy, never the caller's object.
    expect(e.payload).not.toBe(login);
    expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidv7Time(e.id)).toBe(T0);
    expect(sink.events).toEqual([e]);
  });

  it('gives ids that sort in emission order, even within one millisecond', () => {
    const sink = recorder();
    const ev = createEmitter(authCatalog, { sinks: [sink], validation: 'off', now: () => T0 });
    for (let i = 0; i < 500; i++) ev.emit('auth.user.logout:1', { user_id: String(i), reason: 'r' });
    const ids = sink.events.map((e) => e.id);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(500);
  });

  it('records the causing event and a per-call source', () => {
    const sink = recorder();
    const ev = createEmitter(authCatalog, { sinks: [sink], validation: 'strict' });
    const first = ev.emit('auth.user.login:1', login)!;
    const second = ev.emit(
      'auth.user.logout:1',
      { user_id: 'u-1', reason: 'user_initiated' },
      { causedBy: first, source: { type: 'manual_correction', id: '@ops' } },
    )!;
    expect(second.causation_id).toBe(first.id);
    expect(second.source).toEqual({ type: 'manual_correction', id: '@ops' });
  });
});

describe('validation modes', () => {
  it('strict throws a typed error that names the field and the reason', () => {
    const ev = createEmitter(authCatalog, { sinks: [recorder()], validation: 'strict' });
    let err: unknown;
    try {
      ev.emit('auth.user.login:1', { ...login, mfa: 'yes' } as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FactlineValidationError);
    const v = err as FactlineValidationError;
    expect(v.eventId).toBe('auth.user.login:1');
    expect(v.issues).toEqual([{ code: 'schema', schemaCode: 'invalid_type', path: ['mfa'], message: expect.stringContaining('boolean') }]);
    expect(v.message).toMatch(/^Invalid event "auth.user.login:1": mfa: .*boolean.*\(invalid_type\)$/);
  });

  it('report delivers the event flagged invalid with the payload as given, unknown keys kept and flagged, and reports it', () => {
    const sink = recorder();
    const problems: RuntimeProblem[] = [];
    const ev = createEmitter(authCatalog, { sinks: [sink], validation: 'report', onProblem: (p) => problems.push(p) });
    const bad = { ...login, mfa: 'yes', extra: 1 };
    const e = ev.emit('auth.user.login:1', bad as never)!;
    expect(e.payload).toEqual(bad);
    expect(e.invalid!.issues.map((i) => [i.code, i.path])).toEqual([
      ['schema', ['mfa']],
      ['unknown_key', ['extra']],
    ]);
    expect(sink.events).toHaveLength(1);
    expect(problems.map((p) => p.code)).toEqual(['FACTLINE_VALIDATION_FAILED']);
    expect(ev.stats()).toMatchObject({ emitted: 1, invalid: 1, problems: { FACTLINE_VALIDATION_FAILED: 1 } });
  });

  it('report and strict check the schema and unknown keys beside values JSON cannot carry; a schema issue about a marker is left out', () => {
    const orders = defineCatalog(
      { 'shop.order.noted:1': z.object({ order_id: z.string(), note: z.string().nullable(), n: z.number().optional() }) },
      { name: 'shop' },
    );
    const cyclic: Record<string, unknown> = { note: null };
    cyclic.self = cyclic;
    const cases: [unknown, [string, (string | number)[]][]][] = [
      // The read's issues first, then the schema's and the unknown keys.
      [
        { order_id: 1, note: null, extra: NaN },
        [
          ['non_finite_number', ['extra']],
          ['schema', ['order_id']],
          ['unknown_key', ['extra']],
        ],
      ],
      [
        cyclic,
        [
          ['cyclic_reference', ['self']],
          ['schema', ['order_id']],
          ['unknown_key', ['self']],
        ],
      ],
      // NaN where a number goes: the marker string is not the caller's value, so no schema issue about it.
      [{ order_id: 'o-1', note: null, n: NaN }, [['non_finite_number', ['n']]]],
      [{ order_id: 'o-1', note: 12n }, [['bigint', ['note']]]],
      [
        { order_id: 2n, note: 'x', n: Infinity },
        [
          ['bigint', ['order_id']],
          ['non_finite_number', ['n']],
        ],
      ],
    ];
    for (const [payload, want] of cases) {
      const sink = recorder();
      const problems: RuntimeProblem[] = [];
      const ev = createEmitter(orders, { sinks: [sink], validation: 'report', onProblem: (p) => problems.push(p) });
      const e = ev.emit('shop.order.noted:1', payload as never)!;
      expect(e.invalid!.issues.map((i) => [i.code, i.path])).toEqual(want);
      expect(sink.events).toHaveLength(1);
      expect(problems.map((p) => p.code)).toEqual(['FACTLINE_VALIDATION_FAILED']);
      const strict = createEmitter(orders, { sinks: [recorder()], validation: 'strict' });
      let thrown: unknown;
      try {
        strict.emit('shop.order.noted:1', payload as never);
      } catch (x) {
        thrown = x;
      }
      expect(thrown).toBeInstanceOf(FactlineValidationError);
      expect((thrown as FactlineValidationError).issues.map((i) => [i.code, i.path])).toEqual(want);
      // checkPayload, emit's checks as a function, gives the same.
      expect(checkPayload(orders.get('shop.order.noted:1')!, payload, 65536).issues.map((i) => [i.code, i.path])).toEqual(want);
    }
  });

  it('off skips validation entirely', () => {
    const sink = recorder();
    const ev = createEmitter(authCatalog, { sinks: [sink], validation: 'off' });
    const e = ev.emit('auth.user.login:1', { nonsense: true } as never)!;
    expect(e.invalid).toBeUndefined();
  });

  it('an unknown EventID throws in strict mode and is reported with its payload in report mode', () => {
    const strict = createEmitter(authCatalog, { sinks: [recorder()], validation: 'strict' });
    expect(() => strict.emit('auth.user.nope:1' as never, {} as never)).toThrow(/"auth.user.nope:1" is not in catalog "auth"/);
    const problems: RuntimeProblem[] = [];
    const sink = recorder();
    const report = createEmitter(authCatalog, { sinks: [sink], validation: 'report', onProblem: (p) => problems.push(p) });
    expect(report.emit('auth.user.nope:1' as never, { a: 1 } as never)).toBeUndefined();
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'FACTLINE_EVENT_REJECTED',
        event_id: 'auth.user.nope:1',
        details: expect.objectContaining({ payload_type: 'object', payload_keys: ['a'] }),
      }),
    ]);
    expect(report.stats().rejected).toBe(1);
  });

  it.each([
    ['Signal.Foo.bar:1', 'uppercase', "uppercase letter 'S' at position 0; identifiers are lowercase (docs/eventid.md, rule 1)"],
    ['a.b.c', 'missing_version', 'the version is missing at position 5;'],
    ['a.b.c:0', 'version_zero', 'version 0 at position 6; versions start at 1 (docs/eventid.md, rule 3)'],
    ['a.b.c:01', 'version_leading_zero', 'leading zero at position 6 in the version; write 1, not 01 (docs/eventid.md, rule 4)'],
    ['a.b', 'missing_part', 'the action is missing at position 3'],
    ['a.b.c.d:1', 'too_many_parts', 'unexpected fourth part at position 5'],
  ])('an EventID that breaks the grammar (%j) is reported with the rule it breaks, not as missing from the catalog', (id, rule, why) => {
    const problems: RuntimeProblem[] = [];
    const report = createEmitter(authCatalog, { sinks: [recorder()], validation: 'report', onProblem: (p) => problems.push(p) });
    expect(report.emit(id as never, { a: 1 } as never)).toBeUndefined();
    const message = `Invalid EventID ${JSON.stringify(id)}: ${why}`;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'FACTLINE_EVENT_REJECTED', event_id: id, message: expect.stringContaining(message) });
    expect(problems[0]!.message).not.toContain('not in catalog');
    expect(problems[0]!.details).toMatchObject({ issues: [{ code: 'invalid_event_id', eventIdCode: rule, path: [] }], payload_keys: ['a'] });
    const strict = createEmitter(authCatalog, { sinks: [recorder()], validation: 'strict' });
    expect(() => strict.emit(id as never, {} as never)).toThrow(message);
  });

  it('an EventID that is not a string is reported as one, naming what was given', () => {
    const problems: RuntimeProblem[] = [];
    const report = createEmitter(authCatalog, { sinks: [recorder()], validation: 'report', onProblem: (p) => problems.push(p) });
    report.emit(42 as never, {} as never);
    expect(problems[0]).toMatchObject({ event_id: '42', details: { issues: [{ code: 'invalid_event_id', eventIdCode: 'not_a_string' }] } });
    expect(problems[0]!.message).toContain('must be a string, received 42 (number)');
  });

  it('defaults to strict in development and test, report otherwise, and honours FACTLINE_VALIDATION', () => {
    expect(resolveValidationMode(undefined, { NODE_ENV: 'test' })).toBe('strict');
    expect(resolveValidationMode(undefined, { NODE_ENV: 'development' })).toBe('strict');
    expect(resolveValidationMode(undefined, { NODE_ENV: 'production' })).toBe('report');
    expect(resolveValidationMode(undefined, {})).toBe('report');
    expect(resolveValidationMode(undefined, { NODE_ENV: 'test', FACTLINE_VALIDATION: 'off' })).toBe('off');
    expect(() => resolveValidationMode(undefined, { FACTLINE_VALIDATION: 'loose' })).toThrow(/use strict, report or off/);
  });
});

describe('bad input loses nothing and never throws in report mode', () => {
  const any = defineCatalog({ 'x.thing.happened:1': z.object({}).loose() });
  const cases: [string, () => unknown, string, string][] = [
    [
      'a cyclic object',
      () => {
        const o: Record<string, unknown> = { a: 1 };
        o.self = o;
        return o;
      },
      'cyclic_reference',
      '"[factline: cyclic reference]"',
    ],
    ['a BigInt', () => ({ n: 12n }), 'bigint', '"[factline: BigInt 12n]"'],
    ['NaN', () => ({ n: NaN }), 'non_finite_number', '"[factline: NaN]"'],
    ['Infinity', () => ({ n: -Infinity }), 'non_finite_number', '"[factline: -Infinity]"'],
    ['a function', () => ({ f: function named() {} }), 'function', '"[factline: function named]"'],
    ['a __proto__ key', () => JSON.parse('{"__proto__":{"polluted":true}}'), 'forbidden_key', '{"polluted":true}'],
    ['a constructor key', () => ({ constructor: 'x' }), 'forbidden_key', '"x"'],
    ['a Map', () => ({ m: new Map([[1, 2]]) }), 'unsupported_value', '"[factline: Map]"'],
  ];
  for (const [what, make, code, marker] of cases) {
    it(`reports ${what} as ${code}, delivers a JSON-safe copy with a marker, and leaves the caller's object alone`, () => {
      const sink = recorder();
      const problems: RuntimeProblem[] = [];
      const ev = createEmitter(any, { sinks: [sink], validation: 'report', onProblem: (p) => problems.push(p) });
      const payload = make();
      const before = Object.keys(payload as object).length;
      const e = ev.emit('x.thing.happened:1', payload as never)!;
      expect(e.invalid!.issues.map((i) => i.code)).toContain(code);
      expect(JSON.stringify(e.payload)).toContain(marker);
      expect(Object.keys(payload as object).length).toBe(before);
      expect(problems[0]!.code).toBe('FACTLINE_VALIDATION_FAILED');
      expect({} as Record<string, unknown>).not.toHaveProperty('polluted');
    });
    it(`throws for ${what} in strict mode`, () => {
      const ev = createEmitter(any, { sinks: [recorder()], validation: 'strict' });
      expect(() => ev.emit('x.thing.happened:1', make() as never)).toThrow(FactlineValidationError);
    });
  }

  it('names an unsupported value with the right article: "a Map", "an Order"', () => {
    const sink = recorder();
    const ev = createEmitter(any, { sinks: [sink], validation: 'report', onProblem: () => {} });
    class Order {}
    const messages = [{ m: new Map() }, { o: new Order() }, { e: Object.create({ inherited: 1 }) }].map(
      (p) => ev.emit('x.thing.happened:1', p as never)!.invalid!.issues[0]!.message,
    );
    expect(messages.map((m) => m.split(' cannot')[0])).toEqual(['a Map', 'an Order', 'an Object']);
  });

  it('replaces an oversized payload by a stub with its size and hash, and hands the full payload to the problem handler', () => {
    const sink = recorder();
    const problems: RuntimeProblem[] = [];
    const ev = createEmitter(any, { sinks: [sink], validation: 'report', maxPayloadBytes: 1000, onProblem: (p) => problems.push(p) });
    const big = { text: 'é'.repeat(600) };
    const e = ev.emit('x.thing.happened:1', big as never)!;
    expect(e.invalid!.issues).toEqual([{ code: 'payload_too_large', path: [], message: 'payload is 1211 bytes of JSON; the limit is 1000 (maxPayloadBytes)' }]);
    expect(e.payload).toMatchObject({ $factline_truncated: true, bytes: 1211, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((problems[0] as RuntimeProblemOf<'FACTLINE_VALIDATION_FAILED'>).details.payload).toBe(big);
  });

  it('serialises a Date through toJSON so every sink sees the same value', () => {
    const sink = recorder();
    const ev = createEmitter(any, { sinks: [sink], validation: 'report' });
    const e = ev.emit('x.thing.happened:1', { at: new Date(T0) } as never)!;
    expect(e.payload).toEqual({ at: '2026-01-23T14:32:01.000Z' });
    expect(e.invalid).toBeUndefined();
  });

  it('keeps going when a sink throws: the other sinks get the event and the failure is reported', () => {
    const good = recorder('good');
    const problems: RuntimeProblem[] = [];
    const ev = createEmitter(authCatalog, {
      sinks: [
        {
          name: 'bad',
          write: () => {
            throw new Error('disk on fire');
          },
        },
        good,
      ],
      validation: 'report',
      onProblem: (p) => problems.push(p),
    });
    expect(() => ev.emit('auth.user.login:1', login)).not.toThrow();
    expect(good.events).toHaveLength(1);
    expect(problems).toEqual([expect.objectContaining({ code: 'FACTLINE_SINK_FAILED', sink: 'bad', message: 'sink "bad" threw: disk on fire' })]);
  });

  it('survives a problem handler that throws', () => {
    const ev = createEmitter(authCatalog, {
      sinks: [recorder()],
      validation: 'report',
      onProblem: () => {
        throw new Error('handler bug');
      },
    });
    expect(() => ev.emit('auth.user.login:1', { bad: 1 } as never)).not.toThrow();
    expect(ev.stats().problems.FACTLINE_HANDLER_FAILED).toBe(1);
  });

  it('keeps the counters of sinks named __proto__ and constructor under their names in stats()', () => {
    const counted = (name: string): Sink => ({
      name,
      write: () => {},
      stats: () => ({ emitted: name.length, delivered: 0, pending: 0, spooled: 0, deadLettered: 0, dropped: 0 }),
    });
    const ev = createEmitter(authCatalog, { sinks: [counted('__proto__'), counted('constructor')], validation: 'report' });
    const sinks = ev.stats().sinks;
    expect(Object.getPrototypeOf(sinks)).toBe(Object.prototype);
    expect(Object.entries(sinks)).toEqual([
      ['__proto__', { emitted: 9, delivered: 0, pending: 0, spooled: 0, deadLettered: 0, dropped: 0 }],
      ['constructor', { emitted: 11, delivered: 0, pending: 0, spooled: 0, deadLettered: 0, dropped: 0 }],
    ]);
  });

  it('warns once per problem code by default', () => {
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const ev = createEmitter(authCatalog, { sinks: [recorder()], validation: 'report' });
      ev.emit('auth.user.login:1', { bad: 1 } as never);
      ev.emit('auth.user.login:1', { bad: 2 } as never);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(String(spy.mock.calls[0]![0])).toMatch(/^factline: FACTLINE_VALIDATION_FAILED: /);
      expect(ev.stats().problems.FACTLINE_VALIDATION_FAILED).toBe(2);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('filters and routing', () => {
  it('drops events below minSeverity or outside the patterns before any work, and counts them', () => {
    const sink = recorder();
    const ev = createEmitter(authCatalog, { sinks: [sink], validation: 'strict', filter: { minSeverity: 'WARN', exclude: ['auth.user.locked:%'] } });
    expect(ev.isEnabled('auth.user.login:1')).toBe(false);
    expect(ev.emit('auth.user.login:1', login)).toBeUndefined();
    expect(ev.emit('auth.user.locked:1', { user_id: 'u', attempts: 5, duration_mins: 30 })).toBeUndefined();
    expect(ev.emit('auth.login.failed:1', { user_id: 'u', email: 'a@b.c', reason: 'bad password' })).toBeDefined();
    expect(sink.events.map((e) => e.event_id)).toEqual(['auth.login.failed:1']);
    expect(ev.stats()).toMatchObject({ emitted: 1, filtered: 2 });
  });

  it('does not validate a filtered event in report mode, so a filtered emit stays cheap even with a bad payload', () => {
    const ev = createEmitter(authCatalog, { sinks: [recorder()], validation: 'report', filter: { include: ['%.failed:%'] }, onProblem: () => {} });
    expect(ev.emit('auth.user.login:1', { bad: true } as never)).toBeUndefined();
    expect(ev.stats()).toMatchObject({ filtered: 1, invalid: 0 });
  });

  it('validates every emit in strict mode, also when a filter drops the event or there is no sink', () => {
    const filtered = createEmitter(authCatalog, { sinks: [recorder()], validation: 'strict', filter: { include: ['%.failed:%'] } });
    expect(() => filtered.emit('auth.user.login:1', { bad: true } as never)).toThrow(FactlineValidationError);
    expect(filtered.emit('auth.user.login:1', login)).toBeUndefined();
    const sinkless = createEmitter(authCatalog, { validation: 'strict' });
    expect(() => sinkless.emit('auth.user.login:1', { ...login, mfa: 'yes' } as never)).toThrow(/mfa/);
    expect(sinkless.stats()).toMatchObject({ filtered: 0 });
    sinkless.emit('auth.user.login:1', login);
    expect(sinkless.stats()).toMatchObject({ filtered: 1, emitted: 0 });
  });

  it('asks each sink once per event type whether it wants it', () => {
    const accepts = vi.fn((t: { severity: string }) => t.severity === 'ERROR');
    const sink = { ...recorder(), accepts };
    const ev = createEmitter(authCatalog, { sinks: [sink], validation: 'strict' });
    ev.emit('auth.user.login:1', login);
    ev.emit('auth.login.failed:1', { user_id: 'u', email: 'e', reason: 'r' });
    ev.emit('auth.login.failed:1', { user_id: 'u', email: 'e', reason: 'r' });
    expect(accepts).toHaveBeenCalledTimes(authCatalog.list().length);
    expect(sink.events).toHaveLength(2);
  });
});

describe('personal data', () => {
  it('hashes pii fields with the key (HMAC-SHA-256) in what sinks see, leaving the caller object as it was', () => {
    const sink = recorder();
    const ev = createEmitter(authCatalog, { sinks: [sink], validation: 'strict', piiSalt: 'pepper' });
    const payload = { user_id: 'u', email: 'ada@example.com', reason: 'bad password' };
    const e = ev.emit('auth.login.failed:1', payload)!;
    expect(payload.email).toBe('ada@example.com');
    expect((e.payload as { email: string }).email).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(JSON.stringify(e)).not.toContain('ada@example.com');
  });

  it('drops pii fields marked drop', () => {
    const c = defineCatalog({ 'a.user.created:1': { schema: z.object({ id: z.string(), ssn: z.string() }), pii: { ssn: 'drop' } } });
    const sink = recorder();
    createEmitter(c, { sinks: [sink], validation: 'strict' }).emit('a.user.created:1', { id: '1', ssn: '078-05-1120' });
    expect(sink.events[0]!.payload).toEqual({ id: '1' });
  });
});

describe('traces', () => {
  it('checks a span context again when its ids changed since it was found valid', async () => {
    const { memoryPipeline } = await import('../helpers.js');
    const p = memoryPipeline(); // registers a context manager
    const sink = recorder();
    const ev = createEmitter(authCatalog, { sinks: [sink], validation: 'strict' });
    const sc = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 };
    const ctx = trace.setSpan(context.active(), trace.wrapSpanContext(sc));
    context.with(ctx, () => ev.emit('auth.user.login:1', login));
    sc.traceId = '0'.repeat(32); // the W3C invalid trace id
    context.with(ctx, () => ev.emit('auth.user.login:1', login));
    sc.traceId = 'c'.repeat(32);
    context.with(ctx, () => ev.emit('auth.user.login:1', login));
    expect(sink.events.map((e) => e.trace_id)).toEqual(['a'.repeat(32), undefined, 'c'.repeat(32)]);
    await p.shutdown();
  });

  it('stamps the active span ids on the event', async () => {
    const { memoryPipeline } = await import('../helpers.js');
    const p = memoryPipeline();
    const sink = recorder();
    const ev = createEmitter(authCatalog, { sinks: [sink], validation: 'strict' });
    p.tracerProvider.getTracer('t').startActiveSpan('s', (span) => {
      ev.emit('auth.user.login:1', login);
      expect(sink.events[0]!.trace_id).toBe(span.spanContext().traceId);
      expect(sink.events[0]!.span_id).toBe(span.spanContext().spanId);
      span.end();
    });
    expect(trace.getSpan(context.active())).toBeUndefined();
    await p.shutdown();
  });

  it('reads a trace key from the catalog field and maps it to the same W3C ids every time', () => {
    const c = defineCatalog({ 'loop.intent.proposed:1': { schema: z.object({ trace_id: z.string() }), traceKeyField: 'trace_id' } });
    const sink = recorder();
    const ev = createEmitter(c, { sinks: [sink], validation: 'strict' });
    ev.emit('loop.intent.proposed:1', { trace_id: 'TRACE-015' });
    ev.emit('loop.intent.proposed:1', { trace_id: 'TRACE-015' });
    const [a, b] = sink.events;
    expect(a!.trace_key).toBe('TRACE-015');
    expect(a!.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect([a!.trace_id, a!.span_id]).toEqual([b!.trace_id, b!.span_id]);
  });
});

describe('shutdown', () => {
  it('flushes and shuts every sink down once, and reports events emitted afterwards', async () => {
    const calls: string[] = [];
    const problems: RuntimeProblem[] = [];
    const sink: Sink = {
      name: 's',
      write: () => calls.push('write'),
      flush: async () => void calls.push('flush'),
      shutdown: async () => void calls.push('shutdown'),
    };
    const ev = createEmitter(authCatalog, { sinks: [sink], validation: 'strict', onProblem: (p) => problems.push(p) });
    await ev.flush();
    await ev.shutdown();
    await ev.shutdown();
    expect(ev.emit('auth.user.login:1', login)).toBeUndefined();
    expect(calls).toEqual(['flush', 'shutdown']);
    expect(problems.map((p) => p.code)).toEqual(['FACTLINE_EVENT_REJECTED']);
  });
});

describe('a resolveTrace hook that throws', () => {
  it('is reported as FACTLINE_TRACE_HOOK_FAILED, one code for one failure, and the event is still delivered', async () => {
    const { createEmitter } = await import('../../src/emitter/emitter.js');
    const { defineCatalog } = await import('../../src/catalog/define.js');
    const { z } = await import('zod');
    const catalog = defineCatalog({ 'app.job.ran:1': z.object({ n: z.int() }) });
    const written: unknown[] = [];
    const problems: { code: string }[] = [];
    const ev = createEmitter(catalog, {
      sinks: [{ name: 'mem', write: (e) => void written.push(e.payload) }],
      validation: 'report',
      onProblem: (p) => void problems.push(p),
      resolveTrace: () => {
        throw new Error('hook broke');
      },
    });
    ev.emit('app.job.ran:1', { n: 1 });
    expect(written).toEqual([{ n: 1 }]);
    expect(problems.map((p) => p.code)).toEqual(['FACTLINE_TRACE_HOOK_FAILED']);
  });
});
