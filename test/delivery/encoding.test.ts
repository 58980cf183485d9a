import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createOtlpHttpTransport } from '../../src/delivery/otlp-http-transport.js';
import { recordsOf } from '../../src/delivery/otlp-json.js';
import { countProtobufRecords } from '../../src/delivery/otlp-protobuf.js';
import { Spool } from '../../src/delivery/spool.js';
import { OtlpEndpoint } from './support/otlp-endpoint.js';
import { factlineTo, tempDir, waitUntil } from './support/drive.js';

/*
 * The body encoding of durable delivery: OTLP/HTTP binary protobuf (the
 * default, `http/protobuf`) or OTLP JSON (`http/json`), kept per batch in
 * memory and in the spool, sent with the batch's own Content-Type.
 */
const endpoint = await new OtlpEndpoint().start();
afterAll(() => endpoint.stop());
afterEach(async () => {
  await endpoint.up();
  endpoint.mode = { kind: 'accept' };
  delete process.env.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL;
  delete process.env.OTEL_EXPORTER_OTLP_PROTOCOL;
});

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const spoolFile = (header: Record<string, unknown>, body: Uint8Array) => Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]);
const headerOf = (file: string) => {
  const content = readFileSync(file);
  return JSON.parse(content.subarray(0, content.indexOf(0x0a)).toString('utf8')) as Record<string, unknown>;
};
const spooled = (dir: string) =>
  readdirSync(join(dir, 'logs'))
    .filter((f) => f.endsWith('.otlp.spool'))
    .sort()
    .map((f) => join(dir, 'logs', f));

describe('the spool header', () => {
  it('version 2 names the body encoding; version 1 (no encoding) is OTLP JSON; an unknown encoding is a damaged file', () => {
    const dir = tempDir('spool-header');
    const json = Buffer.from('{"resourceLogs":[]}');
    const proto = new Uint8Array(0);
    writeFileSync(
      join(dir, '000000000001-.otlp.spool'),
      spoolFile({ format: 'factline-spool', version: 1, records: 0, bytes: json.byteLength, sha256: sha256(json) }, json),
    );
    writeFileSync(
      join(dir, '000000000002-.otlp.spool'),
      spoolFile({ format: 'factline-spool', version: 2, encoding: 'protobuf', records: 0, bytes: 0, sha256: sha256(proto) }, proto),
    );
    writeFileSync(
      join(dir, '000000000003-.otlp.spool'),
      spoolFile({ format: 'factline-spool', version: 2, encoding: 'avro', records: 0, bytes: 0, sha256: sha256(proto) }, proto),
    );
    const spool = new Spool({ dir }, () => undefined);
    try {
      const { entries, damaged } = spool.load();
      expect(entries.map((e) => [e.key, e.encoding])).toEqual([
        ['000000000001-', 'json'],
        ['000000000002-', 'protobuf'],
      ]);
      expect(damaged.map((d) => [d.key, d.problem])).toEqual([['000000000003-', 'unknown body encoding avro']]);
      const written = spool.write('000000000004-', 0, proto, false, 'protobuf');
      expect(headerOf(written.file)).toEqual({ format: 'factline-spool', version: 2, encoding: 'protobuf', records: 0, bytes: 0, sha256: sha256(proto) });
      expect(spool.read(written)).toEqual(Buffer.alloc(0));
    } finally {
      spool.close();
    }
  });
});

