import { createTraceState, context, trace, SpanKind, SpanStatusCode, TraceFlags, type Link } from '@opentelemetry/api';
import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { instanceIdOf, LOGS_SHAPE, recordsOf, splitRequest, TRACES_SHAPE } from '../../src/delivery/otlp-json.js';
import {
  countProtobufRecords,
  decodeProtobufRequest,
  instanceIdsInProtobuf,
  ProtobufWireError,
  splitProtobufRequest,
} from '../../src/delivery/otlp-protobuf.js';

/** A small deterministic generator, so that a failure can be run again as it was. */
function generator(start: number) {
  let s = start >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const hex = (bytes: number) => Array.from({ length: bytes }, () => int(256).toString(16).padStart(2, '0')).join('');
  return { next, int, pick, hex };
}
type Gen = ReturnType<typeof generator>;

const STRINGS = ['', 'a', 'ü', '漢字', '😀 emoji', 'line\nbreak "quoted" \\ tab\t', 'x'.repeat(300), '\u0000nul', 'ⓕⓐⓒⓣ'] as const;
/** Integers across int64: both ends, the 32- and 53-bit edges (int64 is what both encodings carry). */
const INTS = [
  0,
  1,
  -1,
  127,
  128,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 32,
  2 ** 53 - 1,
  -(2 ** 53 - 1),
  2 ** 62,
  -(2 ** 63),
  2 ** 63 - 1024,
  -(2 ** 63) + 1024,
] as const;
const DOUBLES = [0.5, -1.25, 1.5e-300, -1e-300, 123456.789, Math.PI, Number.MIN_VALUE, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY] as const;

function anyValue(g: Gen, depth: number): unknown {
  const kinds = depth > 2 ? 6 : 8;
  switch (g.int(kinds)) {
    case 0:
      return g.pick(STRINGS);
    case 1:
      return g.pick(INTS);
    case 2:
      return g.pick(DOUBLES);
    case 3:
      return g.next() < 0.5;
    case 4:
      return Uint8Array.from({ length: g.int(20) }, () => g.int(256));
    case 5:
      return `s${g.int(1e6)}`;
    case 6:
      return Array.from({ length: g.int(4) }, () => anyValue(g, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: g.int(4) }, (_, i) => [`${g.pick(['k', 'ключ', 'k.e.y', ''])}${i}`, anyValue(g, depth + 1)]));
  }
}

