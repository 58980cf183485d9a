import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanStatusCode } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOP, runIntentLoop } from '../../examples/intent-loop.js';
import { idsForTraceKey } from '../../src/otel/trace-key.js';
import { verifyChain } from '../../src/chain/index.js';
import type { IntentFactline } from '../../src/intent/index.js';

/*
 * The demo loop through the real SDK with in-memory exporters: one trace id
 * across the whole loop, the waterfall of spans, and a contract span holding
 * its assertion events.
 */
describe('the demo Intent loop', () => {
  const logs = new InMemoryLogRecordExporter();
  const spans = new InMemorySpanExporter();
  const dir = mkdtempSync(join(tmpdir(), 'factline-loop-'));
  let intent: IntentFactline;

  beforeAll(async () => {
    intent = await runIntentLoop({
      start: Date.parse('2026-03-30T14:20:00Z'),
      logProcessors: [new SimpleLogRecordProcessor({ exporter: logs })],
      spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
      file: join(dir, 'events.jsonl'),
      intentFile: join(dir, 'intent-events.jsonl'),
      validation: 'strict',
      heartbeat: { serversActive: () => 3 },
      shutdownOnExit: false,
    });
    // Shutting down would clear the in-memory exporters: flush only, shut down after.
    await intent.flush();
  });
  afterAll(async () => {
    await intent.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const loopTrace = idsForTraceKey(LOOP.traceKey).traceId;
  const names = () => logs.getFinishedLogRecords().map((r) => r.eventName);

  it('goes round the whole loop the seed describes, every event valid', () => {
    const count = (n: string) => names().filter((x) => x === n).length;
    expect(count('signal.signal.created')).toBe(5);
    expect(count('signal.signal.enriched')).toBe(4);
    expect(count('signal.signal.clustered')).toBe(4);
    expect(count('signal.signal.dismissed')).toBe(1);
    expect(count('signal.signal.promoted')).toBe(1);
    expect(count('intent.intent.proposed')).toBe(1);
    expect(count('intent.intent.accepted')).toBe(1);
    expect(count('spec.spec.created')).toBe(1);
    expect(count('spec.spec.approved')).toBe(1);
    expect(count('contract.contract.started')).toBe(3);
    expect(count('contract.assertion.passed')).toBe(7);
    expect(count('contract.assertion.failed')).toBe(1);
    expect(count('contract.contract.completed')).toBe(3);
    expect(count('system.health.reported')).toBe(1);
    expect(intent.stats()).toMatchObject({ emitted: 34, invalid: 0, rejected: 0 });
  });

  it('puts every event from the promotion on into one trace, derived from TRACE-015', () => {
    const recs = logs.getFinishedLogRecords();
    const first = recs.findIndex((r) => r.eventName === 'signal.signal.promoted');
    const inLoop = recs.slice(first).filter((r) => r.eventName !== 'system.health.reported');
    expect(inLoop).toHaveLength(19);
    expect(new Set(inLoop.map((r) => r.spanContext?.traceId))).toEqual(new Set([loopTrace]));
    expect(new Set(inLoop.map((r) => r.attributes['factline.trace_key']))).toEqual(new Set([LOOP.traceKey]));
  });

  it('links events that carry only an intent, spec or contract id to the loop', () => {
    const accepted = logs.getFinishedLogRecords().find((r) => r.eventName === 'intent.intent.accepted')!;
    const failed = logs.getFinishedLogRecords().find((r) => r.eventName === 'contract.assertion.failed')!;
    expect(accepted.spanContext?.traceId).toBe(loopTrace);
    expect(failed.spanContext?.traceId).toBe(loopTrace);
    expect(intent.tracing.keyFor('CON-092')).toBe(LOOP.traceKey);
    expect(intent.tracing.keyFor('SIG-044')).toBe(LOOP.traceKey);
  });

  it('draws the loop as a waterfall: a root span with intent, spec and one span per contract', () => {
    const finished = spans.getFinishedSpans();
    const root = finished.find((s) => s.name === 'intent.loop')!;
    expect(root.spanContext()).toMatchObject({ traceId: loopTrace, spanId: idsForTraceKey(LOOP.traceKey).spanId });
    expect(root.parentSpanContext).toBeUndefined();
    const children = finished.filter((s) => s.parentSpanContext?.spanId === root.spanContext().spanId);
    expect(children.map((s) => s.name).sort()).toEqual(['intent.contract', 'intent.contract', 'intent.contract', 'intent.intent', 'intent.spec']);
    expect(finished.every((s) => s.spanContext().traceId === loopTrace)).toBe(true);
    const contracts = children.filter((s) => s.name === 'intent.contract');
    expect(contracts.map((s) => s.attributes['intent.contract_id'])).toEqual([...LOOP.contracts]);
    for (const s of finished) expect(s.endTime[0] * 1e3 + s.endTime[1] / 1e6).toBeGreaterThanOrEqual(s.startTime[0] * 1e3 + s.startTime[1] / 1e6);
  });

  it('holds the assertion events on their contract span, and marks the contract with a failure as an error', () => {
    const con092 = spans.getFinishedSpans().find((s) => s.attributes['intent.contract_id'] === 'CON-092')!;
    expect(con092.events.map((e) => e.name)).toEqual([
      'contract.contract.started',
      'contract.assertion.passed',
      'contract.assertion.failed',
      'contract.assertion.passed',
      'contract.contract.completed',
    ]);
    const failed = con092.events[2]!;
    expect(failed.attributes).toMatchObject({
      assertion_name: LOOP.failingAssertion,
      contract_id: 'CON-092',
      'factline.event.id': 'contract.assertion.failed:1',
    });
    expect(con092.status.code).toBe(SpanStatusCode.ERROR);
    const failedLog = logs.getFinishedLogRecords().find((r) => r.eventName === 'contract.assertion.failed')!;
    expect(failedLog.spanContext?.spanId).toBe(con092.spanContext().spanId);
  });

  it("writes the hash-chained file and Intent's flat file with every event", async () => {
    const chain = await verifyChain(join(dir, 'events.jsonl'));
    expect(chain).toMatchObject({ ok: true, records: 34 });
    const flat = readFileSync(join(dir, 'intent-events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(flat).toHaveLength(34);
    expect(flat.find((l) => l.event_type === 'contract.assertion.failed')).toMatchObject({ contract_id: 'CON-092', assertion_name: 'lint_passes' });
    expect(Object.keys(flat.find((l) => l.event_type === 'system.health')!).slice(0, 2)).toEqual(['event_type', 'timestamp']);
  });

  it('reports real heartbeat figures', () => {
    const hb = logs.getFinishedLogRecords().find((r) => r.eventName === 'system.health.reported')!;
    const body = hb.body as Record<string, number>;
    expect(body.servers_active).toBe(3);
    expect(body.event_count).toBe(33);
    expect(body.uptime_seconds).toBeGreaterThan(0);
    expect(body.memory_usage_percent).toBeGreaterThan(0);
    expect(body.memory_usage_percent).toBeLessThanOrEqual(100);
  });
});