describe('each batch is sent with its own Content-Type', () => {
  it('a spool written under http/json and one written under http/protobuf are replayed together, each as it was written', async () => {
    const dir = tempDir('mixed-replay');
    await endpoint.down();
    const ids: string[] = [];
    for (const protocol of ['http/json', 'http/protobuf'] as const) {
      process.env.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL = protocol;
      const { sdk, emitOne } = factlineTo(endpoint, { spool: { dir }, delivery: { flushTimeoutMillis: 500 } });
      for (let i = 0; i < 3; i++) ids.push(emitOne(ids.length));
      await sdk.shutdown();
      // The second process holds the first one's batch too.
      expect(sdk.stats().sinks.otel).toMatchObject({ spooled: ids.length, dropped: 0 });
    }
    const files = spooled(dir);
    expect(files.map((f) => headerOf(f).encoding)).toEqual(['json', 'protobuf']);
    expect(
      recordsOf(
        JSON.parse(
          readFileSync(files[0]!)
            .subarray(readFileSync(files[0]!).indexOf(0x0a) + 1)
            .toString('utf8'),
        ),
      ),
    ).toHaveLength(3);
    expect(countProtobufRecords(readFileSync(files[1]!).subarray(readFileSync(files[1]!).indexOf(0x0a) + 1))).toBe(3);

    // Replayed by a process of either protocol: each file goes out with its own Content-Type.
    for (const protocol of ['http/json', 'http/protobuf'] as const) {
      await endpoint.down();
      const copy = tempDir(`mixed-replay-${protocol.replace('/', '-')}`);
      mkdirSync(join(copy, 'logs'));
      for (const f of files) writeFileSync(join(copy, 'logs', f.split('/').at(-1)!), readFileSync(f));
      await endpoint.up();
      endpoint.received.clear();
      endpoint.contentTypes.clear();
      process.env.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL = protocol;
      const next = factlineTo(endpoint, { spool: { dir: copy } });
      const fresh = next.emitOne(100);
      await waitUntil(() => next.sdk.stats().sinks.otel!.delivered === 7, 20_000);
      await next.sdk.shutdown();
      expect(next.sdk.stats().sinks.otel).toMatchObject({ replayed: 6, delivered: 7, spooled: 0, dropped: 0, deadLettered: 0 });
      expect([...ids, fresh].filter((id) => !endpoint.received.has(id))).toEqual([]);
      const mine = protocol === 'http/json' ? 'application/json' : 'application/x-protobuf';
      const other = protocol === 'http/json' ? 'application/x-protobuf' : 'application/json';
      // The replayed file of the other encoding went out in it; this process's own batches in its protocol's.
      expect(endpoint.contentTypes.get(other)).toBe(1);
      expect(endpoint.contentTypes.get(mine)).toBeGreaterThanOrEqual(2);
      expect(spooled(copy)).toEqual([]);
    }
  }, 60_000); // two processes that shut down against an endpoint that is down, then two that replay

  it('the transport sends protobuf as application/x-protobuf and JSON as application/json; an empty protobuf body is an empty request', async () => {
    endpoint.contentTypes.clear();
    const before = endpoint.emptyRequests;
    const transport = createOtlpHttpTransport({ url: endpoint.url });
    try {
      expect(await transport.send(new Uint8Array(0), 5000, undefined, undefined, 'protobuf')).toEqual({ kind: 'accepted', rejected: 0 });
      expect(await transport.probe!(new Uint8Array(0), 5000, 'protobuf')).toEqual({ kind: 'accepted', rejected: 0 });
      expect(await transport.send(Buffer.from('{}'), 5000, undefined, undefined, 'json')).toEqual({ kind: 'accepted', rejected: 0 });
      // Without an encoding a transport call means OTLP JSON, as it did before protobuf.
      expect(await transport.send(Buffer.from('{}'), 5000)).toEqual({ kind: 'accepted', rejected: 0 });
    } finally {
      transport.shutdown?.();
    }
    expect(Object.fromEntries(endpoint.contentTypes)).toEqual({ 'application/x-protobuf': 2, 'application/json': 2 });
    expect(endpoint.emptyRequests - before).toBe(4);
  });
});

