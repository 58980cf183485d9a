import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OtlpEndpoint } from '../support/otlp-endpoint.js';
import { deadLetterIds, emitAtRate, factlineTo, tempDir, waitUntil } from '../support/drive.js';

const endpoint = await new OtlpEndpoint().start();
afterAll(() => endpoint.stop());

const MAX_BYTES = 256 * 1024;

describe('an endpoint that refuses every record (400), with a bounded dead-letter file', () => {
  it('keeps the file and its one rotation under the bound, and counts and reports every record it discards', async () => {
    const dir = tempDir('dead-bound');
    const deadLetterPath = join(dir, 'dead.jsonl');
    endpoint.mode = { kind: 'poison', marker: 'fault event' };
    const { sdk, problems, emitOne } = factlineTo(endpoint, { spool: false, delivery: { deadLetterPath, deadLetterMaxBytes: MAX_BYTES } });
    const ids = await emitAtRate(emitOne, 1_000, 20_000);
    // Each record is refused alone after the batch is halved down to it: about 2,000 requests.
    await waitUntil(() => sdk.stats().sinks.otel!.deadLettered === ids.length, 120_000);
    const stats = sdk.stats().sinks.otel!;
    await sdk.shutdown();
    endpoint.mode = { kind: 'accept' };
    const kept = [...deadLetterIds(deadLetterPath), ...deadLetterIds(`${deadLetterPath}.1`)];
    const discarded = problems.filter((p) => p.code === 'FACTLINE_DEAD_LETTER_DISCARDED').reduce((n, p) => n + Number(p.details!.records), 0);
    expect(stats).toMatchObject({ delivered: 0, deadLettered: ids.length, dropped: 0, pending: 0 });
    expect(new Set(kept).size).toBe(kept.length);
    expect(kept.every((id) => ids.includes(id))).toBe(true);
    expect(kept.length + discarded).toBe(ids.length);
    expect(discarded).toBeGreaterThan(0);
    expect(statSync(deadLetterPath).size).toBeLessThanOrEqual(MAX_BYTES);
    expect(existsSync(`${deadLetterPath}.1`) && statSync(`${deadLetterPath}.1`).size <= MAX_BYTES).toBe(true);
    expect(readFileSync(deadLetterPath, 'utf8').split('\n').filter(Boolean).length).toBeGreaterThan(0);
    console.log(
      `[faults] dead-letter bound ${MAX_BYTES / 1024} KiB: ${ids.length} refused records, ${kept.length} kept in the file and its .1, ${discarded} discarded and reported`,
    );
  });
});
