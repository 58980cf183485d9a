/**
 * The Intent loop dashboard: notice → spec → execute → observe, from the
 * Intent catalog's events (docs/intent.md), with the failing assertions
 * linked to their traces. docs/grafana.md says which panel answers which
 * question.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import {
  INTENT,
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
  promotionsAndDismissals,
  signalsBySource,
  systemErrorsByCode,
  trustScoreBySignal,
} from '../../src/intent/index.js';
import { AUTO, RANGE } from '../../src/queries/index.js';
import { dashboardLinks } from './links.js';
import { bars, bigNumbers, countsOverTime, logLines, logTable, passRateBars, passRateLines, pie, traceTable } from './panels.js';
import { DashboardPlan, type BuiltDashboard } from './dashboard-plan.js';
import { AGENT, DEMO_SERVICE, SAMPLES, SERVICE, agentVariable, serviceVariable } from './variables.js';

export const INTENT_LOOP_UID = 'factline-intent-loop';

const service = SERVICE;

export function intentLoopDashboard(): BuiltDashboard {
  const plan = new DashboardPlan(
    INTENT_LOOP_UID,
    new dashboard.DashboardBuilder('Intent loop')
      .description(
        'One Intent loop from its events: signals noticed, intents and specs, contracts executed, assertions observed. Built from factline/intent; see docs/grafana.md.',
      )
      .tags(['factline', 'intent'])
      .time({ from: 'now-15m', to: 'now' })
      .refresh('30s')
      .timezone('browser')
      .tooltip(dashboard.DashboardCursorSync.Crosshair)
      .withVariable(serviceVariable(DEMO_SERVICE))
      .withVariable(agentVariable())
      .links(dashboardLinks()),
    SAMPLES,
    { minInterval: '15s' },
  );

  plan.row('Notice: signals');
  plan.panel(countsOverTime(), {
    title: 'Signals created by source',
    description: 'signal.created events per payload source (cli, mcp, email, slack, agent), per window.',
    width: 8,
    height: 8,
    queries: [{ query: signalsBySource({ service, window: AUTO }), legend: '{{source}}' }],
  });
  plan.panel(bars('percentunit', 0, 1), {
    title: 'Trust score by signal',
    description: 'The trust score signal.enriched gave each signal (the highest in the range), one bar per signal.',
    width: 8,
    height: 8,
    queries: [{ query: trustScoreBySignal({ service, window: RANGE }), instant: true, legend: '{{signal_id}}' }],
  });
  plan.panel(bars(), {
    title: 'Clusters and their size',
    description: 'Distinct signals clustered into each cluster (signal.clustered), one bar per cluster, named by its id and name.',
    width: 8,
    height: 8,
    queries: [{ query: clusterSizes({ service, window: RANGE }), instant: true, legend: '{{cluster_id}} {{cluster_name}}' }],
  });
  plan.panel(bigNumbers('percentunit', 1), {
    title: 'Average trust score',
    description: 'Mean trust score of the signals enriched in the range, per service.',
    width: 6,
    height: 6,
    queries: [
      {
        query: payloadFigure({ service, window: RANGE, event: INTENT.SIGNAL_ENRICHED, field: 'trust_score', fn: 'avg_over_time' }),
        instant: true,
        legend: '{{service_name}}',
      },
    ],
  });
  plan.panel(pie({ A: 'green', B: 'orange' }), {
    title: 'Promoted vs dismissed',
    description: 'Signals promoted to an intent (green) and signals dismissed as duplicate, noise or out of scope (orange), over the range.',
    width: 6,
    height: 6,
    queries: [
      { query: countByEvent({ service, window: RANGE, events: [INTENT.SIGNAL_PROMOTED] }), instant: true, legend: 'promoted', displayName: 'promoted' },
      { query: countByEvent({ service, window: RANGE, events: [INTENT.SIGNAL_DISMISSED] }), instant: true, legend: 'dismissed', displayName: 'dismissed' },
    ],
  });
  plan.panel(logLines(), {
    title: 'Promotion and dismissal reasons',
    description: 'One line per promotion or dismissal: event, signal, reason.',
    width: 12,
    height: 6,
    queries: [{ query: promotionsAndDismissals({ service }) }],
  });

  plan.row('Spec: intents and specs');
  plan.panel(bigNumbers(), {
    title: 'Intents proposed and accepted',
    description: 'intent.proposed and intent.accepted in the range, one number per event.',
    width: 6,
    height: 5,
    queries: [
      { query: countByEvent({ service, window: RANGE, events: [INTENT.INTENT_PROPOSED, INTENT.INTENT_ACCEPTED] }), instant: true, legend: '{{event_name}}' },
    ],
  });
  plan.panel(bigNumbers('percentunit', 0), {
    title: 'Acceptance confidence',
    description: 'Mean confidence of the acceptances in the range, per service.',
    width: 6,
    height: 5,
    queries: [
      {
        query: payloadFigure({ service, window: RANGE, event: INTENT.INTENT_ACCEPTED, field: 'confidence', fn: 'avg_over_time' }),
        instant: true,
        legend: '{{service_name}}',
      },
    ],
  });
  plan.panel(bigNumbers(), {
    title: 'Specs created and approved',
    description: 'spec.created and spec.approved in the range, one number per event.',
    width: 6,
    height: 5,
    queries: [
      { query: countByEvent({ service, window: RANGE, events: [INTENT.SPEC_CREATED, INTENT.SPEC_APPROVED] }), instant: true, legend: '{{event_name}}' },
    ],
  });
  plan.panel(bigNumbers('percentunit', 0), {
    title: 'Spec completeness',
    description: 'Mean completeness score of the specs approved in the range, per service.',
    width: 6,
    height: 5,
    queries: [
      {
        query: payloadFigure({ service, window: RANGE, event: INTENT.SPEC_APPROVED, field: 'completeness_score', fn: 'avg_over_time' }),
        instant: true,
        legend: '{{service_name}}',
      },
    ],
  });

  plan.row('Execute: contracts');
  plan.panel(countsOverTime(), {
    title: 'Contracts started and completed',
    description: 'contract.started and contract.completed emitted by the agents the Agent variable matches (factline_source_model), per window.',
    width: 10,
    height: 8,
    queries: [
      { query: countByEvent({ service, window: AUTO, agent: AGENT, events: [INTENT.CONTRACT_STARTED, INTENT.CONTRACT_COMPLETED] }), legend: '{{event_name}}' },
    ],
  });
  plan.panel(bigNumbers('s', 2), {
    title: 'Contract duration p50 / p95',
    description: 'Quantiles of contract.completed duration (seconds) over the range, per service: quantile_over_time(…, | json | unwrap duration [$__range]).',
    width: 7,
    height: 8,
    queries: [
      { query: contractDurationQuantile({ service, window: RANGE, quantile: 0.5, agent: AGENT }), instant: true, legend: 'p50 {{service_name}}' },
      { query: contractDurationQuantile({ service, window: RANGE, quantile: 0.95, agent: AGENT }), instant: true, legend: 'p95 {{service_name}}' },
    ],
  });
  plan.panel(bars(), {
    title: 'Contracts by executing agent',
    description:
      "contract.started per the payload's agent (the executor's name, e.g. claude-code), one bar per agent, of the models the Agent variable matches.",
    width: 7,
    height: 8,
    queries: [{ query: contractsByAgent({ service, window: RANGE, agent: AGENT }), instant: true, legend: '{{agent}}' }],
  });

  plan.row('Observe: assertions');
  plan.panel(passRateLines(), {
    title: 'Assertion pass rate over time',
    description: 'contract.assertion.passed / (passed + failed) per window.',
    width: 12,
    height: 8,
    queries: [{ query: assertionPassRate({ service, window: AUTO }), legend: 'pass rate' }],
  });
  plan.panel(passRateBars(), {
    title: 'Pass rate per assertion',
    description:
      'Share of passes per assertion_name over the range, one bar per assertion: red below 100 %, so an assertion that never passed shows red at 0 %.',
    width: 12,
    height: 8,
    queries: [{ query: assertionPassRateByName({ service, window: RANGE }), instant: true, legend: '{{assertion_name}}' }],
  });
  plan.panel(logTable(['trace_id', 'contract_id', 'assertion_name', 'error', 'assertion_id']), {
    title: 'Failing assertions',
    description:
      'Every contract.assertion.failed: its trace, contract, assertion, error. Click the trace_id (first column) and choose "Open trace in Tempo" to open the loop\'s trace (the contract span is red).',
    width: 14,
    height: 8,
    queries: [{ query: failingAssertions({ service }) }],
  });
  plan.panel(traceTable(), {
    title: 'Spans with a failed assertion (Tempo)',
    description:
      'TraceQL: contract spans holding a contract.assertion.failed span event, one row per trace. Click the trace id (first column) to open the trace; unfold a row for its spans.',
    width: 10,
    height: 8,
    queries: [{ query: failingAssertionSpans({ service }) }],
  });

  plan.row('System');
  plan.panel(bigNumbers(), {
    title: 'Active servers',
    description: 'servers_active of the last system.health heartbeat, per service.',
    width: 6,
    height: 5,
    queries: [{ query: healthFigure({ service, window: RANGE, figure: 'servers_active' }), instant: true, legend: '{{service_name}}' }],
  });
  plan.panel(bigNumbers(), {
    title: 'Events processed',
    description: 'event_count of the last system.health heartbeat, per service: events emitted since the process started.',
    width: 6,
    height: 5,
    queries: [{ query: healthFigure({ service, window: RANGE, figure: 'event_count' }), instant: true, legend: '{{service_name}}' }],
  });
  plan.panel(bigNumbers('percent', 1), {
    title: 'Memory use',
    description: 'memory_usage_percent of the last system.health heartbeat, per service.',
    width: 6,
    height: 5,
    queries: [{ query: healthFigure({ service, window: RANGE, figure: 'memory_usage_percent' }), instant: true, legend: '{{service_name}}' }],
  });
  plan.panel(countsOverTime(), {
    title: 'system.error by error_code',
    description: 'system.error events per error_code per window (factline reports its own problems this way, docs/errors.md).',
    width: 6,
    height: 5,
    queries: [{ query: systemErrorsByCode({ service, window: AUTO }), legend: '{{error_code}}' }],
  });

  return plan.build();
}
