import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCatalog } from '../../src/catalog/index.js';
import { verifyChain } from '../../src/chain/verify.js';
import { everySink, otlpJsonProblems } from '../support/every-sink.js';
import { hostilePayload, oddTime } from '../support/hostile.js';

const catalog = defineCatalog(
  {
    'app.any.seen:1': z.record(z.string(), z.unknown()),
    'app.job.ran:1': z.object({ n: z.number() }),
  },
  { name: 'app' },
);

describe('hostile payloads and odd times (property)', () => {
  it('never throw in report or off mode, reach every sink exactly once, serialise to OTLP the Collector accepts, and keep the file verifiable', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('report' as const, 'off' as const),
        fc.array(
          fc.record({ id: fc.constantFrom('app.any.seen:1' as const, 'app.job.ran:1' as const), payload: hostilePayload, time: oddTime, inSpan: fc.boolean() }),
          { minLength: 1, maxLength: 6 },
        ),
        async (validation, emits) => {
          const h = everySink(catalog, { validation });
          try {
            for (const e of emits) {
              const run = () => h.emitter.emit(e.id, e.payload as never, e.time === undefined ? undefined : { time: e.time });
              const delivered = e.inSpan
                ? h.tracer.startActiveSpan('op', (span) => {
                    try {
                      return run();
                    } finally {
                      span.end();
                    }
                  })
                : run();
              expect(delivered).toBeDefined();
            }
            const n = emits.length;
            expect(h.recorded).toHaveLength(n);
            expect(new Set(h.recorded.map((r) => r.id)).size).toBe(n);
            expect(h.consoleLines).toHaveLength(n);
            for (const line of h.consoleLines) expect(line.slice(0, -1)).not.toMatch(/[\n\r\u0085\u2028\u2029]/);
            expect(h.logRecords().map((r) => r.attributes['factline.event.instance_id'])).toEqual(h.recorded.map((r) => r.id));
            expect(otlpJsonProblems(h.otlpLogsJson())).toEqual([]);
            expect(otlpJsonProblems(h.otlpTracesJson())).toEqual([]);
            const lines = await h.fileLines();
            expect(lines.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(h.recorded.map((r) => r.id));
            expect(await verifyChain(h.file)).toMatchObject({ ok: true, records: n });
            for (const r of h.recorded) {
              // A record's time is always one OTLP carries: 1970 … 2554.
              const t = Date.parse(r.time);
              expect(t).toBeGreaterThanOrEqual(0);
              expect(t).toBeLessThanOrEqual(18446744073709);
            }
            expect(h.problems.every((p) => p.code === 'FACTLINE_VALIDATION_FAILED')).toBe(true);
          } finally {
            await h.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 300_000);
});
