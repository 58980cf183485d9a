import type { ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { createEmitter } from '../../src/emitter/index.js';
import { createOtelPipeline } from '../../src/otel/setup.js';
import type { RuntimeProblem } from '../../src/problems.js';
import { authCatalog } from '../fixtures-catalog.js';

/** A service's own exporter whose every export fails, counting the calls it gets. */
class RefusingExporter implements LogRecordExporter {
  exported = 0;
  flushed = 0;
  shutDown = 0;
  export(items: ReadableLogRecord[], done: (r: ExportResult) => void): void {
    this.exported += items.length;
    done({ code: 1, error: new Error('collector said no') });
  }
  async forceFlush(): Promise<void> {
    this.flushed++;
  }
  async shutdown(): Promise<void> {
    this.shutDown++;
  }
}

describe('a failed export of a logExporter the service passes', () => {
  it('is reported as FACTLINE_EXPORT_FAILED, and the exporter object is left as it was', async () => {
    const exporter = new RefusingExporter();
    const exportBefore = exporter.export;
    const problems: RuntimeProblem[] = [];
    const pipeline = createOtelPipeline({ registerGlobals: false, logExporter: exporter, spanExporter: null });
    const events = createEmitter(authCatalog, { sinks: [pipeline.sink], onProblem: (p) => problems.push(p) });
    events.emit('auth.user.logout:1', { user_id: 'u1', reason: 'user_initiated' });
    await events.shutdown();

    expect(exporter.exported).toBe(1);
    expect(problems.filter((p) => p.code === 'FACTLINE_EXPORT_FAILED')).toEqual([
      expect.objectContaining({ message: 'exporting 1 log records failed: collector said no', sink: 'otel', details: { signal: 'logs', items: 1 } }),
    ]);
    // Composed, not patched: the service's object keeps its own method, and
    // flush and shutdown still reach it through the wrapper.
    expect(exporter.export).toBe(exportBefore);
    expect(Object.hasOwn(exporter, 'export')).toBe(false);
    expect(exporter.shutDown).toBe(1);
  });
});
