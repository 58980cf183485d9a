import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nextBackoffMs } from '../../src/delivery/backoff.js';
import { DurableLogRecordProcessor } from '../../src/delivery/durable-log-record-processor.js';
import { createOtlpHttpTransport, parseRetryAfter } from '../../src/delivery/otlp-http-transport.js';
import { LOGS_SHAPE, recordsOf, splitRequest, type ExportLogsRequestJson } from '../../src/delivery/otlp-json.js';
import { decodeProtobufRequest } from '../../src/delivery/otlp-protobuf.js';
import { intentCatalog } from '../../src/intent/catalog.js';
import { setupFactline } from '../../src/setup.js';
import { createJsonlSink } from '../../src/sinks/jsonl/index.js';
import { OtlpEndpoint } from './support/otlp-endpoint.js';
import { factlineTo, tempDir, waitUntil } from './support/drive.js';

const endpoint = await new OtlpEndpoint().start();
afterAll(() => endpoint.stop());

describe('Retry-After', () => {
  it('reads delay-seconds and HTTP-dates as milliseconds, and ignores what it cannot read', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:10 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('is a delay only when it is a positive whole number of seconds or a future date, at most 60 s; else the caller backs off', () => {
    const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
    for (const unusable of ['0', '-1', '1.5', ' ', 'Wed, 21 Oct 2026 07:27:59 GMT', 'Wed, 21 Oct 2026 07:28:00 GMT', '2026-10-21T07:28:10Z', '10s']) {
      expect(parseRetryAfter(unusable, now), unusable).toBeUndefined();
    }
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter('3600', now)).toBe(60_000);
    expect(parseRetryAfter('Thu, 22 Oct 2026 07:28:00 GMT', now)).toBe(60_000);
  });
});

describe('backoff', () => {
  it('grows exponentially from initialMillis, with jitter of ±randomizationFactor, capped at maxMillis', () => {
    expect(nextBackoffMs(1, {}, () => 0)).toBe(500);
    expect(nextBackoffMs(1, {}, () => 1)).toBe(1500);
    expect(nextBackoffMs(3, {}, () => 0.5)).toBe(4000);
    expect(nextBackoffMs(30, {}, () => 1)).toBe(10_000);
    expect(nextBackoffMs(30, { maxMillis: 2000 }, () => 0)).toBe(1000);
  });
});

describe('splitting an OTLP JSON request', () => {
  it('keeps every record under its own resource and scope, in order', () => {
    const rec = (n: number) => ({ body: { stringValue: `r${n}` } });
    const request: ExportLogsRequestJson = {
      resourceLogs: [
        {
          resource: { attributes: [] },
          scopeLogs: [
            { scope: { name: 'a' }, logRecords: [rec(1), rec(2)] },
            { scope: { name: 'b' }, logRecords: [rec(3)] },
          ],
        },
        { resource: { droppedAttributesCount: 0 }, scopeLogs: [{ scope: { name: 'c' }, logRecords: [rec(4)] }] },
      ],
    };
    const [head, tail] = splitRequest(request, 3);
    expect(recordsOf(head).map((r) => [r.scope, r.record])).toEqual([
      [{ name: 'a' }, rec(1)],
      [{ name: 'a' }, rec(2)],
      [{ name: 'b' }, rec(3)],
    ]);
    expect(recordsOf(tail)).toEqual([{ resource: { droppedAttributesCount: 0 }, scope: { name: 'c' }, record: rec(4) }]);
  });
});

