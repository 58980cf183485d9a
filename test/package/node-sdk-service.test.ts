import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attr, startOtlpJsonReceiver, type OtlpReceiver } from './otlp-receiver.js';

/*
 * examples/node-sdk-service.ts as a real process: a node:http service with
 * the OpenTelemetry NodeSDK and its HTTP instrumentation, factline set up
 * before sdk.start(), exporting to an OTLP receiver in this process. It
 * serves requests that carry a W3C traceparent, then gets SIGTERM.
 */
const service = fileURLToPath(new URL('../../dist/examples/node-sdk-service.js', import.meta.url));
const telemetry = fileURLToPath(new URL('../../dist/examples/node-sdk-telemetry.js', import.meta.url));

describe('a NodeSDK service using factline as the README says', () => {
  let receiver: OtlpReceiver;
  let child: ChildProcess;
  let output = '';
  let exit: { code: number | null; signal: NodeJS.Signals | null; afterMs: number };
  const requests = [
    { path: '/login?user=550e8400-e29b-41d4-a716-446655440000', event: 'auth.user.login', traceId: randomBytes(16).toString('hex') },
    { path: '/login?user=7c9e6679-7425-40de-944b-e07fc1f90ae7', event: 'auth.user.login', traceId: randomBytes(16).toString('hex') },
    { path: '/fail', event: 'auth.user.locked', traceId: randomBytes(16).toString('hex') },
  ];

  beforeAll(async () => {
    receiver = await startOtlpJsonReceiver();
    child = spawn(process.execPath, ['--import', telemetry, service], {
      env: {
        PATH: process.env.PATH,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_METRICS_EXPORTER: 'none',
        // Nothing leaves on a timer: what arrives was flushed by the shutdown.
        OTEL_BLRP_SCHEDULE_DELAY: '600000',
        OTEL_BSP_SCHEDULE_DELAY: '600000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.on('data', () => {
        const m = /listening on (\d+)/.exec(output);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`the service exited (${code}) before listening:\n${output}`)));
    });
    for (const r of requests) {
      const res = await fetch(`http://127.0.0.1:${port}${r.path}`, { headers: { traceparent: `00-${r.traceId}-${randomBytes(8).toString('hex')}-01` } });
      expect(res.status).toBe(200);
      await res.text();
    }
    const sentAt = Date.now();
    const exited = new Promise<typeof exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, afterMs: Date.now() - sentAt })));
    child.kill('SIGTERM');
    // The old README handler left the server listening: without an exit this
    // hook fails at its deadline instead of the test passing.
    exit = await Promise.race([
      exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running 30 s after SIGTERM:\n${output}`)), 30_000)),
    ]);
    process.stdout.write(`node-sdk-service: exited ${exit.afterMs} ms after SIGTERM\n`);
  });
  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await receiver?.close();
  });

  it('exits by itself after SIGTERM, cleanly, with nothing on stderr', () => {
    expect(exit.signal).toBeNull();
    expect(exit.code).toBe(0);
    expect(output.replace(/listening on \d+\n/, '')).toBe('');
  });

  it("delivers every event once, as a log record in the request's trace", () => {
    const records = receiver.logRecords().filter((r) => attr(r, 'factline.event.id') !== undefined);
    expect(records.map((r) => r.eventName).sort()).toEqual(requests.map((r) => r.event).sort());
    expect(new Set(records.map((r) => attr(r, 'factline.event.instance_id'))).size).toBe(requests.length);
    for (const r of requests) {
      const rec = records.find((x) => x.eventName === r.event && x.traceId === r.traceId);
      expect(rec, `${r.event} in trace ${r.traceId}`).toBeDefined();
    }
  });

  it("adds each event to the request's server span, once", () => {
    const servers = receiver.spans().filter((s) => s.kind === 2);
    expect(servers).toHaveLength(requests.length);
    for (const r of requests) {
      const span = servers.find((s) => s.traceId === r.traceId)!;
      expect(span, `server span of trace ${r.traceId}`).toBeDefined();
      expect(span.events?.map((e) => e.name)).toEqual([r.event]);
      const rec = receiver.logRecords().find((x) => x.traceId === r.traceId)!;
      expect(rec.spanId).toBe(span.spanId);
    }
  });

  it('sent OTLP in the protocol the standard variable asked for', () => {
    expect(receiver.requests.map((q) => q.path).sort()).toEqual(expect.arrayContaining(['/v1/logs', '/v1/traces']));
    expect(receiver.requests.every((q) => q.contentType.startsWith('application/json'))).toBe(true);
  });
});
