import { describe, expect, it } from 'vitest';
import { LOOP } from '../../examples/intent-loop.js';
import { DEMO_SAMPLE } from '../../grafana/src/index.js';
import { INTENT_SPANS } from '../../src/intent/index.js';
import { idsForTraceKey } from '../../src/otel/trace-key.js';
import { DEMO, DEMO_COUNTS, DEMO_FIGURES, prometheusQuantile } from './demo-figures.js';

/*
 * The expected answers of every query (test/support/demo-cases.ts) are
 * derived from one in-memory run of the demo loop (demo-figures.ts). This
 * pins what that run emits today, so that a change to examples/intent-loop.ts
 * shows up here, as the story of the demo, rather than as a puzzling
 * end-to-end failure.
 */
describe('one in-memory run of the demo loop', () => {
  it("uses the demo loop's ids, which the library examples and dashboards take as samples", () => {
    expect([DEMO.traceKey, DEMO.failingAssertion, DEMO.traceId]).toEqual([LOOP.traceKey, LOOP.failingAssertion, idsForTraceKey(LOOP.traceKey).traceId]);
    expect(LOOP.contracts).toContain(DEMO.failingContract);
    expect(DEMO_SAMPLE).toEqual({
      service: DEMO.service,
      traceKey: DEMO.traceKey,
      agent: DEMO.agent,
      contractId: DEMO.failingContract,
      assertionName: DEMO.failingAssertion,
      window: DEMO.window,
    });
  });

  it('emits 34 events: every event type, domain and action counted', () => {
    expect(DEMO_COUNTS).toEqual({
      'signal.signal.created:1': 5,
      'signal.signal.enriched:1': 4,
      'signal.signal.clustered:1': 4,
      'signal.signal.dismissed:1': 1,
      'signal.signal.promoted:1': 1,
      'intent.intent.proposed:1': 1,
      'intent.intent.accepted:1': 1,
      'spec.spec.created:1': 1,
      'spec.spec.approved:1': 1,
      'contract.contract.started:1': 3,
      'contract.assertion.passed:1': 7,
      'contract.assertion.failed:1': 1,
      'contract.contract.completed:1': 3,
      'system.health.reported:1': 1,
    });
    expect(DEMO_FIGURES.total).toBe(34);
    expect(DEMO_FIGURES.byDomain).toEqual({ signal: 15, intent: 2, spec: 2, contract: 14, system: 1 });
    expect(DEMO_FIGURES.byAction).toEqual({
      created: 6,
      enriched: 4,
      clustered: 4,
      dismissed: 1,
      promoted: 1,
      proposed: 1,
      accepted: 1,
      approved: 1,
      started: 3,
      passed: 7,
      failed: 1,
      completed: 3,
      reported: 1,
    });
  });

  it('knows which events the agent emitted, and which failed', () => {
    expect(DEMO.agent).toBe('claude-sonnet-4');
    expect(DEMO.service).toBe('intent-demo');
    expect(DEMO_FIGURES.agentByDomain).toEqual({ signal: 1, spec: 1, contract: 6 });
    expect(DEMO_FIGURES.failedByDomain).toEqual({ contract: 1 });
  });

  it('has the payload figures the Intent loop dashboard shows', () => {
    expect(DEMO_FIGURES.signalsBySource).toEqual({ slack: 1, agent: 1, cli: 1, email: 1, mcp: 1 });
    expect(DEMO_FIGURES.trustScores).toEqual({ 'SIG-039': 0.61, 'SIG-041': 0.9, 'SIG-042': 0.92, 'SIG-044': 0.84 });
    expect(DEMO_FIGURES.clusters).toEqual([{ cluster_id: 'CL-012', cluster_name: 'API Latency Spike', size: 4 }]);
    expect(DEMO_FIGURES.acceptanceConfidence).toBe(0.92);
    expect(DEMO_FIGURES.completeness).toBe(1);
    expect(DEMO_FIGURES.contractDurations).toEqual({ 'CON-091': 2.814, 'CON-092': 2.814, 'CON-093': 1.891 });
    expect(DEMO_FIGURES.contractsByAgent).toEqual({ 'claude-code': 3 });
    expect(DEMO_FIGURES.passedAssertions).toEqual([
      'api_profile_generated',
      'hot_path_identified',
      'report_written',
      'index_migration_applied',
      'unit_tests_pass',
      'p99_below_500ms',
      'no_error_rate_regression',
    ]);
    expect([DEMO.failingContract, DEMO.failingAssertion]).toEqual(['CON-092', 'lint_passes']);
    expect(DEMO_FIGURES.heartbeat).toMatchObject({ servers_active: 3, event_count: 33 });
  });

  it("puts the loop's events and spans in the trace TRACE-015 names", () => {
    expect(DEMO_FIGURES.eventsInTrace).toBe(19);
    expect(DEMO_FIGURES.spans).toBe(6);
    expect(DEMO_FIGURES.spanNames).toEqual([
      INTENT_SPANS.CONTRACT,
      INTENT_SPANS.CONTRACT,
      INTENT_SPANS.CONTRACT,
      INTENT_SPANS.INTENT,
      INTENT_SPANS.LOOP,
      INTENT_SPANS.SPEC,
    ]);
  });

  it('computes quantiles as Loki does: rank q·(n−1), linear in between', () => {
    expect(prometheusQuantile(0.5, [1.891, 2.814, 2.814])).toBe(2.814);
    expect(prometheusQuantile(0.95, [1.891, 2.814, 2.814])).toBe(2.814);
    expect(prometheusQuantile(0.5, [1, 2, 3, 4])).toBe(2.5);
    expect(prometheusQuantile(0.25, [0, 10])).toBe(2.5);
  });
});
