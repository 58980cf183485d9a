import { SeverityNumber } from '../../src/otel/logs-api.js';
import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmitter } from '../../src/emitter/index.js';
import { idsForTraceKey } from '../../src/otel/trace-key.js';
import { payloadAttributes, toLogRecord, toSpanEvent } from '../../src/otel/mapping.js';
import { authCatalog } from '../fixtures-catalog.js';
import { memoryPipeline } from '../helpers.js';
import { createOtelSink } from '../../src/otel/sink.js';
import fc from 'fast-check';
import { z } from 'zod';
import { readJsonValue } from '../../src/validation/json-value.js';
import { build, descArb, valueArb } from '../support/zod-schemas.js';
import type { EventTypeInfo } from '../../src/catalog/types.js';
import type { FactlineEvent } from '../../src/envelope/event.js';

const login = { user_id: '550e8400-e29b-41d4-a716-446655440000', ip: '192.168.1.42', method: 'password' as const, mfa: true };

describe('the pure mapping', () => {
  it('maps an event to a log record field by field', () => {
    const type = authCatalog.get('auth.user.login:1')!;
    const event = {
      schema_version: 1,
      id: '019bd5a1-0000-7000-8000-000000000001',
      event_id: 'auth.user.login:1',
      time: '2026-01-23T14:32:01.000Z',
      observed_time: '2026-01-23T14:32:01.500Z',
      service_name: 'test-service',
      catalog: 'auth',
      source: { type: 'child_agent' as const, model: 'claude-3.5-sonnet' },
      severity: 'INFO' as const,
      trace_key: 'TRACE-015',
      causation_id: '019bd5a1-0000-7000-8000-000000000000',
      session_id: 'session-001',
      payload: login,
    };
    expect(toLogRecord(event, type)).toEqual({
      eventName: 'auth.user.login',
      // HrTime, never a bare number: the SDK reads a small number as time since process start.
      timestamp: [Date.parse('2026-01-23T14:32:01.000Z') / 1000, 0],
      observedTimestamp: [Date.parse('2026-01-23T14:32:01.000Z') / 1000, 500_000_000],
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      body: login,
      attributes: {
        'factline.event.id': 'auth.user.login:1',
        'factline.event.domain': 'auth',
        'factline.event.entity': 'user',
        'factline.event.action': 'login',
        'factline.event.version': 1,
        'factline.catalog': 'auth',
        'factline.event.instance_id': '019bd5a1-0000-7000-8000-000000000001',
        'factline.event.schema_version': 1,
        'factline.source.type': 'child_agent',
        'factline.source.model': 'claude-3.5-sonnet',
        'factline.trace_key': 'TRACE-015',
        'factline.causation_id': '019bd5a1-0000-7000-8000-000000000000',
        'session.id': 'session-001',
      },
    });
  });

  it('flags an invalid event with its issues as JSON', () => {
    const type = authCatalog.get('auth.user.logout:1')!;
    const issues = [{ code: 'schema' as const, schemaCode: 'invalid_type', path: ['reason'], message: 'expected string' }];
    const record = toLogRecord(
      {
        schema_version: 1,
        id: 'x',
        event_id: type.id,
        time: '2026-01-01T00:00:00.000Z',
        observed_time: '2026-01-01T00:00:00.000Z',
        service_name: 'svc',
        catalog: 'auth',
        source: { type: 'runtime' },
        severity: 'INFO',
        payload: { user_id: 'u', reason: 3 },
        invalid: { issues },
      },
      type,
    );
    expect(record.attributes!['factline.valid']).toBe(false);
    expect(JSON.parse(record.attributes!['factline.validation.issues'] as string)).toEqual(issues);
  });

  it('puts payload fields on the span event, flattened, with the envelope attributes', () => {
    const type = authCatalog.get('auth.user.login:1')!;
    const se = toSpanEvent(
      {
        schema_version: 1,
        id: 'i',
        event_id: type.id,
        time: '2026-01-01T00:00:00.000Z',
        observed_time: '2026-01-01T00:00:00.000Z',
        service_name: 'svc',
        catalog: 'auth',
        source: { type: 'tool', name: 'grep' },
        severity: 'INFO',
        payload: { a: 1, nested: { b: 'x', c: [1, 2] }, mixed: [1, 'a'], gone: null },
      },
      type,
    );
    expect(se.name).toBe('auth.user.login');
    expect(se.attributes).toMatchObject({
      a: 1,
      'nested.b': 'x',
      'nested.c': [1, 2],
      mixed: '[1,"a"]',
      'factline.source.name': 'grep',
      'factline.event.id': 'auth.user.login:1',
    });
    expect(se.attributes).not.toHaveProperty('gone');
  });

  /*
   * A type's span event attributes are written by code generated from its
   * schema when the payload has the schema's shape; the general walk writes
   * every other payload. Both must give the same attributes, in the same
   * order: the general walk is the reference (a type whose schema is
   * `z.unknown()` always takes it).
   */
  const spanEventOf = (type: EventTypeInfo, payload: unknown, limit?: number) =>
    toSpanEvent(
      {
        schema_version: 1,
        id: 'i',
        event_id: type.id,
        time: '2026-01-01T00:00:00.000Z',
        observed_time: '2026-01-01T00:00:00.000Z',
        service_name: 'svc',
        catalog: 'auth',
        source: { type: 'runtime' },
        severity: 'INFO',
        payload,
      } as FactlineEvent,
      type,
      'payload',
      undefined,
      limit,
    );
  const sameAsGeneralWalk = (schema: z.ZodType, payload: unknown, limit?: number): void => {
    const base = authCatalog.get('auth.user.login:1')!;
    const shaped = spanEventOf({ ...base, schema }, payload, limit);
    const general = spanEventOf({ ...base, schema: z.unknown() }, payload, limit);
    expect(Object.entries(shaped.attributes)).toEqual(Object.entries(general.attributes));
  };

  it("writes a payload of the type's shape as the general walk does (generated schemas and payloads, property)", () => {
    fc.assert(
      fc.property(
        descArb
          .map((d) => (d.k === 'object' ? d : { k: 'object' as const, mode: 'strip' as const, fields: [['a', d]] as [string, typeof d][], refined: false }))
          .chain((d) => fc.tuple(fc.constant(d), fc.array(valueArb(d), { minLength: 1, maxLength: 6 }), fc.constantFrom(undefined, 10, 12))),
        ([d, values, limit]) => {
          const schema = build(d);
          for (const v of values) sameAsGeneralWalk(schema, readJsonValue(v).value, limit);
        },
      ),
      { numRuns: 1000 },
    );
  }, 60_000 /* generated schemas, each payload mapped twice: slow on a loaded machine */);

  it('writes nested shapes, renamed keys, nulls and values of another shape as the general walk does', () => {
    const schema = z.object({
      order_id: z.string(),
      customer: z.object({
        id: z.string(),
        address: z.object({ city: z.string(), geo: z.object({ lat: z.number(), deep: z.object({ x: z.object({ y: z.number() }) }) }) }),
      }),
      items: z.array(z.object({ sku: z.string() })),
      tags: z.array(z.string()),
      n: z.number().nullable(),
      any: z.unknown(),
    });
    const valid = {
      order_id: 'o',
      customer: { id: 'c', address: { city: 'B', geo: { lat: 1.5, deep: { x: { y: 1 } } } } },
      items: [{ sku: 'a' }],
      tags: ['x', 'y'],
      n: 1e19,
      any: [1, 'a'],
    };
    for (const payload of [
      valid,
      { ...valid, n: null },
      { ...valid, any: { nested: { more: true } } }, // an object where the schema does not say so: flattened by the general walk
      { ...valid, customer: 'c' },
      { ...valid, customer: { ...valid.customer, extra: 1 } },
      { tags: valid.tags, order_id: 'o', customer: valid.customer, items: valid.items, n: 1, any: 1 }, // keys in another order
      [valid],
      'text',
    ])
      sameAsGeneralWalk(schema, payload);
    sameAsGeneralWalk(schema, valid, 12); // past the attribute limit: fields dropped and counted
    // Arrays of objects go as JSON text: every string and number written as JSON.stringify writes it.
    for (const sku of ['"q"', 'back\\slash', 'new\nline', '\u0000', '\u2028', '😀', 'a\uD800b', 'é', ''])
      for (const price of [0, -0, 1.5e-7, 1e21, 2 ** 53 + 2])
        sameAsGeneralWalk(z.object({ items: z.array(z.object({ sku: z.string(), price: z.number() })) }), {
          items: [
            { sku, price },
            { sku: 'x', price: 1 },
          ],
        });
    const items = z.object({ items: z.array(z.object({ sku: z.string(), n: z.unknown() })) });
    for (const list of [
      [],
      [{ sku: 'a', n: { deep: [1, null] } }],
      [{ n: 1, sku: 'a' }],
      [{ sku: 'a' }],
      [{ sku: 'a', n: 1, x: 2 }],
      [1, 2],
      [{ sku: 'a', n: true }, null],
    ])
      sameAsGeneralWalk(items, { items: list });
    expect(spanEventOf({ ...authCatalog.get('auth.user.login:1')!, schema: items }, { items: [{ sku: 'a"b', n: -0 }] }).attributes.items).toBe(
      '[{"sku":"a\\"b","n":0}]',
    );
    // Keys that flatten alike, or like an envelope attribute, are renamed by the general walk: never by generated code.
    sameAsGeneralWalk(z.object({ 'a.b': z.number(), a: z.object({ b: z.number() }) }), { 'a.b': 1, a: { b: 2 } });
    sameAsGeneralWalk(z.object({ factline: z.object({ catalog: z.string() }) }), { factline: { catalog: 'x' } });
    sameAsGeneralWalk(z.object({ ['__proto__']: z.string(), '': z.number() }), JSON.parse('{"__proto__": "p", "": 1}'));
    expect(spanEventOf({ ...authCatalog.get('auth.user.login:1')!, schema }, valid).attributes).toMatchObject({
      'customer.address.geo.lat': 1.5,
      'customer.address.geo.deep.x': '{"y":1}', // past the flattening depth: JSON text
      items: '[{"sku":"a"}]',
      tags: ['x', 'y'],
      n: '10000000000000000000',
    });
  });

  it("flattens only a payload's own keys, in order, when Object.prototype has an enumerable key", () => {
    const payload = { a: 1, nested: { b: 'x' }, z: true };
    (Object.prototype as Record<string, unknown>).polluted = 'x';
    try {
      const { attributes } = payloadAttributes(payload);
      expect(Object.keys(attributes)).toEqual(['a', 'nested.b', 'z']);
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
  });
});

describe('the SDK wiring', () => {
  let pipeline: ReturnType<typeof memoryPipeline> | undefined;
  afterEach(async () => {
    await pipeline?.shutdown();
    pipeline = undefined;
  });

  it('emits one log record per event with the resource, scope, event name and body', () => {
    pipeline = memoryPipeline('checkout');
    const events = createEmitter(authCatalog, { sinks: [pipeline.sink], validation: 'strict', now: () => Date.parse('2026-01-23T14:32:01.000Z') });
    events.emit('auth.user.login:1', login);
    const [rec] = pipeline.logs.getFinishedLogRecords();
    expect(pipeline.logs.getFinishedLogRecords()).toHaveLength(1);
    expect(rec!.eventName).toBe('auth.user.login');
    expect(rec!.resource.attributes['service.name']).toBe('checkout');
    expect(rec!.instrumentationScope.name).toBe('factline');
    expect(rec!.body).toEqual(login);
    expect(rec!.severityNumber).toBe(SeverityNumber.INFO);
    expect(rec!.hrTime).toEqual([Date.parse('2026-01-23T14:32:01.000Z') / 1000, 0]);
    expect(rec!.attributes['factline.event.version']).toBe(1);
  });

  it('adds a span event to the active span, and the log record carries its trace and span ids', () => {
    pipeline = memoryPipeline();
    const events = createEmitter(authCatalog, { sinks: [pipeline.sink], validation: 'strict' });
    const tracer = pipeline.tracerProvider.getTracer('test');
    let emitted: ReturnType<typeof events.emit>;
    tracer.startActiveSpan('request', (span) => {
      emitted = events.emit('auth.user.login:1', login);
      span.end();
    });
    const [span] = pipeline.spans.getFinishedSpans();
    const [rec] = pipeline.logs.getFinishedLogRecords();
    expect(rec!.spanContext?.traceId).toBe(span!.spanContext().traceId);
    expect(rec!.spanContext?.spanId).toBe(span!.spanContext().spanId);
    expect(emitted!.trace_id).toBe(span!.spanContext().traceId);
    expect(span!.events.map((e) => e.name)).toEqual(['auth.user.login']);
    expect(span!.events[0]!.attributes).toMatchObject({ user_id: login.user_id, mfa: true, 'factline.event.id': 'auth.user.login:1' });
  });

  it('puts events with the same trace key into one derived trace, the key kept as an attribute', () => {
    pipeline = memoryPipeline();
    const a = createEmitter(authCatalog, { sinks: [pipeline.sink], validation: 'strict' });
    const b = createEmitter(authCatalog, { sinks: [pipeline.sink], validation: 'strict' });
    a.emit('auth.user.login:1', login, { traceKey: 'TRACE-015' });
    b.emit('auth.user.logout:1', { user_id: 'u', reason: 'user_initiated' }, { traceKey: 'TRACE-015' });
    const recs = pipeline.logs.getFinishedLogRecords();
    expect(recs.map((r) => r.spanContext?.traceId)).toEqual([idsForTraceKey('TRACE-015').traceId, idsForTraceKey('TRACE-015').traceId]);
    expect(recs.map((r) => r.attributes['factline.trace_key'])).toEqual(['TRACE-015', 'TRACE-015']);
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('adds no span event when span events are turned off, and still emits the log record', () => {
    pipeline = memoryPipeline();
    const sink = createOtelSink({ logger: pipeline.loggerProvider.getLogger('factline'), spanEvents: false });
    const events = createEmitter(authCatalog, { sinks: [sink], validation: 'strict' });
    pipeline.tracerProvider.getTracer('test').startActiveSpan('request', (span) => {
      events.emit('auth.user.login:1', login);
      span.end();
    });
    expect(pipeline.spans.getFinishedSpans()[0]!.events).toEqual([]);
    expect(pipeline.logs.getFinishedLogRecords()).toHaveLength(1);
  });
});