describe('partial success', () => {
  it('counts the rejected records, reports FACTLINE_EXPORT_PARTIAL and writes the reason and candidates to the dead-letter file', async () => {
    const deadLetterPath = join(tempDir('partial'), 'dead.jsonl');
    endpoint.mode = { kind: 'partial', rejected: 1, message: 'one record too large' };
    const { sdk, problems, emitOne } = factlineTo(endpoint, { spool: false, delivery: { deadLetterPath } });
    const ids = [0, 1, 2].map((i) => emitOne(i));
    await sdk.flush();
    const stats = sdk.stats().sinks.otel!;
    await sdk.shutdown();
    endpoint.mode = { kind: 'accept' };
    expect(stats).toMatchObject({ emitted: 3, delivered: 2, rejected: 1, dropped: 0, pending: 0 });
    expect(problems).toMatchObject([{ code: 'FACTLINE_EXPORT_PARTIAL', sink: 'otel', details: { rejected: 1, records: 3, reason: 'one record too large' } }]);
    const line = JSON.parse(readFileSync(deadLetterPath, 'utf8')) as Record<string, unknown>;
    expect(line).toMatchObject({ status: 200, reason: 'one record too large', rejected: 1, candidate_instance_ids: ids });
  });
});

describe('a burst held compressed', () => {
  // Emitted in one synchronous loop: nothing is sent until it ends, so every batch past the first few waits in memory.
  const BATCH = 64;
  const BATCHES = 40;
  for (const compression of ['none', 'gzip'] as const) {
    it(`keeps batches that must wait gzip-compressed and counts their real size, and delivers every record (OTLP compression ${compression})`, async () => {
      endpoint.mode = { kind: 'accept' };
      process.env.OTEL_EXPORTER_OTLP_COMPRESSION = compression;
      const gzipBefore = endpoint.gzipRequests;
      // 1 MB holds about 10 of these batches as serialised (64 records of ~1.6 KB of OTLP JSON), all 40 compressed.
      const { sdk, problems, emitOne } = factlineTo(endpoint, { spool: false, delivery: { maxExportBatchSize: BATCH, maxBufferBytes: 1_000_000 } });
      try {
        const ids: string[] = [];
        for (let i = 0; i < BATCH * BATCHES; i++) ids.push(emitOne(i));
        const held = sdk.stats().sinks.otel!;
        expect(held).toMatchObject({ pending: BATCH * BATCHES, dropped: 0 });
        // The bytes it counts are the compressed ones: well under the serialised size of even the 36 waiting batches.
        expect(sdk.pipeline!.delivery!.stats().bufferBytes).toBeLessThan(1_000_000);
        await waitUntil(() => sdk.stats().sinks.otel!.delivered === ids.length, 60_000);
        expect(sdk.stats().sinks.otel).toMatchObject({ delivered: ids.length, dropped: 0, pending: 0, bufferBytes: 0 });
        expect(ids.filter((id) => !endpoint.received.has(id))).toEqual([]);
        expect(problems).toEqual([]);
        // With gzip every request goes out compressed (the held ones as they are); without it none does.
        expect(endpoint.gzipRequests - gzipBefore).toBe(compression === 'gzip' ? BATCHES : 0);
      } finally {
        await sdk.shutdown();
        delete process.env.OTEL_EXPORTER_OTLP_COMPRESSION;
      }
    });
  }

  it('compresses a batch that would go out at once when it does not fit the buffer as serialised, instead of dropping it', async () => {
    endpoint.mode = { kind: 'accept' };
    // One batch of 64 records is ~100 KB of OTLP JSON and a few KB compressed.
    const { sdk, problems, emitOne } = factlineTo(endpoint, { spool: false, delivery: { maxExportBatchSize: 64, maxBufferBytes: 50_000 } });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 64; i++) ids.push(emitOne(i));
      await waitUntil(() => sdk.stats().sinks.otel!.delivered === ids.length, 30_000);
      expect(sdk.stats().sinks.otel).toMatchObject({ delivered: 64, dropped: 0 });
      expect(problems).toEqual([]);
      expect(ids.filter((id) => !endpoint.received.has(id))).toEqual([]);
    } finally {
      await sdk.shutdown();
    }
  });

  it.each([
    ['http/protobuf', 'protobuf', 'application/x-protobuf'],
    ['http/json', 'json', 'application/json'],
  ] as const)(
    'splits a compressed batch the endpoint refuses, dead-letters only the refused record as OTLP JSON and spools the others (%s)',
    async (protocol, encoding, contentType) => {
      const dir = tempDir('burst-poison');
      endpoint.mode = { kind: 'poison', marker: 'POISON' };
      endpoint.contentTypes.clear();
      process.env.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL = protocol;
      const { sdk, problems, emitOne } = factlineTo(endpoint, { spool: { dir }, delivery: { maxExportBatchSize: 64 } });
      delete process.env.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL;
      try {
        const ids: string[] = [];
        for (let i = 0; i < 64 * 10; i++) ids.push(emitOne(i, i === 64 * 9 + 5 ? 'POISON' : `fine ${i}`));
        // The spool holds each batch as the serialiser made it (the memory copy is the compressed one), in the protocol's encoding.
        const spooled = readdirSync(join(dir, 'logs')).filter((f) => f.endsWith('.otlp.spool'));
        expect(spooled.length).toBeGreaterThan(0);
        const file = readFileSync(join(dir, 'logs', spooled.sort().at(-1)!));
        const header = JSON.parse(file.subarray(0, file.indexOf(0x0a)).toString('utf8')) as { version: number; encoding: string };
        expect(header).toMatchObject({ version: 2, encoding });
        const body = file.subarray(file.indexOf(0x0a) + 1);
        const request = encoding === 'protobuf' ? decodeProtobufRequest(body, LOGS_SHAPE) : (JSON.parse(body.toString('utf8')) as ExportLogsRequestJson);
        expect(recordsOf(request)).toHaveLength(64);
        await waitUntil(() => sdk.stats().sinks.otel!.delivered + sdk.stats().sinks.otel!.deadLettered === ids.length, 60_000);
        expect(sdk.stats().sinks.otel).toMatchObject({ delivered: ids.length - 1, deadLettered: 1, dropped: 0 });
        expect(ids.filter((id, i) => i !== 64 * 9 + 5 && !endpoint.received.has(id))).toEqual([]);
        expect(problems.map((p) => p.code)).toEqual(['FACTLINE_DEAD_LETTERED']);
        const line = JSON.parse(readFileSync(join(dir, 'dead-letters-logs.jsonl'), 'utf8')) as { instance_id: string; record: unknown };
        expect(line.instance_id).toBe(ids[64 * 9 + 5]);
        expect(JSON.stringify(line.record)).toContain('POISON');
        expect([...endpoint.contentTypes.keys()]).toEqual([contentType]);
      } finally {
        endpoint.mode = { kind: 'accept' };
        await sdk.shutdown();
      }
    },
  );
});