describe('answers to protobuf requests', () => {
  it('a partial success in protobuf is counted, reported and dead-lettered with its candidates', async () => {
    const dir = tempDir('partial-protobuf');
    endpoint.mode = { kind: 'partial', rejected: 2, message: 'two were too old' };
    const { sdk, problems, emitOne } = factlineTo(endpoint, { spool: { dir } });
    const ids = [0, 1, 2, 3].map((i) => emitOne(i));
    await waitUntil(() => sdk.stats().sinks.otel!.delivered === 2, 20_000);
    await sdk.shutdown();
    expect(sdk.stats().sinks.otel).toMatchObject({ delivered: 2, rejected: 2, dropped: 0 });
    expect(problems.map((p) => [p.code, p.message])).toEqual([['FACTLINE_EXPORT_PARTIAL', `${endpoint.url} rejected 2 of 4 log records: two were too old`]]);
    const line = JSON.parse(readFileSync(join(dir, 'dead-letters-logs.jsonl'), 'utf8')) as Record<string, unknown>;
    expect(line).toMatchObject({ status: 200, reason: 'two were too old', rejected: 2, candidate_instance_ids: ids });
  });

  it('a refused record is found by splitting the protobuf batch, and its dead letter is the OTLP JSON record with the reason from the protobuf Status', async () => {
    const dir = tempDir('poison-protobuf');
    endpoint.mode = { kind: 'poison', marker: 'POISON' };
    const { sdk, problems, emitOne } = factlineTo(endpoint, { spool: { dir }, delivery: { maxExportBatchSize: 16 } });
    const ids = Array.from({ length: 16 }, (_, i) => emitOne(i, i === 11 ? 'POISON' : `fine ${i}`));
    await waitUntil(() => sdk.stats().sinks.otel!.delivered + sdk.stats().sinks.otel!.deadLettered === 16, 20_000);
    await sdk.shutdown();
    expect(sdk.stats().sinks.otel).toMatchObject({ delivered: 15, deadLettered: 1, dropped: 0 });
    expect(ids.filter((id, i) => i !== 11 && !endpoint.received.has(id))).toEqual([]);
    expect(problems.map((p) => p.code)).toEqual(['FACTLINE_DEAD_LETTERED']);
    expect(problems[0]!.details).toMatchObject({ status: 400, reason: `400 log record ${ids[11]} is poisoned`, instance_ids: [ids[11]] });
    const lines = readFileSync(join(dir, 'dead-letters-logs.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as {
      instance_id: string;
      resource: { attributes: unknown[] };
      scope: { name: string };
      record: { attributes: unknown[]; body: unknown };
    };
    expect(line.instance_id).toBe(ids[11]);
    expect(line.scope.name).toBe('factline');
    expect(line.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'fault-suite' } });
    expect(line.record.attributes).toContainEqual({ key: 'factline.event.instance_id', value: { stringValue: ids[11] } });
    expect(JSON.stringify(line.record)).toContain('POISON');
  });

  it('a damaged protobuf spool file is dead-lettered whole, with its encoding and the instance ids still readable in it', async () => {
    const dir = tempDir('damaged-protobuf');
    await endpoint.down();
    const first = factlineTo(endpoint, { spool: { dir }, delivery: { flushTimeoutMillis: 500 } });
    const ids = [0, 1, 2].map((i) => first.emitOne(i));
    await first.sdk.shutdown();
    const [file] = spooled(dir);
    const content = readFileSync(file!);
    // Cut short, as a crash or a full disk leaves it.
    const cut = content.subarray(0, content.byteLength - 40);
    writeFileSync(file!, cut);
    await endpoint.up();
    const next = factlineTo(endpoint, { spool: { dir } });
    await waitUntil(() => next.problems.length > 0, 20_000);
    await next.sdk.shutdown();
    expect(next.problems.map((p) => p.code)).toEqual(['FACTLINE_SPOOL_FILE_DAMAGED']);
    const line = JSON.parse(readFileSync(join(dir, 'dead-letters-logs.jsonl'), 'utf8')) as Record<string, unknown>;
    expect(line).toMatchObject({ reason: 'spool file damaged', records: 3, encoding: 'protobuf', body_base64: cut.toString('base64') });
    // The last record was cut; the ids before it can still be read.
    expect(line.candidate_instance_ids).toEqual(ids.slice(0, (line.candidate_instance_ids as string[]).length));
    expect((line.candidate_instance_ids as string[]).length).toBeGreaterThanOrEqual(2);
  }, 30_000); // a shutdown against an endpoint that is down, then a second process

  it('a batch held gzip-compressed goes out as protobuf with Content-Encoding: gzip when the endpoint is sent gzip', async () => {
    const dir = tempDir('gzip-protobuf');
    process.env.OTEL_EXPORTER_OTLP_COMPRESSION = 'gzip';
    const before = endpoint.gzipRequests;
    endpoint.contentTypes.clear();
    try {
      const { sdk, emitOne } = factlineTo(endpoint, { spool: { dir }, delivery: { maxExportBatchSize: 8 } });
      const ids = Array.from({ length: 64 }, (_, i) => emitOne(i));
      await waitUntil(() => sdk.stats().sinks.otel!.delivered === 64, 20_000);
      await sdk.shutdown();
      expect(ids.filter((id) => !endpoint.received.has(id))).toEqual([]);
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_COMPRESSION;
    }
    expect(endpoint.gzipRequests - before).toBeGreaterThanOrEqual(8);
    expect([...endpoint.contentTypes.keys()]).toEqual(['application/x-protobuf']);
  });
});
