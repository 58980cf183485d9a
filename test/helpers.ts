import { InMemoryLogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { createOtelPipeline, type OtelPipeline } from '../src/otel/setup.js';

/** An SDK pipeline that keeps everything in memory, for assertions. */
export function memoryPipeline(serviceName = 'test-service'): OtelPipeline & { logs: InMemoryLogRecordExporter; spans: InMemorySpanExporter } {
  const logs = new InMemoryLogRecordExporter();
  const spans = new InMemorySpanExporter();
  const p = createOtelPipeline({
    serviceName,
    logProcessors: [new SimpleLogRecordProcessor({ exporter: logs })],
    spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
  });
  return Object.assign(p, { logs, spans });
}

/** A clock that starts at a fixed instant and advances one second per call. */
export function steppingClock(startIso = '2026-01-23T14:32:01.000Z', stepMs = 1000): () => number {
  let t = Date.parse(startIso) - stepMs;
  return () => (t += stepMs);
}
