import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { afterAll, describe, expect, it } from 'vitest';
import { createOtlpHttpTransport, DurableLogRecordProcessor, DurableSpanProcessor, type RuntimeProblem } from '../../src/index.js';
import { logsApi } from '../../src/otel/logs-api.js';
import { startOtlpJsonReceiver } from '../package/otlp-receiver.js';

// The Logs API of the installed SDK line (@opentelemetry/api 1.10 on SDK 3, api-logs on SDK 2).
const logs = logsApi();

/*
 * The README's "Durable delivery in your own SDK": the processors, imported
 * from the package root, plugged into a real NodeSDK, deliver a log record
 * and a span over OTLP/HTTP (binary protobuf, their default encoding),
 * count them, and leave the spool empty.
 */
const dir = mkdtempSync(join(tmpdir(), 'factline-own-sdk-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("factline's durable processors in a service's own NodeSDK", () => {
  it('deliver what the SDK emits and report it in stats()', async () => {
    const receiver = await startOtlpJsonReceiver();
    const problems: RuntimeProblem[] = [];
    const onProblem = (p: RuntimeProblem) => void problems.push(p);
    const spool = { dir };
    const logProcessor = new DurableLogRecordProcessor(createOtlpHttpTransport({ url: `${receiver.url}/v1/logs` }), { spool }, onProblem);
    const spanProcessor = new DurableSpanProcessor(
      createOtlpHttpTransport({ url: `${receiver.url}/v1/traces`, rejectedField: 'rejectedSpans' }),
      { spool },
      onProblem,
    );
    const sdk = new NodeSDK({ serviceName: 'own-sdk', logRecordProcessors: [logProcessor], spanProcessors: [spanProcessor] });
    sdk.start();
    try {
      trace.getTracer('own-sdk').startActiveSpan('checkout', (span) => {
        logs.getLogger('own-sdk').emit({ eventName: 'shop.order.placed', body: 'order placed' });
        span.end();
      });
    } finally {
      await sdk.shutdown();
      await receiver.close();
    }
    expect(problems).toEqual([]);
    expect(receiver.requests.map((r) => r.contentType)).toEqual(['application/x-protobuf', 'application/x-protobuf']);
    expect(receiver.logRecords().map((r) => r.eventName)).toEqual(['shop.order.placed']);
    expect(receiver.spans().map((s) => s.name)).toEqual(['checkout']);
    expect(receiver.logRecords()[0]!.traceId).toBe(receiver.spans()[0]!.traceId);
    expect(logProcessor.stats()).toMatchObject({ received: 1, delivered: 1, pending: 0, dropped: 0 });
    expect(spanProcessor.stats()).toMatchObject({ received: 1, delivered: 1, pending: 0, dropped: 0 });
    expect(readdirSync(join(dir, 'logs')).filter((f) => f.endsWith('.spool'))).toEqual([]);
  }, 30_000); // a loaded machine: the SDK's start, two HTTP exports and the spool's fsyncs
});
