import { afterAll, describe, expect, it } from 'vitest';
import { OtlpEndpoint } from '../support/otlp-endpoint.js';
import { emitAtRate, expectNothingLostUnreported, factlineTo, waitUntil } from '../support/drive.js';

const endpoint = await new OtlpEndpoint().start();
afterAll(() => endpoint.stop());

/** Each unusable Retry-After is answered for this long. */
const WINDOW_MS = 4_000;
/**
 * The most requests one window may see: up to 4 batches in flight when the
 * first 503 comes, then one probe per backoff interval (0.5–1.5 s, then
 * doubling). The flood this replaces was about 7,000 requests a second.
 */
const MOST_PER_WINDOW = 12;

describe('503 with a Retry-After that is not a usable delay (0, a past date, 1.5, -1, text)', () => {
  it('each backs off exponentially instead of retrying at once, and every event is delivered after', async () => {
    const { sdk, problems, emitOne } = factlineTo(endpoint, { spool: false });
    const ids: string[] = [];
    const perWindow: Record<string, number> = {};
    for (const retryAfter of ['0', 'Thu, 01 Jan 1970 00:00:00 GMT', '1.5', '-1', 'soon']) {
      endpoint.mode = { kind: 'status', status: 503, retryAfter };
      const before = endpoint.requests;
      // 2,000 events in the window: two batches of 1,024 sealed while the endpoint refuses.
      ids.push(...(await emitAtRate((i) => emitOne(ids.length + i), 2_000, 2_000 / (WINDOW_MS / 1000))));
      await new Promise((r) => setTimeout(r, 500));
      perWindow[retryAfter] = endpoint.requests - before;
      // Each value gets a fresh start: the endpoint answers again, everything so far is delivered.
      endpoint.mode = { kind: 'accept' };
      await waitUntil(() => sdk.stats().sinks.otel!.delivered === ids.length, 60_000);
    }
    endpoint.mode = { kind: 'accept' };
    await waitUntil(() => sdk.stats().sinks.otel!.delivered === ids.length, 120_000);
    const stats = sdk.stats().sinks.otel!;
    await sdk.shutdown();
    const verdict = expectNothingLostUnreported(ids, endpoint, [], problems, stats);
    expect(verdict.lost).toBe(0);
    expect(stats.delivered).toBe(10_000);
    for (const [retryAfter, n] of Object.entries(perWindow)) expect(n, `Retry-After: ${retryAfter}`).toBeLessThanOrEqual(MOST_PER_WINDOW);
    console.log(
      `[faults] unusable Retry-After: requests per ${WINDOW_MS / 1000} s window ${JSON.stringify(perWindow)}; ${stats.delivered} of ${ids.length} delivered after, ${verdict.duplicates} duplicates`,
    );
  });
});
