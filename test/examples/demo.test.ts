import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newTraceKey, runDemo, type DemoResult } from '../../examples/demo.js';
import { TraceKey } from '../../src/intent/ids.js';
import { idsForTraceKey } from '../../src/otel/trace-key.js';
import { attr, startOtlpJsonReceiver, type OtlpReceiver } from '../package/otlp-receiver.js';

/*
 * `npm run demo` twice into an OTLP receiver: each run is its own trace, and
 * the closing lines say how many records each exporter acknowledged, which
 * is what the receiver got.
 */
describe('the demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'factline-demo-'));
  let receiver: OtlpReceiver;
  const runs: { result: DemoResult; lines: string[] }[] = [];

  beforeAll(async () => {
    receiver = await startOtlpJsonReceiver();
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
    // The OTLP exporters read the endpoint from process.env themselves.
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', receiver.url);
    for (let i = 0; i < 2; i++) {
      const lines: string[] = [];
      const result = await runDemo({ dir, env, console: false, say: (l) => lines.push(l) });
      runs.push({ result, lines });
    }
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives each run a trace key of its own, a valid Intent trace key', () => {
    const [a, b] = runs.map((r) => r.result.traceKey);
    expect(a).not.toBe(b);
    for (const key of [a, b]) expect(TraceKey.safeParse(key).success, key).toBe(true);
    expect(newTraceKey(new Date('2026-03-30T14:20:00.123Z'))).toMatch(/^TRACE-20260330T142000Z-[0-9a-f]{4}$/);
    const traces = new Set(
      receiver
        .logRecords()
        .filter((r) => attr(r, 'factline.trace_key') !== undefined)
        .map((r) => r.traceId),
    );
    expect(traces).toEqual(new Set(runs.map((r) => idsForTraceKey(r.result.traceKey).traceId)));
  });

  it('says how many records each exporter acknowledged, and that is what arrived', () => {
    const logs = receiver.logRecords().length;
    const spans = receiver.spans().length;
    const acked = runs.reduce((n, r) => n + r.result.otlp!.logs.acknowledged, 0);
    expect(acked).toBe(logs);
    expect(runs.reduce((n, r) => n + r.result.otlp!.traces.acknowledged, 0)).toBe(spans);
    for (const { result, lines } of runs) {
      expect(result.otlp!.logs).toEqual({ sent: result.emitted, acknowledged: result.emitted });
      expect(result.otlp!.traces.acknowledged).toBeGreaterThan(0);
      expect(lines.at(-1)).toBe(
        `OTLP: ${result.emitted} of ${result.emitted} log records acknowledged, ${result.otlp!.traces.acknowledged} of ${result.otlp!.traces.sent} spans acknowledged`,
      );
    }
  });
});