function logRecords(n: number, start: number) {
  const g = generator(start);
  const exporter = new InMemoryLogRecordExporter();
  const processors = [new SimpleLogRecordProcessor({ exporter })];
  const resources = [
    resourceFromAttributes({ 'service.name': 'svc-a', 'deployment.environment.name': 'test' }),
    resourceFromAttributes({ 'service.name': 'svc-ü', n: 3 }, { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' }),
  ];
  const providers = resources.map(
    (resource) => new LoggerProvider({ resource, processors, logRecordLimits: { attributeCountLimit: 6, attributeValueLengthLimit: 200 } }),
  );
  const loggers = providers.flatMap((p) => [
    p.getLogger('factline', '1.2.3'),
    p.getLogger('other', undefined, { schemaUrl: 'https://example.com/schema' }),
    p.getLogger('attributed', '0.1', { scopeAttributes: { 'scope.attr': 'x', n: 1 } } as never),
  ]);
  for (let i = 0; i < n; i++) {
    const attributes: Record<string, unknown> = { 'factline.event.instance_id': `01J${g.hex(8).toUpperCase()}` };
    for (let k = 0, m = g.int(9); k < m; k++) attributes[`attr.${k}`] = anyValue(g, 0);
    const spanContext = g.next() < 0.7 ? { traceId: g.hex(16), spanId: g.hex(8), traceFlags: g.pick([TraceFlags.NONE, TraceFlags.SAMPLED]) } : undefined;
    const ctx = spanContext ? trace.setSpanContext(context.active(), spanContext) : context.active();
    const seconds = g.pick([0, 1, 1_700_000_000, 4_102_444_800]);
    g.pick(loggers).emit({
      ...(g.next() < 0.9 ? { severityNumber: 1 + g.int(24) } : {}),
      ...(g.next() < 0.8 ? { severityText: g.pick(['INFO', 'WARN', 'ERROR', 'ü']) } : {}),
      ...(g.next() < 0.9 ? { body: anyValue(g, 0) } : {}),
      ...(g.next() < 0.5 ? { eventName: g.pick(['auth.session.started:1', 'ü.event']) } : {}),
      timestamp: [seconds, g.int(1e9)],
      observedTimestamp: [seconds + g.int(3), g.int(1e9)],
      attributes,
      context: ctx,
    } as never);
  }
  return exporter.getFinishedLogRecords();
}

function spans(n: number, start: number) {
  const g = generator(start);
  const exporter = new InMemorySpanExporter();
  const resources = [resourceFromAttributes({ 'service.name': 'svc-a' }), resourceFromAttributes({ 'service.name': 'svc-b' }, { schemaUrl: 'https://s/1' })];
  const providers = resources.map(
    (resource) =>
      new TracerProvider({
        resource,
        spanProcessors: [new SimpleSpanProcessor({ exporter })],
        spanLimits: { attributeCountLimit: 5, eventCountLimit: 3, linkCountLimit: 2, attributePerEventCountLimit: 2, attributePerLinkCountLimit: 2 },
      }),
  );
  const tracers = providers.flatMap((p) => [p.getTracer('factline', '1.2.3'), p.getTracer('bare'), p.getTracer('schema', '2', { schemaUrl: 'https://s/2' })]);
  const prim = () =>
    g.pick([
      g.pick(STRINGS),
      g.pick(INTS),
      g.pick(DOUBLES.filter((d) => Number.isFinite(d))),
      g.next() < 0.5,
      [g.pick(STRINGS), 'b'],
      [1, 2, 3],
      [true, false],
    ]);
  const attrs = (m: number) => Object.fromEntries(Array.from({ length: m }, (_, k) => [`a.${k}`, prim()]));
  for (let i = 0; i < n; i++) {
    const seconds = g.pick([1, 1_700_000_000]);
    const parent =
      g.next() < 0.6
        ? trace.setSpanContext(context.active(), {
            traceId: g.hex(16),
            spanId: g.hex(8),
            traceFlags: TraceFlags.SAMPLED,
            isRemote: g.next() < 0.5,
            ...(g.next() < 0.5 ? { traceState: createTraceState(g.pick(['vendor=a', 'a=1,b=2'])) } : {}),
          })
        : context.active();
    const links: Link[] = Array.from({ length: g.int(4) }, () => ({
      context: {
        traceId: g.hex(16),
        spanId: g.hex(8),
        traceFlags: g.pick([TraceFlags.NONE, TraceFlags.SAMPLED]),
        ...(g.next() < 0.5 ? { isRemote: true } : {}),
        ...(g.next() < 0.3 ? { traceState: createTraceState('l=1') } : {}),
      },
      ...(g.next() < 0.7 ? { attributes: attrs(g.int(4)) } : {}),
    }));
    const span = g.pick(tracers).startSpan(
      g.pick(STRINGS.filter((s) => s !== '')),
      {
        kind: g.pick([SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER]),
        attributes: attrs(g.int(8)),
        links,
        startTime: [seconds, g.int(1e9)],
      },
      parent,
    );
    for (let e = 0, m = g.int(5); e < m; e++) span.addEvent(g.pick(['event', 'ü', 'x']), attrs(g.int(4)), [seconds, g.int(1e9)]);
    const code = g.pick([SpanStatusCode.UNSET, SpanStatusCode.OK, SpanStatusCode.ERROR]);
    if (code !== SpanStatusCode.UNSET || g.next() < 0.5)
      span.setStatus({ code, ...(code === SpanStatusCode.ERROR ? { message: g.pick(['boom', 'ü failed']) } : {}) });
    span.end([seconds + 1, g.int(1e9)]);
  }
  return exporter.getFinishedSpans();
}

const text = (b: Uint8Array | undefined) => Buffer.from(b!).toString('utf8');
/** Where two texts first differ, with some context; undefined when they are equal. */
function firstDifference(actual: string, expected: string): string | undefined {
  if (actual === expected) return undefined;
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  return `at ${i}: got …${actual.slice(Math.max(0, i - 120), i + 80)}… where the JSON serializer wrote …${expected.slice(Math.max(0, i - 120), i + 80)}…`;
}

describe('decodeProtobufRequest: protobuf to the OTLP JSON the JSON serializer makes', () => {
  it('log records: every AnyValue kind, ids, flags, dropped counts, event names, resources and scopes', () => {
    for (let round = 0; round < 20; round++) {
      const records = logRecords(60, round + 1);
      const json = text(JsonLogsSerializer.serializeRequest(records));
      const decoded = decodeProtobufRequest(ProtobufLogsSerializer.serializeRequest(records)!, LOGS_SHAPE);
      expect(firstDifference(JSON.stringify(decoded), json)).toBeUndefined();
    }
  });

  it('the generated log records hold what the comparison claims to cover', () => {
    const all = JSON.stringify(JSON.parse(text(JsonLogsSerializer.serializeRequest(logRecords(200, 7)))));
    for (const kind of [
      'stringValue',
      'intValue',
      'doubleValue',
      'boolValue',
      'bytesValue',
      'arrayValue',
      'kvlistValue',
      'eventName',
      'traceId',
      '"flags":0',
      '"flags":1',
      'schemaUrl',
    ]) {
      expect(all).toContain(kind);
    }
    expect(all).toContain('"intValue":-9223372036854776000');
    expect(all).toMatch(/"droppedAttributesCount":[1-9]/);
    expect(all).toContain('"stringValue":""');
  });

  it('spans: events, links, status, kinds, parent ids, trace state, dropped counts', () => {
    for (let round = 0; round < 20; round++) {
      const list = spans(40, round + 100);
      const json = text(JsonTraceSerializer.serializeRequest(list));
      const decoded = decodeProtobufRequest(ProtobufTraceSerializer.serializeRequest(list)!, TRACES_SHAPE);
      expect(firstDifference(JSON.stringify(decoded), json)).toBeUndefined();
    }
    const all = text(JsonTraceSerializer.serializeRequest(spans(200, 9)));
    for (const part of [
      'parentSpanId',
      'traceState',
      '"links":[{',
      '"events":[{',
      '"message":',
      '"kind":5',
      '"droppedEventsCount":1',
      '"droppedLinksCount":',
    ]) {
      expect(all).toContain(part);
    }
  });

  it('the values the two encodings write differently, as docs/collector.md "Wire format" says', () => {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 's' }),
      processors: [new SimpleLogRecordProcessor({ exporter })],
    });
    // A JavaScript integer outside int64: intValue in OTLP JSON (no int64 holds it), doubleValue in protobuf.
    provider.getLogger('x').emit({ body: 'lone \ud800 surrogate', attributes: { 'factline.event.instance_id': 'x', big: 1e300, edge: 2 ** 63 } });
    const [record] = exporter.getFinishedLogRecords();
    const json = JSON.parse(text(JsonLogsSerializer.serializeRequest([record!]))) as Record<string, unknown>;
    const decoded = decodeProtobufRequest(ProtobufLogsSerializer.serializeRequest([record!])!, LOGS_SHAPE);
    const [fromJson] = recordsOf(json, LOGS_SHAPE);
    const [fromProto] = recordsOf(decoded, LOGS_SHAPE);
    expect(fromJson!.record.attributes!.slice(1).map((a) => a.value)).toEqual([{ intValue: 1e300 }, { intValue: 2 ** 63 }]);
    expect(fromProto!.record.attributes!.slice(1).map((a) => a.value)).toEqual([{ doubleValue: 1e300 }, { doubleValue: 2 ** 63 }]);
    // Protobuf strings are UTF-8: an unpaired surrogate arrives as U+FFFD.
    expect(fromJson!.record.body).toEqual({ stringValue: 'lone \ud800 surrogate' });
    expect(fromProto!.record.body).toEqual({ stringValue: 'lone \ufffd surrogate' });
  });

  it('an empty body is an empty request; a body cut short is a clear error', () => {
    expect(decodeProtobufRequest(new Uint8Array(0), LOGS_SHAPE)).toEqual({ resourceLogs: [] });
    const body = ProtobufLogsSerializer.serializeRequest(logRecords(3, 5))!;
    expect(() => decodeProtobufRequest(body.subarray(0, body.byteLength - 7), LOGS_SHAPE)).toThrow(ProtobufWireError);
    expect(() => decodeProtobufRequest(Buffer.from('{"resourceLogs":[]}'), LOGS_SHAPE)).toThrow(ProtobufWireError);
  });
});

