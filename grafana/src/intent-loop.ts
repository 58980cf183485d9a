/**
 * The Intent loop dashboard (seed 001): notice → spec → execute → observe,
 * from the Intent catalog's events, with the failing assertions linked to
 * their traces.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import {
  AUTO,
  DEMO,
  DEMO_FIGURES,
  INTENT,
  INTENT_SPANS,
  RANGE,
  assertionPassRate,
  assertionPassRateByName,
  clusterSizes,
  contractDurationQuantile,
  contractsByAgent,
  countByEvent,
  failingAssertionSpans,
  failingAssertions,
  healthFigure,
  payloadFigure,
  prometheusQuantile,
  promotionsAndDismissals,
  signalsBySource,
  systemErrorsByCode,
  trustScoreBySignal,
} from '../../src/queries/index.js';
import { counts, empty, figures, lines as logLinesExpected, traces } from '../../src/queries/expectation.js';
import { dashboardLinks } from './links.js';
import { bars, countsOverTime, figure, lines, logLines, logTable, pie, traceTable } from './panels.js';
import { DashboardPlan, traceExploreUrl, type BuiltDashboard } from './plan.js';
import { AGENT, SAMPLES, SERVICE, agentVariable, serviceVariable } from './variables.js';

export const INTENT_LOOP_UID = 'factline-intent-loop';

const service = SERVICE;
const F = DEMO_FIGURES;
const TRUST = Object.entries(F.trustScores).map(([signal_id, value]) => ({ labels: { signal_id }, value }));
const DURATIONS = Object.values(F.contractDurations);
const atService = (value: number) => [{ labels: { service_name: DEMO.service }, value }];

export function intentLoopDashboard(): BuiltDashboard {
  const plan = new DashboardPlan(
    INTENT_LOOP_UID,
    new dashboard.DashboardBuilder('factline · Intent loop')
      .description('One Intent loop (seed 001) from its events: signals noticed, intents and specs, contracts executed, assertions observed. Built from src/queries; see docs/grafana.md.')
      .tags(['factline', 'intent'])
      .time({ from: 'now-1h', to: 'now' })
      .refresh('1m')
      .timezone('browser')
      .tooltip(dashboard.DashboardCursorSync.Crosshair)
      .withVariable(serviceVariable(DEMO.service))
      .withVariable(agentVariable())
      .links(dashboardLinks()),
    SAMPLES,
  );

  plan.row('Notice: signals');
  plan.panel(countsOverTime(), {
    title: 'Signals created by source',
    description: 'signal.created events per payload source (cli, mcp, email, slack, agent).',
    w: 8,
    h: 8,
    queries: [{ query: signalsBySource({ service, window: AUTO }), legend: '{{source}}', expected: counts(5, 5), note: 'one signal from each of the five sources' }],
  });
  plan.panel(bars('percentunit', 0, 1), {
    title: 'Trust score by signal',
    description: 'The trust score signal.enriched gave each signal (the highest in the range).',
    w: 8,
    h: 8,
    queries: [{ query: trustScoreBySignal({ service, window: RANGE }), instant: true, legend: '{{signal_id}}', expected: figures(TRUST), note: 'four signals: 0.61, 0.9, 0.92, 0.84' }],
  });
  plan.panel(bars(), {
    title: 'Clusters and their size',
    description: 'Distinct signals clustered into each cluster (signal.clustered).',
    w: 8,
    h: 8,
    queries: [{ query: clusterSizes({ service, window: RANGE }), instant: true, legend: '{{cluster_id}} {{cluster_name}}', expected: figures([{ labels: { cluster_id: 'CL-012' }, value: 4 }]), note: 'CL-012 API Latency Spike: 4 signals' }],
  });
  plan.panel(figure('percentunit', 1), {
    title: 'Average trust score',
    description: 'Mean trust score of the signals enriched in the range.',
    w: 6,
    h: 6,
    queries: [{ query: payloadFigure({ service, window: RANGE, event: INTENT.SIGNAL_ENRICHED, field: 'trust_score', fn: 'avg_over_time' }), instant: true, legend: '{{service_name}}', expected: figures(atService(Object.values(F.trustScores).reduce((a, b) => a + b, 0) / TRUST.length)), note: 'average 0.8175' }],
  });
  plan.panel(pie(), {
    title: 'Promoted vs dismissed',
    description: 'Signals promoted to an intent and signals dismissed (duplicate, noise, out of scope).',
    w: 6,
    h: 6,
    queries: [{ query: countByEvent({ service, window: RANGE, events: [INTENT.SIGNAL_PROMOTED, INTENT.SIGNAL_DISMISSED] }), instant: true, legend: '{{event_name}}', expected: counts(2, 2), note: '1 promoted, 1 dismissed' }],
  });
  plan.panel(logLines(), {
    title: 'Promotion and dismissal reasons',
    description: 'One line per promotion or dismissal: event, signal, reason.',
    w: 12,
    h: 6,
    queries: [{ query: promotionsAndDismissals({ service }), expected: logLinesExpected(2), note: 'SIG-042 promoted (4 correlated signals), SIG-043 dismissed (duplicate of SIG-042)' }],
  });

  plan.row('Spec: intents and specs');
  plan.panel(figure(), {
    title: 'Intents proposed and accepted',
    description: 'intent.proposed and intent.accepted in the range.',
    w: 6,
    h: 5,
    queries: [{ query: countByEvent({ service, window: RANGE, events: [INTENT.INTENT_PROPOSED, INTENT.INTENT_ACCEPTED] }), instant: true, legend: '{{event_name}}', expected: counts(2, 2), note: 'INT-015 proposed and accepted' }],
  });
  plan.panel(figure('percentunit', 0), {
    title: 'Acceptance confidence',
    description: 'Mean confidence of the acceptances in the range.',
    w: 6,
    h: 5,
    queries: [{ query: payloadFigure({ service, window: RANGE, event: INTENT.INTENT_ACCEPTED, field: 'confidence', fn: 'avg_over_time' }), instant: true, legend: '{{service_name}}', expected: figures(atService(F.acceptanceConfidence)), note: '0.92' }],
  });
  plan.panel(figure(), {
    title: 'Specs created and approved',
    description: 'spec.created and spec.approved in the range.',
    w: 6,
    h: 5,
    queries: [{ query: countByEvent({ service, window: RANGE, events: [INTENT.SPEC_CREATED, INTENT.SPEC_APPROVED] }), instant: true, legend: '{{event_name}}', expected: counts(2, 2), note: 'SPEC-042 created and approved' }],
  });
  plan.panel(figure('percentunit', 0), {
    title: 'Spec completeness',
    description: 'Mean completeness score of the specs approved in the range.',
    w: 6,
    h: 5,
    queries: [{ query: payloadFigure({ service, window: RANGE, event: INTENT.SPEC_APPROVED, field: 'completeness_score', fn: 'avg_over_time' }), instant: true, legend: '{{service_name}}', expected: figures(atService(F.completeness)), note: '1 (100 %)' }],
  });

  plan.row('Execute: contracts');
  plan.panel(countsOverTime(), {
    title: 'Contracts started and completed',
    description: 'contract.started and contract.completed emitted by the agents the Agent variable matches (factline_source_model).',
    w: 10,
    h: 8,
    queries: [{ query: countByEvent({ service, window: AUTO, agent: AGENT, events: [INTENT.CONTRACT_STARTED, INTENT.CONTRACT_COMPLETED] }), legend: '{{event_name}}', expected: counts(2, 6), note: '3 started, 3 completed' }],
  });
  plan.panel(figure('s', 2), {
    title: 'Contract duration p50 / p95',
    description: 'Quantiles of contract.completed duration (seconds) over the range: quantile_over_time(…, | json | unwrap duration [$__range]).',
    w: 7,
    h: 8,
    queries: [
      { query: contractDurationQuantile({ service, window: RANGE, quantile: 0.5, agent: AGENT }), instant: true, legend: 'p50', expected: figures(atService(prometheusQuantile(0.5, DURATIONS))), note: 'p50 2.814 s' },
      { query: contractDurationQuantile({ service, window: RANGE, quantile: 0.95, agent: AGENT }), instant: true, legend: 'p95', expected: figures(atService(prometheusQuantile(0.95, DURATIONS))), note: 'p95 2.814 s' },
    ],
  });
  plan.panel(bars(), {
    title: 'Contracts by executing agent',
    description: "contract.started per the payload's agent (the executor's name, e.g. claude-code).",
    w: 7,
    h: 8,
    queries: [{ query: contractsByAgent({ service, window: RANGE }), instant: true, legend: '{{agent}}', expected: counts(1, 3), note: 'claude-code: 3' }],
  });

  plan.row('Observe: assertions');
  plan.panel(lines('percentunit', 0, 1), {
    title: 'Assertion pass rate over time',
    description: 'contract.assertion.passed / (passed + failed) per window.',
    w: 12,
    h: 8,
    queries: [{ query: assertionPassRate({ service, window: AUTO }), legend: 'pass rate', expected: figures([{ labels: {}, value: 0.875 }]), note: '7 of 8 passed' }],
  });
  plan.panel(bars('percentunit', 0, 1), {
    title: 'Pass rate per assertion',
    description: 'Share of passes per assertion_name over the range; an assertion that never passed shows 0.',
    w: 12,
    h: 8,
    queries: [{ query: assertionPassRateByName({ service, window: RANGE }), instant: true, legend: '{{assertion_name}}', expected: { kind: 'vector', series: 8, perRun: false, samples: [{ labels: { assertion_name: DEMO.failingAssertion }, value: 0 }] }, note: 'lint_passes 0, seven others 1' }],
  });
  plan.panel(
    logTable(['contract_id', 'assertion_id', 'assertion_name', 'error', 'trace_id']).overrideByName('trace_id', [
      { id: 'links', value: [{ title: 'Open the trace in Tempo', url: traceExploreUrl() }] },
    ]),
    {
      title: 'Failing assertions',
      description: 'Every contract.assertion.failed: contract, assertion, error. Click the trace_id to open the loop\'s trace in Tempo (the contract span is red).',
      w: 14,
      h: 8,
      queries: [{ query: failingAssertions({ service }), expected: logLinesExpected(1, { assertion_name: DEMO.failingAssertion, contract_id: DEMO.failingContract }), note: 'one row: CON-092, lint_passes, "eslint: 3 errors in src/api/handler.ts"' }],
    },
  );
  plan.panel(traceTable(), {
    title: 'Spans with a failed assertion (Tempo)',
    description: 'TraceQL: contract spans holding a contract.assertion.failed span event. Click a trace to open it.',
    w: 10,
    h: 8,
    queries: [{ query: failingAssertionSpans({ service }), expected: traces(1, 1, [INTENT_SPANS.CONTRACT]), note: 'one trace, the CON-092 contract span' }],
  });

  plan.row('System');
  plan.panel(figure(), {
    title: 'Active servers',
    description: 'servers_active of the last system.health heartbeat.',
    w: 6,
    h: 5,
    queries: [{ query: healthFigure({ service, window: RANGE, figure: 'servers_active' }), instant: true, legend: '{{service_name}}', expected: figures(atService(F.heartbeat.servers_active)), note: '3' }],
  });
  plan.panel(figure(), {
    title: 'Events processed',
    description: 'event_count of the last system.health heartbeat: events emitted since the process started.',
    w: 6,
    h: 5,
    queries: [{ query: healthFigure({ service, window: RANGE, figure: 'event_count' }), instant: true, legend: '{{service_name}}', expected: figures(atService(F.heartbeat.event_count)), note: '33' }],
  });
  plan.panel(figure('percent', 1), {
    title: 'Memory use',
    description: 'memory_usage_percent of the last system.health heartbeat.',
    w: 6,
    h: 5,
    queries: [{ query: healthFigure({ service, window: RANGE, figure: 'memory_usage_percent' }), instant: true, legend: '{{service_name}}', expected: { kind: 'vector-between', series: 1, above: 0, atMost: 100 }, note: 'in (0, 100] %' }],
  });
  plan.panel(countsOverTime(), {
    title: 'system.error by error_code',
    description: 'system.error events per error_code per window (factline reports its own problems this way, docs/errors.md).',
    w: 6,
    h: 5,
    queries: [{ query: systemErrorsByCode({ service, window: AUTO }), legend: '{{error_code}}', expected: empty, note: 'none: the demo raises no system.error' }],
  });

  return plan.build();
}
