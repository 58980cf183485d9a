import { afterAll, describe, expect, it } from 'vitest';
import { OtlpEndpoint } from '../support/otlp-endpoint.js';
import { expectNothingLostUnreported, factlineTo } from '../support/drive.js';

const endpoint = await new OtlpEndpoint().start();
afterAll(() => endpoint.stop());

/** 40 batches of 1024: far more than a slow endpoint takes before the flush gives up. */
const EVENTS = 40 * 1024;

/**
 * Exact counts by instance id after shutdown: every emitted record either
 * reached the endpoint or is counted undelivered (dropped, reported),
 * never both, and the two add up to what was emitted.
 */
function expectEachCountedOnce(
  ids: readonly string[],
  stats: { emitted: number; delivered: number; deadLettered: number; dropped: number; pending: number; spooled: number },
) {
  const arrived = ids.filter((id) => endpoint.received.has(id)).length;
  const undelivered = ids.length - arrived;
  expect({ emitted: stats.emitted, delivered: stats.delivered, dropped: stats.dropped, arrivedPlusUndelivered: arrived + undelivered }).toEqual({
    emitted: ids.length,
    delivered: arrived,
    dropped: undelivered,
    arrivedPlusUndelivered: ids.length,
  });
  return { arrived, undelivered };
}

describe('shutdown with batches in flight, no spool', () => {
  // The run lasts flushTimeoutMillis (8 s) plus the answers still on their way (2 s each): 60 s allows for a loaded machine.
  it('counts a batch the slow endpoint took while shutdown began as delivered, not dropped', { timeout: 60_000 }, async () => {
    endpoint.received.clear();
    endpoint.acknowledged = 0;
    // Each request is taken at once and answered 2 s later: at the end of the flush, requests are in flight and the endpoint has their records.
    endpoint.mode = { kind: 'accept', delayMs: 2_000 };
    const { sdk, problems, emitOne } = factlineTo(endpoint, { spool: false, delivery: { flushTimeoutMillis: 8_000 } });
    const ids: string[] = [];
    for (let i = 0; i < EVENTS; i++) ids.push(emitOne(i));
    await sdk.shutdown();
    const stats = sdk.stats().sinks.otel!;
    const { arrived, undelivered } = expectEachCountedOnce(ids, stats);
    // Batches were still waiting when the flush gave up, so the endpoint's four concurrent requests were in flight then.
    expect(undelivered).toBeGreaterThan(0);
    expect(arrived).toBeGreaterThan(0);
    // Each arrived once: shutdown sent no batch twice.
    expect(endpoint.acknowledged).toBe(arrived);
    const atShutdown = problems.filter((p) => p.code === 'FACTLINE_UNDELIVERED_AT_SHUTDOWN');
    expect(atShutdown.reduce((n, p) => n + Number(p.details?.records ?? 0), 0)).toBe(undelivered);
    expect(atShutdown.filter((p) => p.details?.unanswered === true)).toEqual([]);
    expectNothingLostUnreported(ids, endpoint, [], problems, stats);
    console.log(`[faults] shutdown in flight: ${arrived} arrived, ${undelivered} dropped and reported, of ${ids.length}`);
  });

  it('reports a request the endpoint never answered as undelivered and possibly arrived (details.unanswered)', { timeout: 60_000 }, async () => {
    endpoint.received.clear();
    endpoint.acknowledged = 0;
    endpoint.mode = { kind: 'hang' };
    const { sdk, problems, emitOne } = factlineTo(endpoint, { spool: false, delivery: { flushTimeoutMillis: 1_000 } });
    const ids: string[] = [];
    for (let i = 0; i < 5 * 1024; i++) ids.push(emitOne(i));
    await sdk.shutdown();
    endpoint.mode = { kind: 'accept' };
    const stats = sdk.stats().sinks.otel!;
    const { arrived, undelivered } = expectEachCountedOnce(ids, stats);
    expect({ arrived, undelivered }).toEqual({ arrived: 0, undelivered: ids.length });
    const atShutdown = problems.filter((p) => p.code === 'FACTLINE_UNDELIVERED_AT_SHUTDOWN');
    // Four requests were sent (maxConcurrentExports) and never answered; the fifth batch was never sent.
    expect(atShutdown.filter((p) => p.details?.unanswered === true).map((p) => p.details?.records)).toEqual([1024, 1024, 1024, 1024]);
    expect(atShutdown.filter((p) => p.details?.unanswered !== true).map((p) => p.details?.records)).toEqual([1024]);
    expectNothingLostUnreported(ids, endpoint, [], problems, stats);
  });
});
