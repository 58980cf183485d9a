import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCatalog } from '../../src/catalog/index.js';
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
 * gRPC for grpc): each protocol delivers its log records and spans. The two
 * HTTP protocols go through factline's durable delivery, which sends binary
 * protobuf or OTLP JSON; the Collector must read the same records from both.
 */
const typed = defineCatalog(
  {
    'wire.payload.checked:1': z.object({
      text: z.string(),
      empty: z.string(),
      unicode: z.string(),
      count: z.int(),
      big: z.int(),
      negative: z.int(),
      ratio: z.number(),
      flag: z.boolean(),
      tags: z.array(z.string()),
      nested: z.object({ level: z.int(), inner: z.object({ name: z.string(), values: z.array(z.number()) }) }),
    }),
  },
  { name: 'wire' },
);
const PAYLOAD = {
  text: 'line\nbreak "quoted" \\ tab\t',
  empty: '',
  unicode: 'ü 漢字 😀',
  count: 42,
  big: Number.MAX_SAFE_INTEGER,
  negative: -(2 ** 40),
  ratio: 0.125,
  flag: false,
  tags: ['a', 'ü', ''],
  nested: { level: 2, inner: { name: 'deep', values: [1, 2.5, -3] } },
};
/** The attributes and body of a record, without what differs between two emits (ids, times, the protocol's own labels). */
function comparable(record: {
  attributes?: { key: string; value: unknown }[];
  body?: unknown;
  severityNumber?: unknown;
  severityText?: unknown;
  eventName?: unknown;
}) {
  const differs = new Set(['factline.event.instance_id', 'factline.event.time']);
  return {
    attributes: (record.attributes ?? []).filter((a) => !differs.has(a.key)).sort((a, b) => (a.key < b.key ? -1 : 1)),
    body: record.body,
    severityNumber: record.severityNumber,
    severityText: record.severityText,
    eventName: record.eventName,
  };
}
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
    // The HTTP protocols go through factline's durable delivery; grpc through the SDK's exporter.
    expect(pipeline.delivery !== undefined).toBe(protocol !== 'grpc');
  });

  it('http/protobuf and http/json carry the same records: the Collector reads the same attributes and values from both', async () => {
    const sent: Record<string, string> = {};
    for (const protocol of ['http/protobuf', 'http/json'] as const) {
      const pipeline = createOtelPipeline(
        { registerGlobals: false, serviceName: 'protocols-same' },
        { OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports.otlpHttp}` },
      );
      const events = createEmitter(typed, { sinks: [pipeline.sink], validation: 'strict' });
      sent[protocol] = events.emit('wire.payload.checked:1', PAYLOAD)!.id;
      await events.shutdown();
      expect(pipeline.sink.stats?.()).toMatchObject({ delivered: 1, dropped: 0, deadLettered: 0 });
    }
    const byId = (id: string) => recorder.logs().find((l) => instanceId(l.record) === id);
    await waitFor(() => byId(sent['http/protobuf']!) !== undefined && byId(sent['http/json']!) !== undefined, {
      timeoutMs: 60_000,
      describe: () => `${recorder.logs().length} log records\n${collector.output.slice(-4000)}`,
    });
    const proto = byId(sent['http/protobuf']!)!;
    const json = byId(sent['http/json']!)!;
    expect(comparable(proto.record)).toEqual(comparable(json.record));
    expect(proto.resource).toEqual(json.resource);
    expect(proto.scope).toEqual(json.scope);
    // Not vacuous: the payload's values are there, typed.
    const attrs = JSON.stringify(comparable(proto.record));
    for (const part of ['ü 漢字 😀', '9007199254740991', '-1099511627776', '0.125', '"boolValue":false', 'deep']) expect(attrs).toContain(part);
    expect(recorder.unreadable()).toEqual([]);
  });
});