describe('a refused batch split while spooled', () => {
  it.each([['http/protobuf'], ['http/json']] as const)(
    'has its halves in the spool before its own file is gone: a process that dies then loses none of its records on restart (%s)',
    async (protocol) => {
      const dir = tempDir('split-crash');
      endpoint.mode = { kind: 'poison', marker: 'POISON', thenHang: true };
      process.env.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL = protocol;
      const first = factlineTo(endpoint, { spool: { dir }, delivery: { maxExportBatchSize: 64 } });
      const ids: string[] = [];
      try {
        for (let i = 0; i < 64; i++) ids.push(first.emitOne(i, i === 5 ? 'POISON' : `fine ${i}`));
        // The one batch is refused and split; its halves go out and hang: the process "dies" now.
        await waitUntil(() => endpoint.mode.kind === 'hang' && endpoint.hungBatches >= 1, 30_000);
        const files = readdirSync(join(dir, 'logs')).filter((f) => f.endsWith('.otlp.spool'));
        expect(files.sort()).toEqual(['000000000000-a.otlp.spool', '000000000000-b.otlp.spool']);
      } finally {
        endpoint.mode = { kind: 'poison', marker: 'POISON' };
        await first.sdk.shutdown();
      }
      // A new process on the same spool replays the halves: every record delivered once or dead-lettered.
      const second = factlineTo(endpoint, { spool: { dir }, delivery: { maxExportBatchSize: 64 } });
      delete process.env.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL;
      try {
        await waitUntil(() => second.sdk.stats().sinks.otel!.delivered + second.sdk.stats().sinks.otel!.deadLettered >= 64, 60_000);
        expect(second.sdk.stats().sinks.otel).toMatchObject({ replayed: 64, delivered: 63, deadLettered: 1, dropped: 0 });
        expect(ids.filter((id, i) => i !== 5 && !endpoint.received.has(id))).toEqual([]);
      } finally {
        endpoint.mode = { kind: 'accept' };
        await second.sdk.shutdown();
      }
    },
  );
});

