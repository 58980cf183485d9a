import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordsOf, instanceIdOf, LOGS_SHAPE, parseRequest } from '../../../src/delivery/otlp-json.js';
import { decodeProtobufRequest } from '../../../src/delivery/otlp-protobuf.js';
import { OtlpEndpoint } from '../support/otlp-endpoint.js';
import { emitAtRate, factlineTo, tempDir, waitUntil } from '../support/drive.js';

const endpoint = await new OtlpEndpoint().start();
afterAll(() => endpoint.stop());

/** The ids of a spool file's request body (header line, then the body in the encoding the header names). */
function idsOfSpoolFile(content: Buffer): string[] {
  const header = JSON.parse(content.subarray(0, content.indexOf(0x0a)).toString('utf8')) as { encoding?: string };
  const body = content.subarray(content.indexOf(0x0a) + 1);
  const request = header.encoding === 'protobuf' ? decodeProtobufRequest(body, LOGS_SHAPE) : parseRequest(body);
  return recordsOf(request).map((r) => instanceIdOf(r.record)!);
}

describe('spool files damaged while the process was down (cut inside a UTF-8 character; one byte altered)', () => {
  it('sets each damaged file aside as a dead letter with reason "spool file damaged", reports it, and delivers all 33,000 later events', async () => {
    const dir = tempDir('spool-damaged');
    const logs = join(dir, 'logs');
    // 1. An earlier process spools 5 batches while the endpoint is down.
    await endpoint.down();
    const first = factlineTo(endpoint, { spool: { dir }, delivery: { flushTimeoutMillis: 2000 } });
    const earlier = await emitAtRate((i) => first.emitOne(i, `spooled é ${i}`), 5 * 1024, 20_000);
    await first.sdk.shutdown();
    expect(first.sdk.stats().sinks.otel).toMatchObject({ spooled: 5 * 1024, delivered: 0, dropped: 0 });
    const files = readdirSync(logs)
      .filter((f) => f.endsWith('.otlp.spool'))
      .sort();
    expect(files).toHaveLength(5);

    // 2. The crash: the second file cut inside a two-byte character (caught by its length when
    // loaded); the fourth keeps its length with one byte altered (caught by SHA-256 before sending).
    const cut = readFileSync(join(logs, files[1]!));
    const cutIds = idsOfSpoolFile(cut);
    const at = cut.indexOf(Buffer.from('é'), Math.floor(cut.length / 2)) + 1;
    writeFileSync(join(logs, files[1]!), cut.subarray(0, at));
    const altered = readFileSync(join(logs, files[3]!));
    const alteredIds = idsOfSpoolFile(altered);
    const flip = altered.indexOf(Buffer.from('spooled'), Math.floor(altered.length / 2));
    altered[flip] = 'S'.charCodeAt(0);
    writeFileSync(join(logs, files[3]!), altered);
    const damagedIds = new Set([...cutIds, ...alteredIds]);

    // 3. The next process replays the spool while 33,000 new events arrive.
    await endpoint.up();
    const next = factlineTo(endpoint, { spool: { dir } });
    const later = await emitAtRate((i) => next.emitOne(i), 33_000, 10_000);
    const intact = earlier.length - damagedIds.size;
    await waitUntil(() => next.sdk.stats().sinks.otel!.delivered === intact + later.length, 120_000);
    const stats = next.sdk.stats().sinks.otel!;
    await next.sdk.shutdown();

    const missing = [...earlier, ...later].filter((id) => !endpoint.received.has(id));
    expect(missing.sort()).toEqual([...damagedIds].sort());
    expect(stats).toMatchObject({
      delivered: intact + later.length,
      deadLettered: damagedIds.size,
      replayed: intact + 1024,
      dropped: 0,
      pending: 0,
      spooled: 0,
    });
    const reports = next.problems.filter((p) => p.code === 'FACTLINE_SPOOL_FILE_DAMAGED');
    expect(reports.map((p) => [p.details!.file, p.details!.records])).toEqual([
      [join(logs, files[1]!), cutIds.length],
      [join(logs, files[3]!), alteredIds.length],
    ]);
    expect(reports.reduce((n, p) => n + Number(p.details!.records), 0)).toBe(missing.length);
    const dead = readFileSync(join(dir, 'dead-letters-logs.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { reason: string; records: number; file: string; body_base64: string; candidate_instance_ids: string[] });
    expect(dead.map((d) => [d.reason, d.records, d.file])).toEqual([
      ['spool file damaged', cutIds.length, join(logs, files[1]!)],
      ['spool file damaged', alteredIds.length, join(logs, files[3]!)],
    ]);
    // The exact bytes are kept; the ids before the cut are still readable in them.
    expect(Buffer.from(dead[0]!.body_base64, 'base64').length).toBe(at);
    expect(dead[0]!.candidate_instance_ids.every((id) => cutIds.includes(id))).toBe(true);
    expect(dead[1]!.candidate_instance_ids).toEqual(alteredIds);
    expect(readdirSync(logs).filter((f) => f.includes('.otlp.spool'))).toEqual([]);
    console.log(
      `[faults] damaged spool files: 2 of 5 files damaged (${damagedIds.size} records set aside as dead letters and reported), ${intact} intact spooled and ${later.length} later events all delivered, ${endpoint.requests} requests`,
    );
  });
});
