import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmitter } from '../../src/emitter/index.js';
import { createOtelPipeline } from '../../src/otel/setup.js';
import { OTLP_PROTOCOLS } from '../../src/otel/exporters.js';
import { authCatalog } from '../fixtures-catalog.js';
import { BASE_CONFIG, buildCollector, CollectorProcess, collectorEnv, collectorPorts, SKIP_NOTE, TEST_OVERLAY, waitFor } from './support/collector.js';
import { instanceId } from './support/otlp.js';
import { RecordingServer } from './support/recorder.js';

/*
 * factline's default exporters, chosen by OTEL_EXPORTER_OTLP_PROTOCOL, into
 * the real Collector's OTLP receivers (HTTP for http/protobuf and http/json,
 * gRPC for grpc): each protocol delivers its log records and spans.
 */
describe.skipIf(SKIP_NOTE !== undefined)('OTEL_EXPORTER_OTLP_PROTOCOL through the real Collector', () => {
  const dir = mkdtempSync(join(tmpdir(), 'factline-protocols-'));
  const recorder = new RecordingServer();
  let collector: CollectorProcess;
  let ports: Awaited<ReturnType<typeof collectorPorts>>;

  beforeAll(async () => {
    const binary = await buildCollector();
    const sinkUrl = await recorder.start();
    ports = await collectorPorts();
    mkdirSync(join(dir, 'tailed'));
    const env = collectorEnv(ports, { storageDir: join(dir, 'storage'), eventsGlob: join(dir, 'tailed', '*.jsonl'), outDir: join(dir, 'out'), sinkUrl });
    collector = new CollectorProcess(binary, [BASE_CONFIG, TEST_OVERLAY], env, ports.health);
    await collector.start();
  });
  afterAll(async () => {
    await collector?.stop();
    await recorder.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(OTLP_PROTOCOLS.map((p) => [p]))('%s delivers log records and spans', async (protocol) => {
    // The pipeline is built from the environment it is given, the exporters' endpoint too.
    const endpoint = `http://127.0.0.1:${protocol === 'grpc' ? ports.otlpGrpc : ports.otlpHttp}`;
    const pipeline = createOtelPipeline(
      { registerGlobals: false, serviceName: `protocols-${protocol}` },
      { OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
    );
    const events = createEmitter(authCatalog, { sinks: [pipeline.sink], validation: 'strict' });
    const sent = events.emit('auth.user.logout:1', { user_id: protocol, reason: 'protocol test' })!;
    const span = pipeline.tracerProvider.getTracer('protocols').startSpan(`span-${protocol}`);
    span.end();
    await events.shutdown();
    await waitFor(() => recorder.logs().some((l) => instanceId(l.record) === sent.id) && recorder.spans().some((s) => s.span.name === `span-${protocol}`), {
      timeoutMs: 60_000,
      describe: () => `${recorder.logs().length} log records, ${recorder.spans().length} spans\n${collector.output.slice(-4000)}`,
    });
    expect(recorder.logs().filter((l) => instanceId(l.record) === sent.id)).toHaveLength(1);
    expect(recorder.unreadable()).toEqual([]);
  });
});