describe('the spool directory', () => {
  it('belongs to one processor: a second one is refused at set-up, naming the directory and the holder', async () => {
    const dir = tempDir('spool-lock');
    const transport = createOtlpHttpTransport({ url: endpoint.url });
    const first = new DurableLogRecordProcessor(transport, { spool: { dir } });
    expect(() => new DurableLogRecordProcessor(transport, { spool: { dir } })).toThrow(
      new RegExp(`spool directory ${dir}/logs/spool is locked by this process ${process.pid}`),
    );
    await first.shutdown();
    const again = new DurableLogRecordProcessor(createOtlpHttpTransport({ url: endpoint.url }), { spool: { dir } });
    await again.shutdown();
  });

  it('spools what the endpoint cannot take before shutdown, and a new processor replays it', async () => {
    const dir = tempDir('spool-replay');
    await endpoint.down();
    const { sdk, emitOne } = factlineTo(endpoint, { spool: { dir }, delivery: { flushTimeoutMillis: 2000 } });
    const ids = [0, 1, 2, 3].map((i) => emitOne(i));
    await sdk.shutdown();
    expect(sdk.stats().sinks.otel).toMatchObject({ emitted: 4, spooled: 4, delivered: 0, dropped: 0 });
    await endpoint.up();
    const next = factlineTo(endpoint, { spool: { dir } });
    await waitUntil(() => next.sdk.stats().sinks.otel!.delivered === 4, 20_000);
    expect(next.sdk.stats().sinks.otel).toMatchObject({ replayed: 4, delivered: 4, spooled: 0 });
    await next.sdk.shutdown();
    for (const id of ids) expect(endpoint.received.has(id)).toBe(true);
  });
});

describe('a spool file that fails its own check (cut short by a crash or a full disk)', () => {
  it('is dead-lettered whole with reason "spool file damaged" and its exact bytes, reported, and the rest is delivered', async () => {
    const dir = tempDir('spool-corrupt');
    mkdirSync(join(dir, 'logs'));
    // The header claims 3 records and 60 bytes; the body was cut inside a UTF-8 character.
    const body = Buffer.concat([Buffer.from('{"resourceLogs":[{"scopeLo', 'utf8'), Buffer.from('é', 'utf8').subarray(0, 1)]);
    const header = JSON.stringify({ format: 'factline-spool', version: 1, records: 3, bytes: 60, sha256: 'a'.repeat(64) }) + '\n';
    // The name says 99 records: never trusted.
    writeFileSync(join(dir, 'logs', '000000000000-.otlp.spool'), Buffer.concat([Buffer.from(header), body]));
    endpoint.mode = { kind: 'accept' };
    const { sdk, problems, emitOne } = factlineTo(endpoint, { spool: { dir } });
    const id = emitOne(1);
    await waitUntil(() => sdk.stats().sinks.otel!.delivered === 1, 20_000);
    await sdk.shutdown();
    expect(sdk.stats().sinks.otel).toMatchObject({ replayed: 0, deadLettered: 3, delivered: 1, spooled: 0 });
    expect(endpoint.received.has(id)).toBe(true);
    expect(problems.map((p) => p.code)).toEqual(['FACTLINE_SPOOL_FILE_DAMAGED']);
    expect(problems[0]!.details).toMatchObject({ records: 3, problem: '27 body bytes where the header says 60' });
    const line = JSON.parse(readFileSync(join(dir, 'dead-letters-logs.jsonl'), 'utf8')) as Record<string, unknown>;
    expect(line).toMatchObject({
      reason: 'spool file damaged',
      records: 3,
      problem: '27 body bytes where the header says 60',
      body_base64: Buffer.concat([Buffer.from(header), body]).toString('base64'),
    });
    expect(line.status).toBeUndefined();
  });
});

