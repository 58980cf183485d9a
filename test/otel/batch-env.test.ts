import { InMemoryLogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { createOtelPipeline } from '../../src/otel/setup.js';

/*
 * The specification's batch processor variables (OTEL_BLRP_* for logs,
 * OTEL_BSP_* for spans) size factline's batch processors on both SDK
 * lines: SDK 3's processors read no variable themselves, so factline reads
 * them and passes options. Checked by the batches an exporter receives.
 */
function batchSizes<T>(exporter: { export(items: T[], done: (r: { code: number }) => void): void }): number[] {
  const sizes: number[] = [];
  const original = exporter.export.bind(exporter);
  exporter.export = (items, done) => {
    sizes.push(items.length);
    original(items, done);
  };
  return sizes;
}

describe('OTEL_BLRP_* and OTEL_BSP_*', () => {
  it('set the batch size of the log and span batch processors', async () => {
    const logExporter = new InMemoryLogRecordExporter();
    const spanExporter = new InMemorySpanExporter();
    const logBatches = batchSizes<ReadableLogRecord>(logExporter);
    const spanBatches = batchSizes<ReadableSpan>(spanExporter);
    const env = {
      OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '2',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '3',
      OTEL_BLRP_SCHEDULE_DELAY: '600000',
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    };
    const pipeline = createOtelPipeline({ registerGlobals: false, logExporter, spanExporter }, env);
    const logger = pipeline.loggerProvider.getLogger('test');
    const tracer = pipeline.tracerProvider.getTracer('test');
    for (let i = 0; i < 5; i++) {
      logger.emit({ body: `record ${i}` });
      tracer.startSpan(`span ${i}`).end();
    }
    await pipeline.forceFlush();
    expect(logBatches.reduce((a, b) => a + b, 0)).toBe(5);
    expect(Math.max(...logBatches)).toBe(2);
    expect(spanBatches.reduce((a, b) => a + b, 0)).toBe(5);
    expect(Math.max(...spanBatches)).toBe(3);
    await pipeline.shutdown();
  });
});
