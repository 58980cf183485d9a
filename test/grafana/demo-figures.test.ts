import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryLogRecordExporter, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOP, runIntentLoop } from '../../examples/intent-loop.js';
import { DEMO, DEMO_COUNTS, DEMO_FIGURES, eventNameOf, prometheusQuantile } from '../../src/queries/index.js';
import type { IntentFactline } from '../../src/intent/index.js';
import { idsForTraceKey } from '../../src/otel/trace-key.js';
import { ATTR } from '../../src/wire.js';

/*
 * The expected answers of every query (src/queries/demo.ts, the dashboards'
 * panels) are derived from DEMO_FIGURES. This runs the demo loop in memory
 * and checks each figure against what it really emits, the way Loki would
 * count it, so that a change to examples/intent-loop.ts fails here, next to
 * the figures to update, rather than in the end-to-end run.
 */
describe('DEMO_FIGURES, against one in-memory run of the demo loop', () => {
  const logs = new InMemoryLogRecordExporter();
  const spans = new InMemorySpanExporter();
  const dir = mkdtempSync(join(tmpdir(), 'factline-figures-'));
  let intent: IntentFactline;
  let records: ReadableLogRecord[] = [];

  beforeAll(async () => {
    intent = await runIntentLoop({
      logProcessors: [new SimpleLogRecordProcessor({ exporter: logs })],
      spanProcessors: [new SimpleSpanProcessor(spans)],
      file: join(dir, 'events.jsonl'),
      intentFile: join(dir, 'intent-events.jsonl'),
      validation: 'strict',
      heartbeat: { serversActive: () => 3 },
      shutdownOnExit: false,
    });
    await intent.flush();
    records = [...logs.getFinishedLogRecords()];
  });
  afterAll(async () => {
    await intent.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const attr = (r: ReadableLogRecord, name: string) => r.attributes[name] as string | undefined;
  const body = (r: ReadableLogRecord) => r.body as Record<string, unknown>;
  const of = (id: string) => records.filter((r) => r.eventName === eventNameOf(id));
  const countBy = (rs: ReadableLogRecord[], key: (r: ReadableLogRecord) => string | undefined) => {
    const out: Record<string, number> = {};
    for (const r of rs) {
      const k = key(r);
      if (k !== undefined) out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  };

  it('uses the demo loop\'s ids', () => {
    expect([DEMO.traceKey, DEMO.failingAssertion, DEMO.traceId]).toEqual([LOOP.traceKey, LOOP.failingAssertion, idsForTraceKey(LOOP.traceKey).traceId]);
    expect(LOOP.contracts).toContain(DEMO.failingContract);
  });

  it('counts every event type, domain and action', () => {
    expect(countBy(records, (r) => attr(r, ATTR.EVENT_ID))).toEqual(DEMO_COUNTS);
    expect(records.length).toBe(DEMO_FIGURES.total);
    expect(countBy(records, (r) => attr(r, ATTR.EVENT_DOMAIN))).toEqual(DEMO_FIGURES.byDomain);
    expect(countBy(records, (r) => attr(r, ATTR.EVENT_ACTION))).toEqual(DEMO_FIGURES.byAction);
  });

  it('knows which events the agent emitted, and which failed', () => {
    const agentRecords = records.filter((r) => attr(r, ATTR.SOURCE_MODEL) !== undefined);
    expect(new Set(agentRecords.map((r) => attr(r, ATTR.SOURCE_MODEL)))).toEqual(new Set([DEMO.agent]));
    expect(countBy(agentRecords, (r) => attr(r, ATTR.EVENT_DOMAIN))).toEqual(DEMO_FIGURES.agentByDomain);
    const failed = records.filter((r) => /^(failed|.+_failed)$/.test(attr(r, ATTR.EVENT_ACTION) ?? ''));
    expect(countBy(failed, (r) => attr(r, ATTR.EVENT_DOMAIN))).toEqual(DEMO_FIGURES.failedByDomain);
  });

  it('has the payload figures the Intent loop dashboard shows', () => {
    expect(countBy(of('signal.signal.created:1'), (r) => body(r).source as string)).toEqual(DEMO_FIGURES.signalsBySource);
    expect(Object.fromEntries(of('signal.signal.enriched:1').map((r) => [body(r).signal_id, body(r).trust_score]))).toEqual(DEMO_FIGURES.trustScores);
    const clustered = of('signal.signal.clustered:1');
    expect(
      Object.entries(countBy(clustered, (r) => `${body(r).cluster_id}|${body(r).cluster_name}`)).map(([k]) => {
        const [cluster_id, cluster_name] = k.split('|');
        return { cluster_id, cluster_name, size: new Set(clustered.filter((r) => body(r).cluster_id === cluster_id).map((r) => body(r).signal_id)).size };
      }),
    ).toEqual(DEMO_FIGURES.clusters);
    expect(of('intent.intent.accepted:1').map((r) => body(r).confidence)).toEqual([DEMO_FIGURES.acceptanceConfidence]);
    expect(of('spec.spec.approved:1').map((r) => body(r).completeness_score)).toEqual([DEMO_FIGURES.completeness]);
    expect(Object.fromEntries(of('contract.contract.completed:1').map((r) => [body(r).contract_id, body(r).duration]))).toEqual(DEMO_FIGURES.contractDurations);
    expect(countBy(of('contract.contract.started:1'), (r) => body(r).agent as string)).toEqual(DEMO_FIGURES.contractsByAgent);
    expect(of('contract.assertion.passed:1').map((r) => body(r).assertion_name)).toEqual(DEMO_FIGURES.passedAssertions);
    expect(of('contract.assertion.failed:1').map((r) => [body(r).contract_id, body(r).assertion_name])).toEqual([[DEMO.failingContract, DEMO.failingAssertion]]);
    const [beat] = of('system.health.reported:1');
    expect(body(beat!)).toMatchObject(DEMO_FIGURES.heartbeat);
  });

  it('puts the loop\'s events and spans in the trace TRACE-015 names', () => {
    expect(records.filter((r) => r.spanContext?.traceId === DEMO.traceId).length).toBe(DEMO_FIGURES.eventsInTrace);
    expect(records.filter((r) => attr(r, ATTR.TRACE_KEY) === DEMO.traceKey).length).toBe(DEMO_FIGURES.eventsInTrace);
    const loopSpans = spans.getFinishedSpans().filter((s) => s.attributes[ATTR.TRACE_KEY] === DEMO.traceKey);
    expect(loopSpans.length).toBe(DEMO_FIGURES.spans);
  });

  it('computes quantiles as Loki does: rank q·(n−1), linear in between', () => {
    expect(prometheusQuantile(0.5, [1.891, 2.814, 2.814])).toBe(2.814);
    expect(prometheusQuantile(0.95, [1.891, 2.814, 2.814])).toBe(2.814);
    expect(prometheusQuantile(0.5, [1, 2, 3, 4])).toBe(2.5);
    expect(prometheusQuantile(0.25, [0, 10])).toBe(2.5);
  });
});