describe('spans', () => {
  it('are kept in the spool while the endpoint is down and delivered by the next process', async () => {
    const dir = tempDir('spans');
    await endpoint.down();
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = endpoint.tracesUrl;
    const first = factlineTo(endpoint, { spanExporter: undefined, spool: { dir }, delivery: { flushTimeoutMillis: 1000 } });
    const tracer = first.sdk.pipeline!.tracerProvider.getTracer('delivery-test');
    const ids = [1, 2, 3].map((i) => {
      const span = tracer.startSpan(`work ${i}`);
      span.end();
      return span.spanContext().spanId;
    });
    await first.sdk.shutdown();
    expect(first.sdk.pipeline!.spanDelivery!.stats()).toMatchObject({ received: 3, spooled: 3, delivered: 0, dropped: 0 });
    await endpoint.up();
    const next = factlineTo(endpoint, { spanExporter: undefined, spool: { dir } });
    await waitUntil(() => next.sdk.pipeline!.spanDelivery!.stats().delivered === 3, 20_000);
    await next.sdk.shutdown();
    delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    expect(ids.filter((id) => !endpoint.spans.has(id))).toEqual([]);
  });
});

describe('the events file', () => {
  it('has one writer: a second sink on the same file is refused at set-up, naming the file and the holder', async () => {
    const path = join(tempDir('jsonl-lock'), 'events.jsonl');
    const first = createJsonlSink({ path });
    expect(() => createJsonlSink({ path })).toThrow(
      new RegExp(`events file ${path} is locked by this process ${process.pid} on .* since .*: one writer per events file`),
    );
    await first.shutdown();
    await createJsonlSink({ path }).shutdown(); // released at shutdown
  });

  it("shows write failures in setupFactline's stats().sinks", async () => {
    const blocker = join(tempDir('jsonl-stats'), 'not-a-dir');
    writeFileSync(blocker, 'x');
    const sdk = setupFactline(intentCatalog, { otlp: false, file: join(blocker, 'events.jsonl'), shutdownOnExit: false, onProblem: () => undefined });
    sdk.emit('signal.signal.created:1', { signal_id: 'SIG-1', source: 'cli', content: 'x', confidence: 0.5 });
    expect(sdk.stats().sinks.jsonl).toMatchObject({ emitted: 1, delivered: 0, dropped: 1, written: 0 });
    expect(sdk.stats().problems.FACTLINE_FILE_NOT_WRITABLE).toBe(1);
    await sdk.shutdown();
  });
});

describe('a drop in the Intent catalog', () => {
  it('becomes a system.error event with the problem code, through the existing problem subscription', async () => {
    const { setupIntent } = await import('../../src/intent/setup-intent.js');
    const { createJsonlSink: jsonl } = await import('../../src/sinks/jsonl/index.js');
    process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT = endpoint.url;
    const file = join(tempDir('intent-drop'), 'events.jsonl');
    // A buffer smaller than one batch: the first batch is dropped and reported.
    const intent = setupIntent({
      serviceName: 'intent-drop',
      spanExporter: null,
      registerGlobals: false,
      shutdownOnExit: false,
      heartbeat: false,
      spool: false,
      delivery: { maxBufferBytes: 1, flushTimeoutMillis: 1000 },
      sinks: [jsonl({ path: file })],
      onProblem: () => undefined,
    });
    intent.emit('signal.signal.created:1', { signal_id: 'SIG-1', source: 'cli', content: 'dropped', confidence: 0.5 });
    await intent.flush();
    await intent.shutdown();
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event_id: string; payload: Record<string, unknown> });
    expect(lines.map((l) => l.event_id)).toEqual(['signal.signal.created:1', 'system.error.raised:1']);
    expect(lines[1]!.payload).toMatchObject({ error_type: 'EXPORT_FAILURE', error_code: 'FACTLINE_BUFFER_FULL', context: { sink: 'otel', records: 1 } });
    expect(intent.stats().sinks.otel).toMatchObject({ dropped: 2 });
  });
});
