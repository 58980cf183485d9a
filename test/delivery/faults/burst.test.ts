import { afterAll, describe, expect, it } from 'vitest';
import { OtlpEndpoint } from '../support/otlp-endpoint.js';
import { expectNothingLostUnreported, factlineTo, sampleRss, tempDir, waitUntil } from '../support/drive.js';

const endpoint = await new OtlpEndpoint().start();
afterAll(() => endpoint.stop());

const BURST = 200_000;
/** RSS bound of this test process (vitest worker + endpoint + factline). */
const RSS_BOUND = 700 * 1024 * 1024;

describe('a burst of 200,000 events in one synchronous loop', () => {
  it('with a spool: delivers all of them, memory bounded by the buffer', async () => {
    endpoint.received.clear();
    const rss = sampleRss();
    const { sdk, problems, emitOne } = factlineTo(endpoint, { spool: { dir: tempDir('burst') } });
    const started = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < BURST; i++) ids.push(emitOne(i));
    const emitMs = Date.now() - started;
    await waitUntil(() => sdk.stats().sinks.otel!.delivered === BURST, 120_000);
    const drainMs = Date.now() - started;
    const stats = sdk.stats().sinks.otel!;
    await sdk.shutdown();
    const peak = rss.stop();
    const verdict = expectNothingLostUnreported(ids, endpoint, [], problems, stats);
    expect(verdict.lost).toBe(0);
    expect(peak).toBeLessThan(RSS_BOUND);
    console.log(
      `[faults] burst+spool: ${BURST} events emitted in ${emitMs} ms (${Math.round(BURST / (emitMs / 1000))}/s), all delivered after ${drainMs} ms, peak RSS ${Math.round(peak / 2 ** 20)} MiB`,
    );
  });

  it('without a spool: what does not fit the memory buffer is dropped, counted and reported, never silently', async () => {
    endpoint.received.clear();
    const rss = sampleRss();
    // Waiting batches are held gzip-compressed (well under 100 B per record here): 1 MiB holds some 15,000 of the 200,000.
    const { sdk, problems, emitOne } = factlineTo(endpoint, { spool: false, delivery: { maxBufferBytes: 1024 * 1024 } });
    const ids: string[] = [];
    for (let i = 0; i < BURST; i++) ids.push(emitOne(i));
    await sdk.flush();
    const stats = sdk.stats().sinks.otel!;
    await sdk.shutdown();
    const peak = rss.stop();
    const verdict = expectNothingLostUnreported(ids, endpoint, [], problems, stats);
    expect(verdict.lost).toBeGreaterThan(0);
    expect(sdk.stats().problems.FACTLINE_BUFFER_FULL).toBeGreaterThan(0);
    expect(peak).toBeLessThan(RSS_BOUND);
    console.log(
      `[faults] burst, memory only (1 MiB): ${stats.delivered} delivered, ${stats.dropped} dropped and reported, peak RSS ${Math.round(peak / 2 ** 20)} MiB`,
    );
  });
});
