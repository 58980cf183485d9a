import { afterAll, describe, expect, it } from 'vitest';
import { OtlpEndpoint } from '../support/otlp-endpoint.js';
import { emitAtRate, expectNothingLostUnreported, factlineTo, sampleRss, tempDir, waitUntil } from '../support/drive.js';

const endpoint = await new OtlpEndpoint().start();
afterAll(() => endpoint.stop());

const RATE = 5_000;
const OUTAGE_MS = 60_000;
const RSS_BOUND = 700 * 1024 * 1024;

describe('the endpoint down (connection refused) for 60 s at 5,000 events/s', () => {
  it('spools every event and delivers all of them once the endpoint is back', async () => {
    const rss = sampleRss();
    const { sdk, problems, emitOne } = factlineTo(endpoint, { spool: { dir: tempDir('outage') } });
    await endpoint.down();
    const ids = await emitAtRate(emitOne, (RATE * OUTAGE_MS) / 1000, RATE);
    const during = sdk.stats().sinks.otel!;
    expect(during.delivered).toBe(0);
    await endpoint.up();
    const back = Date.now();
    await waitUntil(() => sdk.stats().sinks.otel!.delivered === ids.length, 180_000);
    const drainMs = Date.now() - back;
    const stats = sdk.stats().sinks.otel!;
    await sdk.shutdown();
    const peak = rss.stop();
    const verdict = expectNothingLostUnreported(ids, endpoint, [], problems, stats);
    expect(verdict.lost).toBe(0);
    expect(problems.some((p) => p.code === 'FACTLINE_EXPORT_FAILED')).toBe(true);
    expect(peak).toBeLessThan(RSS_BOUND);
    console.log(
      `[faults] outage 60 s: ${ids.length} events, ${during.spooled} spooled at the end of the outage, drained in ${drainMs} ms after the endpoint came back, ${verdict.duplicates} duplicates, peak RSS ${Math.round(peak / 2 ** 20)} MiB`,
    );
  });
});
