import { afterAll, describe, expect, it } from 'vitest';
import { OtlpEndpoint } from '../support/otlp-endpoint.js';
import { emitAtRate, expectNothingLostUnreported, factlineTo, tempDir, waitUntil } from '../support/drive.js';

const endpoint = await new OtlpEndpoint().start();
afterAll(() => endpoint.stop());

/** The request timeout of this test; it doubles after each timeout: 2, 4, 8, 16, 32 s. */
const TIMEOUT_MS = 2_000;
const HUNG_MS = 20_000;

describe('an endpoint that hangs (takes connections, never answers) for 20 s, then answers', () => {
  it('abandons the request stuck on it once a probe is answered, and delivers everything without waiting out the doubled timeout', async () => {
    const { sdk, problems, emitOne } = factlineTo(endpoint, { spool: { dir: tempDir('hung') }, delivery: { timeoutMillis: TIMEOUT_MS } });
    endpoint.mode = { kind: 'hang' };
    const ids = await emitAtRate(emitOne, 20_000, 20_000 / (HUNG_MS / 1000));
    const during = sdk.stats().sinks.otel!;
    expect(during.delivered).toBe(0);
    // Answer again just after a batch was sent into the hang: that request now has a timeout of
    // 16 s or more (2 s doubled at each timeout), so only the probe rule can end its wait sooner.
    const hung = endpoint.hungBatches;
    await waitUntil(() => endpoint.hungBatches > hung, 60_000);
    endpoint.mode = { kind: 'accept' };
    const back = Date.now();
    await waitUntil(() => sdk.stats().sinks.otel!.delivered === ids.length, 120_000);
    const recoveredMs = Date.now() - back;
    const stats = sdk.stats().sinks.otel!;
    const abandoned = sdk.pipeline!.delivery!.stats().abandoned;
    await sdk.shutdown();
    const verdict = expectNothingLostUnreported(ids, endpoint, [], problems, stats);
    expect(verdict.lost).toBe(0);
    expect(stats.delivered).toBe(ids.length);
    // The stuck request was abandoned after an empty probe was answered: counted, not waited out.
    expect(abandoned).toBeGreaterThan(0);
    expect(endpoint.emptyRequests).toBeGreaterThan(0);
    console.log(
      `[faults] hung endpoint for ${HUNG_MS / 1000} s: ${ids.length} events, ${during.spooled} spooled meanwhile, all delivered ${recoveredMs} ms after it answered again, ${endpoint.emptyRequests} empty probe requests answered, ${abandoned} stuck requests abandoned and resent, ${endpoint.abandonedByClient} hung requests closed by the client, ${verdict.duplicates} duplicates`,
    );
  });
});
