import { afterAll, describe, expect, it } from 'vitest';
import { OtlpEndpoint } from '../support/otlp-endpoint.js';
import { emitAtRate, expectNothingLostUnreported, factlineTo, sampleRss, waitUntil } from '../support/drive.js';

const endpoint = await new OtlpEndpoint().start();
afterAll(() => endpoint.stop());

const RSS_BOUND = 700 * 1024 * 1024;

describe('an endpoint that takes 10 s to answer (the default request timeout)', () => {
  it('counts no accepted batch as failed for good: a timed-out request is retried with a longer timeout, at worst delivering twice', async () => {
    const rss = sampleRss();
    const { sdk, problems, emitOne } = factlineTo(endpoint, { spool: false });
    endpoint.mode = { kind: 'accept', delayMs: 10_000 };
    const started = Date.now();
    const ids = await emitAtRate(emitOne, 20_000, 5_000);
    await waitUntil(() => sdk.stats().sinks.otel!.delivered === ids.length, 240_000);
    const drainMs = Date.now() - started;
    const stats = sdk.stats().sinks.otel!;
    await sdk.shutdown();
    const peak = rss.stop();
    const verdict = expectNothingLostUnreported(ids, endpoint, [], problems, stats);
    expect(verdict.lost).toBe(0);
    expect(peak).toBeLessThan(RSS_BOUND);
    console.log(
      `[faults] 10 s answers: ${ids.length} events delivered in ${drainMs} ms, ${verdict.duplicates} duplicates from timed-out requests, ${stats.dropped} dropped, peak RSS ${Math.round(peak / 2 ** 20)} MiB`,
    );
  });
});
