import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { createEmitter } from '../../src/emitter/index.js';
import type { FactlineEvent } from '../../src/envelope/event.js';
import { intentCatalog } from '../../src/intent/catalog.js';
import { createIntentTracing } from '../../src/intent/tracing.js';
import { idsForTraceKey } from '../../src/otel/trace-key.js';
import type { Sink } from '../../src/sinks/sink.js';

describe("Intent tracing with a service's own SDK", () => {
  it('keeps the derived trace id and hangs the loop under the derived root when it cannot choose span ids', async () => {
    const spans = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });
    const tracing = createIntentTracing({ tracer: provider.getTracer('svc') });
    const events: FactlineEvent[] = [];
    const sink: Sink = {
      name: 'rec',
      write: (e, t) => {
        events.push(e);
        tracing.afterEmit(e, t);
      },
    };
    const ev = createEmitter(intentCatalog, { sinks: [sink], validation: 'strict', resolveTrace: tracing.resolveTrace });
    ev.emit('contract.contract.started:1', { contract_id: 'CON-1', spec_id: 'SPEC-1', trace_id: 'TRACE-9', agent: 'a', started_at: '2026-01-01T00:00:00Z' });
    ev.emit('contract.contract.completed:1', { contract_id: 'CON-1', spec_id: 'SPEC-1', duration: 1, assertions_passed: 0, assertions_failed: 0 });
    await provider.forceFlush();
    const ids = idsForTraceKey('TRACE-9');
    const root = spans.getFinishedSpans().find((s) => s.name === 'intent.loop')!;
    expect(root.spanContext().traceId).toBe(ids.traceId);
    expect(root.parentSpanContext?.spanId).toBe(ids.spanId);
    expect(events.every((e) => e.trace_id === ids.traceId)).toBe(true);
    await provider.shutdown();
  });

  it('leaves events of other catalogs and unlinked events alone', () => {
    const provider = new TracerProvider();
    const tracing = createIntentTracing({ tracer: provider.getTracer('svc') });
    const created = intentCatalog.get('signal.signal.created:1')!;
    expect(tracing.resolveTrace(created, { signal_id: 'SIG-1' }, 0)).toBeUndefined();
    expect(tracing.resolveTrace({ ...created, catalog: 'other' }, { trace_id: 'TRACE-1' }, 0)).toBeUndefined();
  });
});