describe('splitProtobufRequest', () => {
  it('splits at every point as splitRequest splits the OTLP JSON, records under their own resource and scope', () => {
    const records = logRecords(23, 42);
    const body = ProtobufLogsSerializer.serializeRequest(records)!;
    const json = JSON.parse(text(JsonLogsSerializer.serializeRequest(records))) as Record<string, unknown>;
    expect(countProtobufRecords(body)).toBe(23);
    for (let at = 0; at <= 23; at++) {
      const [head, tail] = splitProtobufRequest(body, at);
      const [jHead, jTail] = splitRequest(json, at, LOGS_SHAPE);
      expect(JSON.parse(JSON.stringify(decodeProtobufRequest(head, LOGS_SHAPE)))).toEqual(JSON.parse(JSON.stringify(jHead)));
      expect(JSON.parse(JSON.stringify(decodeProtobufRequest(tail, LOGS_SHAPE)))).toEqual(JSON.parse(JSON.stringify(jTail)));
      expect(countProtobufRecords(head)).toBe(at);
      expect(countProtobufRecords(tail)).toBe(23 - at);
    }
  });

  it('copies each record byte for byte', () => {
    const list = spans(17, 3);
    const body = ProtobufTraceSerializer.serializeRequest(list)!;
    const [head, tail] = splitProtobufRequest(body, 9);
    // Each half, split again into single records, holds exactly the bytes of one span of the original.
    const singles = (b: Uint8Array): Uint8Array[] => {
      const n = countProtobufRecords(b);
      if (n <= 1) return [b];
      const [h, t] = splitProtobufRequest(b, 1);
      return [h, ...singles(t)];
    };
    const pieces = [...singles(head), ...singles(tail)];
    expect(pieces).toHaveLength(17);
    // The request groups spans by resource and scope: its order, by span id.
    const order = recordsOf(decodeProtobufRequest(body, TRACES_SHAPE), TRACES_SHAPE).map((r) => r.record.spanId);
    for (const [i, piece] of pieces.entries()) {
      const one = ProtobufTraceSerializer.serializeRequest([list.find((s) => s.spanContext().spanId === order[i])!])!;
      // Same resource, scope and span bytes; a lone span serialises to the same request.
      expect(Buffer.from(piece).equals(Buffer.from(one))).toBe(true);
    }
    expect(recordsOf(decodeProtobufRequest(head, TRACES_SHAPE), TRACES_SHAPE)).toHaveLength(9);
  });
});

describe('instanceIdsInProtobuf', () => {
  it('reads the instance ids left in bytes that are no whole request any more', () => {
    const records = logRecords(5, 11);
    const body = ProtobufLogsSerializer.serializeRequest(records)!;
    const ids = recordsOf(decodeProtobufRequest(body, LOGS_SHAPE), LOGS_SHAPE).map((r) => instanceIdOf(r.record));
    expect(instanceIdsInProtobuf(body, 'factline.event.instance_id')).toEqual(ids);
    expect(instanceIdsInProtobuf(body.subarray(0, Math.floor(body.byteLength / 2)), 'factline.event.instance_id').length).toBeGreaterThan(0);
  });
});
