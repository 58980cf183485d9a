import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOOP, runIntentLoop } from '../../examples/intent-loop.js';
import { intentCatalog } from '../../src/intent/catalog.js';
import { idsForTraceKey } from '../../src/otel/trace-key.js';
import { SKIP_NOTE, waitFor, type CollectorProcess } from './support/collector.js';
import { usePipeline } from './support/pipeline.js';
import { attributeMap, eventIdParts, fromAnyValue, fromJs, instanceId, SEVERITY_NUMBER, sdkAttributes, unixNano, type EnvelopeLine } from './support/otlp.js';
import type { ReceivedLog, ReceivedSpan } from './support/recorder.js';

/*
 * The SDK path end to end: the demo Intent loop (examples/intent-loop.ts)
 * exports over OTLP/HTTP to a real Collector running the shipped config
 * (otel-collector.yaml + overlays/test-endpoints.yaml), which delivers to a
 * server standing in for Loki and Tempo. What the events were is read back
 * from the loop's own hash-chained events.jsonl, so every comparison is with
 * what the SDK emitted.
 */

const EVENTS = 34; // examples/intent-loop.ts: 33 loop events and one heartbeat

describe.skipIf(SKIP_NOTE !== undefined)('the SDK path through the shipped Collector config', () => {
  const pipeline = usePipeline('pipeline-otlp');
  const { recorder, dir } = pipeline;
  let collector: CollectorProcess;
  let events: EnvelopeLine[] = [];
  let logs: ReceivedLog[] = [];
  let spans: ReceivedSpan[] = [];

  beforeAll(async () => {
    // file_log tails an empty directory here: the loop's own files are written
    // elsewhere, so every record the server sees came over OTLP.
    collector = pipeline.collector;
    const receiver = pipeline.receiver;
    const intent = await runIntentLoop({
      otlp: true,
      logExporter: new OTLPLogExporter({ url: `${receiver}/v1/logs` }),
      spanExporter: new OTLPTraceExporter({ url: `${receiver}/v1/traces` }),
      // The loop beats once itself; an hour-long interval keeps the timer from adding more.
      heartbeat: { intervalMs: 3_600_000, serversActive: () => 3 },
      shutdownOnExit: false,
      validation: 'strict',
      file: join(dir, 'events.jsonl'),
      intentFile: join(dir, 'intent-events.jsonl'),
    });
    await intent.shutdown(); // flushes both SDK processors to the Collector
    events = readFileSync(join(dir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as EnvelopeLine);

    const ids = new Set(events.map((e) => e.id));
    await waitFor(() => new Set(recorder.logs().map((l) => instanceId(l.record))).size >= ids.size && recorder.spans().length >= 6, {
      timeoutMs: 60_000,
      describe: () => `${recorder.logs().length} log records and ${recorder.spans().length} spans delivered\n${collector.tail()}`,
    });
    // Stopped before counting: after exit nothing more can arrive, so a
    // duplicate cannot slip in after the assertions.
    await collector.stop();
    logs = recorder.logs();
    spans = recorder.spans();
  });

  it('sends only readable OTLP/JSON and delivers every event of the loop exactly once', () => {
    expect(recorder.unreadable()).toEqual([]);
    expect(events).toHaveLength(EVENTS);
    const counts = new Map<string | undefined, number>();
    for (const l of logs) counts.set(instanceId(l.record), (counts.get(instanceId(l.record)) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(events.map((e) => [e.id, 1])));
  });

  it('keeps the resource and scope the SDK set', () => {
    for (const l of logs) {
      expect(attributeMap(l.resource)).toMatchObject({ 'service.name': 'intent-demo', 'service.version': '0.1.0' });
      expect(l.scope.name).toBe('factline');
    }
  });

  it('delivers each record as docs/mapping.md describes: event name, times, severity, trace context, body and every attribute with its type', () => {
    const byId = new Map(logs.map((l) => [instanceId(l.record), l.record]));
    for (const e of events) {
      const type = intentCatalog.get(e.event_id)!;
      const r = byId.get(e.id)!;
      expect({
        eventName: r.eventName,
        timeUnixNano: r.timeUnixNano,
        observedTimeUnixNano: r.observedTimeUnixNano,
        severityNumber: r.severityNumber,
        severityText: r.severityText,
        traceId: r.traceId ?? '',
        spanId: r.spanId ?? '',
        body: fromAnyValue(r.body),
        attributes: attributeMap(r.attributes ?? []),
      }).toEqual({
        eventName: eventIdParts(e.event_id).name,
        timeUnixNano: unixNano(e.time),
        observedTimeUnixNano: unixNano(e.observed_time),
        severityNumber: SEVERITY_NUMBER[e.severity],
        severityText: e.severity,
        traceId: e.trace_id ?? '',
        spanId: e.span_id ?? '',
        body: fromJs(e.payload),
        attributes: sdkAttributes(e, 'intent', type.wireName),
      });
    }
  });

  it("delivers the loop's events in one trace, derived from TRACE-015, with hex ids", () => {
    const loopTrace = idsForTraceKey(LOOP.traceKey).traceId;
    const traced = logs.filter((l) => l.record.traceId);
    // From signal.promoted on, every loop event but the heartbeat (examples/intent-loop.ts).
    expect(traced).toHaveLength(19);
    expect(new Set(traced.map((l) => l.record.traceId))).toEqual(new Set([loopTrace]));
    for (const l of traced) expect(l.record.spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  it("delivers the loop, intent, spec and contract spans, all in the loop's trace", () => {
    const loopTrace = idsForTraceKey(LOOP.traceKey).traceId;
    expect(spans.map((s) => s.span.name).sort()).toEqual([
      'intent.contract',
      'intent.contract',
      'intent.contract',
      'intent.intent',
      'intent.loop',
      'intent.spec',
    ]);
    expect(new Set(spans.map((s) => s.span.traceId))).toEqual(new Set([loopTrace]));
    const root = spans.find((s) => s.span.name === 'intent.loop')!.span;
    expect(root.spanId).toBe(idsForTraceKey(LOOP.traceKey).spanId);
    for (const s of spans.filter((x) => x.span !== root)) expect(s.span.parentSpanId).toBe(root.spanId);
    for (const s of spans) expect(attributeMap(s.resource)).toMatchObject({ 'service.name': 'intent-demo' });
  });

  it('carries every traced event as a span event on the span it names, with the envelope attributes and the payload fields', () => {
    const received = new Map(
      spans.flatMap((s) =>
        (s.span.events ?? []).map((ev) => {
          const attributes = attributeMap(ev.attributes ?? []);
          return [attributes['factline.event.instance_id'], { spanId: s.span.spanId, name: ev.name, time: ev.timeUnixNano, attributes }] as const;
        }),
      ),
    );
    const traced = events.filter((e) => e.span_id !== undefined);
    expect(received.size).toBe(traced.length);
    for (const e of traced) {
      // docs/mapping.md, "The span event": the payload's fields (Intent's are
      // flat), then every envelope attribute; event_name is the Collector's, on logs only.
      const { event_name: _logsOnly, ...envelope } = sdkAttributes(e, 'intent', intentCatalog.get(e.event_id)!.wireName);
      const payload = fromJs(e.payload) as { kv: Record<string, unknown> };
      expect(received.get(e.id)).toEqual({
        spanId: e.span_id,
        name: eventIdParts(e.event_id).name,
        time: unixNano(e.time),
        attributes: { ...payload.kv, ...envelope },
      });
    }
  });

  it('holds the failed lint_passes assertion on the CON-092 contract span', () => {
    const con092 = spans.find((s) => attributeMap(s.span.attributes ?? [])['intent.contract_id'] === 'CON-092')!.span;
    const failed = (con092.events ?? []).filter((ev) => ev.name === 'contract.assertion.failed');
    expect(failed).toHaveLength(1);
    expect(attributeMap(failed[0]!.attributes ?? [])).toMatchObject({
      assertion_name: LOOP.failingAssertion,
      contract_id: 'CON-092',
      'factline.event.id': 'contract.assertion.failed:1',
    });
    expect(con092.status?.code).toBe(2); // STATUS_CODE_ERROR
  });
});

if (SKIP_NOTE !== undefined) it.skip(`the SDK path through the shipped Collector config: ${SKIP_NOTE}`, () => {});
