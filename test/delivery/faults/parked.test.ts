import { afterAll, describe, expect, it } from 'vitest';
import { OtlpEndpoint } from '../support/otlp-endpoint.js';
import { emitAtRate, expectNothingLostUnreported, factlineTo, tempDir, waitUntil } from '../support/drive.js';

const endpoint = await new OtlpEndpoint().start();
afterAll(() => endpoint.stop());

const PARK_AFTER = 3;
const PARKED_RETRY_MS = 3_000;

describe('one batch the endpoint keeps refusing with 500 while it takes every other', () => {
  for (const spool of [true, false]) {
    it(`${spool ? 'with' : 'without'} a spool: parks it after ${PARK_AFTER} attempts and reports it, the 20 batches behind it go out, and it is delivered once the endpoint takes it`, async () => {
      const { sdk, problems, emitOne } = factlineTo(endpoint, {
        spool: spool ? { dir: tempDir('parked') } : false,
        delivery: { parkAfterAttempts: PARK_AFTER, parkedRetryMillis: PARKED_RETRY_MS, backoff: { initialMillis: 200, maxMillis: 1000 } },
      });
      endpoint.received.clear();
      endpoint.mode = { kind: 'refuse-marked', marker: 'MARKED', status: 500 };
      // The first batch of 1,024 holds the marked record; 20 batches follow.
      const ids = await emitAtRate((i) => emitOne(i, i === 10 ? `MARKED ${i}` : `fine ${i}`), 21 * 1024, 20_000);
      const marked = new Set(ids.slice(0, 1024));
      // Waits for both: the later batches out, and the marked one parked (not in flight on a parked retry,
      // which takes it out of the parked count while it is tried); either may come first under load.
      await waitUntil(() => sdk.stats().sinks.otel!.delivered === ids.length - 1024 && sdk.pipeline!.delivery!.stats().parked === 1024, 120_000);
      const meanwhile = sdk.stats().sinks.otel!;
      // Everything behind the refused batch went out while it was refused.
      expect(ids.filter((id) => !endpoint.received.has(id)).every((id) => marked.has(id))).toBe(true);
      expect(meanwhile.delivered).toBe(20 * 1024);
      expect(sdk.pipeline!.delivery!.stats().parked).toBe(1024);
      const parked = problems.filter((p) => p.code === 'FACTLINE_BATCH_PARKED');
      expect(parked.map((p) => [p.details!.records, p.details!.attempts])).toEqual([[1024, PARK_AFTER]]);

      endpoint.mode = { kind: 'accept' };
      await waitUntil(() => sdk.stats().sinks.otel!.delivered === ids.length, 120_000);
      const stats = sdk.stats().sinks.otel!;
      await sdk.shutdown();
      const verdict = expectNothingLostUnreported(ids, endpoint, [], problems, stats);
      expect(verdict.lost).toBe(0);
      expect(stats.delivered).toBe(ids.length);
      console.log(
        `[faults] one batch refused with 500 (${spool ? 'spool' : 'memory'}): parked after ${PARK_AFTER} attempts while ${meanwhile.delivered} later records went out; all ${stats.delivered} delivered once accepted, ${endpoint.requests} requests so far`,
      );
    });
  }
});
