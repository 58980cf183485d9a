import { afterAll, describe, expect, it } from 'vitest';
import { OtlpEndpoint } from '../support/otlp-endpoint.js';
import { emitAtRate, expectNothingLostUnreported, factlineTo, sampleRss, waitUntil } from '../support/drive.js';

const endpoint = await new OtlpEndpoint().start();
afterAll(() => endpoint.stop());

const RSS_BOUND = 700 * 1024 * 1024;

describe('503 with Retry-After for 30 s, then 200', () => {
  it('keeps the failed batches in memory (no spool) and delivers all 50,000 events', async () => {
    const rss = sampleRss();
    const { sdk, problems, emitOne } = factlineTo(endpoint, { spool: false });
    endpoint.mode = { kind: 'status', status: 503, retryAfter: 2 };
    const until = Date.now() + 30_000;
    const ids = await emitAtRate(emitOne, 50_000, 5_000);
    await new Promise((r) => setTimeout(r, Math.max(0, until - Date.now())));
    const requestsDuring = endpoint.requests;
    endpoint.mode = { kind: 'accept' };
    const back = Date.now();
    await waitUntil(() => sdk.stats().sinks.otel!.delivered === ids.length, 120_000);
    const drainMs = Date.now() - back;
    const stats = sdk.stats().sinks.otel!;
    await sdk.shutdown();
    const peak = rss.stop();
    const verdict = expectNothingLostUnreported(ids, endpoint, [], problems, stats);
    expect(verdict.lost).toBe(0);
    // Retry-After: 2 paces the probes: one request at a time, about every 2 s, not a flood.
    expect(requestsDuring).toBeLessThan(40);
    expect(peak).toBeLessThan(RSS_BOUND);
    console.log(
      `[faults] 503 for 30 s: ${ids.length} events, ${requestsDuring} requests during the outage, drained in ${drainMs} ms, peak RSS ${Math.round(peak / 2 ** 20)} MiB`,
    );
  });
});
