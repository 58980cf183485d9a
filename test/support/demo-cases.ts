/**
 * The demo-case table: for every query factline ships (the library's
 * examples and every dashboard panel's queries, by name), what one run of
 * the demo loop makes it return. The figures come from the demo itself
 * (demo-figures.ts); the end-to-end suite checks each against a real Loki
 * and Tempo, and test/grafana checks that the table and the queries match
 * name for name.
 */
import { allQueries, type NamedQuery, type RunSample } from '../../grafana/src/index.js';
import { INTENT_SPANS } from '../../src/intent/span-names.js';
import { idsForTraceKey } from '../../src/otel/trace-key.js';
import { DEMO, DEMO_FIGURES, prometheusQuantile } from './demo-figures.js';
import { counts, empty, figures, lines, traces, type Expectation } from './expectation.js';

/** A query to run end to end, with the demo's answer. */
export interface QueryCase extends NamedQuery {
  readonly expected: Expectation;
  /** The expectation in one sentence. */
  readonly note: string;
}

interface Answer {
  readonly expected: Expectation;
  readonly note: string;
}

const values = (o: Readonly<Record<string, number>>) => Object.values(o);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const byName = (pairs: Readonly<Record<string, number>>, label: string) => Object.entries(pairs).map(([k, value]) => ({ labels: { [label]: k }, value }));
const durations = values(DEMO_FIGURES.contractDurations);

/** What each query returns on one demo run under `sample`'s service and trace key. */
export function demoAnswers(sample: RunSample): Record<string, Answer> {
  const traceId = idsForTraceKey(sample.traceKey).traceId;
  const atService = (value: number) => [{ labels: { service_name: sample.service }, value }];
  const zeroFailuresPerAgent = figures([{ labels: { factline_source_model: DEMO.agent }, value: 0 }]);
  return {
    'library/failures': {
      expected: lines(1, { event_name: 'contract.assertion.failed' }),
      note: 'exactly one line, the failed assertion (lint_passes on CON-092)',
    },
    'library/eventsByPattern': {
      expected: lines(14),
      note: '14 contract events: 3 started, 7 passed, 1 failed, 3 completed',
    },
    'library/eventsByPatternCreated': {
      expected: lines(6),
      note: '6 creations: 5 signals and 1 spec',
    },
    'library/countByPattern': {
      expected: counts(1, 1, [{ labels: { factline_event_id: 'contract.assertion.failed:1' }, value: 1 }]),
      note: 'one series, contract.assertion.failed:1 = 1',
    },
    'library/countByDomain': {
      expected: counts(5, DEMO_FIGURES.total, byName(DEMO_FIGURES.byDomain, 'factline_event_domain')),
      note: '5 domains, 34 events: signal 15, intent 2, spec 2, contract 14, system 1',
    },
    'library/countByEntity': {
      expected: counts(6, DEMO_FIGURES.total, [{ labels: { factline_event_domain: 'contract', factline_event_entity: 'assertion' }, value: 8 }]),
      note: '6 entities, 34 events; contract.assertion 8',
    },
    'library/countByAction': {
      expected: counts(13, DEMO_FIGURES.total, byName(DEMO_FIGURES.byAction, 'factline_event_action')),
      note: '13 actions, 34 events; created 6 (5 signals, 1 spec)',
    },
    'library/versionsInUse': {
      expected: counts(14, DEMO_FIGURES.total),
      note: '14 event types emitted, each at version 1',
    },
    'library/invalidEvents': {
      expected: lines(0),
      note: 'no line: the demo validates strictly',
    },
    'library/invalidCount': {
      expected: empty,
      note: 'no series',
    },
    'library/eventsOfTrace': {
      expected: lines(DEMO_FIGURES.eventsInTrace, { factline_trace_key: sample.traceKey }),
      note: '19 lines: every event from the promotion on, except the heartbeat',
    },
    'library/eventsOfTraceKey': {
      expected: lines(DEMO_FIGURES.eventsInTrace, { trace_id: traceId }),
      note: '19 lines, all with the trace id derived from TRACE-015',
    },
    'library/failureShareByAgent': {
      expected: zeroFailuresPerAgent,
      note: 'claude-sonnet-4 started 3 contracts and failed none: the failed assertion came from the verify tool',
    },
    'library/failureShareByDomain': {
      expected: figures(
        Object.entries(DEMO_FIGURES.byDomain).map(([d, n]) => ({
          labels: { factline_event_domain: d },
          value: ((DEMO_FIGURES.failedByDomain as Record<string, number>)[d] ?? 0) / n,
        })),
      ),
      note: '1 failure in 14 contract events; 0 elsewhere',
    },
    'library/agentFailures': {
      expected: lines(0),
      note: 'no line: no agent-sourced event failed',
    },
    'library/signalsBySource': {
      expected: counts(5, 5, byName({ cli: 1, mcp: 1, email: 1, slack: 1, agent: 1 }, 'source')),
      note: 'one signal from each of the five sources',
    },
    'library/trustScoreBySignal': {
      expected: figures(byName(DEMO_FIGURES.trustScores, 'signal_id')),
      note: 'four enriched signals with their trust scores',
    },
    'library/averageTrustScore': {
      expected: figures(atService(sum(values(DEMO_FIGURES.trustScores)) / 4)),
      note: 'average trust score 0.8175',
    },
    'library/clusterSizes': {
      expected: figures([{ labels: { cluster_id: 'CL-012', cluster_name: 'API Latency Spike' }, value: 4 }]),
      note: 'one cluster, CL-012, of 4 signals',
    },
    'library/promotedVsDismissed': {
      expected: counts(2, 2, byName({ 'signal.signal.promoted': 1, 'signal.signal.dismissed': 1 }, 'event_name')),
      note: '1 promoted, 1 dismissed',
    },
    'library/promotionsAndDismissals': {
      expected: lines(2),
      note: '2 lines: SIG-042 promoted, SIG-043 dismissed as a duplicate',
    },
    'library/intentsProposedAccepted': {
      expected: counts(2, 2),
      note: 'INT-015 proposed once and accepted once',
    },
    'library/acceptanceConfidence': {
      expected: figures(atService(DEMO_FIGURES.acceptanceConfidence)),
      note: 'acceptance confidence 0.92',
    },
    'library/specsCreatedApproved': {
      expected: counts(2, 2),
      note: 'SPEC-042 created once and approved once',
    },
    'library/specCompleteness': {
      expected: figures(atService(DEMO_FIGURES.completeness)),
      note: 'completeness 1',
    },
    'library/contractsStartedCompleted': {
      expected: counts(2, 6, byName({ 'contract.contract.started': 3, 'contract.contract.completed': 3 }, 'event_name')),
      note: '3 contracts started and 3 completed by claude-sonnet-4',
    },
    'library/contractDurationP50': {
      expected: figures(atService(prometheusQuantile(0.5, durations))),
      note: 'p50 2.814 s (durations 2.814, 2.814, 1.891)',
    },
    'library/contractDurationP95': {
      expected: figures(atService(prometheusQuantile(0.95, durations))),
      note: 'p95 2.814 s',
    },
    'library/contractsByAgent': {
      expected: counts(1, 3, [{ labels: { agent: 'claude-code' }, value: 3 }]),
      note: 'claude-code executed all 3 contracts',
    },
    'library/assertionPassRate': {
      expected: figures([{ labels: {}, value: 7 / 8 }]),
      note: '7 of 8 assertions passed: 0.875',
    },
    'library/assertionPassRateByName': {
      expected: figures([
        ...DEMO_FIGURES.passedAssertions.map((n) => ({ labels: { assertion_name: n }, value: 1 })),
        { labels: { assertion_name: DEMO.failingAssertion }, value: 0 },
      ]),
      note: '8 assertions: lint_passes 0, the other seven 1',
    },
    'library/failingAssertions': {
      expected: lines(1, { assertion_name: DEMO.failingAssertion, contract_id: DEMO.failingContract, trace_id: traceId }),
      note: "exactly one line: lint_passes on CON-092, in the loop's trace",
    },
    'library/systemErrorsByCode': {
      expected: empty,
      note: 'no series: the demo raises no system.error',
    },
    'library/healthServersActive': {
      expected: figures(atService(DEMO_FIGURES.heartbeat.servers_active)),
      note: '3 active servers',
    },
    'library/healthEventCount': {
      expected: figures(atService(DEMO_FIGURES.heartbeat.event_count)),
      note: '33 events processed before the heartbeat',
    },
    'library/healthMemory': {
      expected: { kind: 'vector-between', series: 1, above: 0, atMost: 100 },
      note: 'memory use in (0, 100] percent',
    },
    'library/failingAssertionSpans': {
      expected: traces(1, 1, [INTENT_SPANS.CONTRACT]),
      note: 'one trace, one span: the CON-092 contract span holding the lint_passes failure',
    },
    'library/errorContractSpans': {
      expected: traces(1, 1, [INTENT_SPANS.CONTRACT]),
      note: 'one span in error: CON-092',
    },
    'library/contractSpan': {
      expected: traces(1, 1, [INTENT_SPANS.CONTRACT]),
      note: 'the CON-092 span',
    },
    'library/traceSpansByKey': {
      expected: traces(1, DEMO_FIGURES.spans, [
        INTENT_SPANS.LOOP,
        INTENT_SPANS.INTENT,
        INTENT_SPANS.SPEC,
        INTENT_SPANS.CONTRACT,
        INTENT_SPANS.CONTRACT,
        INTENT_SPANS.CONTRACT,
      ]),
      note: 'one trace, 6 spans: intent.loop, intent.intent, intent.spec, 3 × intent.contract',
    },
    // factline-intent-loop
    'dashboard/factline-intent-loop/Signals created by source/A': { expected: counts(5, 5), note: 'one signal from each of the five sources' },
    'dashboard/factline-intent-loop/Trust score by signal/A': {
      expected: figures(byName(DEMO_FIGURES.trustScores, 'signal_id')),
      note: 'four signals: 0.61, 0.9, 0.92, 0.84',
    },
    'dashboard/factline-intent-loop/Clusters and their size/A': {
      expected: figures([{ labels: { cluster_id: 'CL-012' }, value: 4 }]),
      note: 'CL-012 API Latency Spike: 4 signals',
    },
    'dashboard/factline-intent-loop/Average trust score/A': {
      expected: figures(atService(sum(values(DEMO_FIGURES.trustScores)) / Object.keys(DEMO_FIGURES.trustScores).length)),
      note: 'average 0.8175',
    },
    'dashboard/factline-intent-loop/Promoted vs dismissed/A': {
      expected: counts(1, 1, byName({ 'signal.signal.promoted': 1 }, 'event_name')),
      note: '1 promoted (SIG-042)',
    },
    'dashboard/factline-intent-loop/Promoted vs dismissed/B': {
      expected: counts(1, 1, byName({ 'signal.signal.dismissed': 1 }, 'event_name')),
      note: '1 dismissed (SIG-043)',
    },
    'dashboard/factline-intent-loop/Promotion and dismissal reasons/A': {
      expected: lines(2),
      note: 'SIG-042 promoted (4 correlated signals), SIG-043 dismissed (duplicate of SIG-042)',
    },
    'dashboard/factline-intent-loop/Intents proposed and accepted/A': { expected: counts(2, 2), note: 'INT-015 proposed and accepted' },
    'dashboard/factline-intent-loop/Acceptance confidence/A': { expected: figures(atService(DEMO_FIGURES.acceptanceConfidence)), note: '0.92' },
    'dashboard/factline-intent-loop/Specs created and approved/A': { expected: counts(2, 2), note: 'SPEC-042 created and approved' },
    'dashboard/factline-intent-loop/Spec completeness/A': { expected: figures(atService(DEMO_FIGURES.completeness)), note: '1 (100 %)' },
    'dashboard/factline-intent-loop/Contracts started and completed/A': { expected: counts(2, 6), note: '3 started, 3 completed' },
    'dashboard/factline-intent-loop/Contract duration p50 / p95/A': { expected: figures(atService(prometheusQuantile(0.5, durations))), note: 'p50 2.814 s' },
    'dashboard/factline-intent-loop/Contract duration p50 / p95/B': { expected: figures(atService(prometheusQuantile(0.95, durations))), note: 'p95 2.814 s' },
    'dashboard/factline-intent-loop/Contracts by executing agent/A': { expected: counts(1, 3), note: 'claude-code: 3' },
    'dashboard/factline-intent-loop/Assertion pass rate over time/A': { expected: figures([{ labels: {}, value: 0.875 }]), note: '7 of 8 passed' },
    'dashboard/factline-intent-loop/Pass rate per assertion/A': {
      expected: { kind: 'vector', series: 8, perRun: false, samples: [{ labels: { assertion_name: DEMO.failingAssertion }, value: 0 }] },
      note: 'lint_passes 0, seven others 1',
    },
    'dashboard/factline-intent-loop/Failing assertions/A': {
      expected: lines(1, { assertion_name: DEMO.failingAssertion, contract_id: DEMO.failingContract }),
      note: 'one row: CON-092, lint_passes, "eslint: 3 errors in src/api/handler.ts"',
    },
    'dashboard/factline-intent-loop/Spans with a failed assertion (Tempo)/A': {
      expected: traces(1, 1, [INTENT_SPANS.CONTRACT]),
      note: 'one trace, the CON-092 contract span',
    },
    'dashboard/factline-intent-loop/Active servers/A': { expected: figures(atService(DEMO_FIGURES.heartbeat.servers_active)), note: '3' },
    'dashboard/factline-intent-loop/Events processed/A': { expected: figures(atService(DEMO_FIGURES.heartbeat.event_count)), note: '33' },
    'dashboard/factline-intent-loop/Memory use/A': { expected: { kind: 'vector-between', series: 1, above: 0, atMost: 100 }, note: 'in (0, 100] %' },
    'dashboard/factline-intent-loop/system.error by error_code/A': { expected: empty, note: 'none: the demo raises no system.error' },
    // factline-event-explorer
    'dashboard/factline-event-explorer/Events per domain/A': { expected: counts(5, DEMO_FIGURES.total), note: '5 domains, 34 events' },
    'dashboard/factline-event-explorer/Events per entity/A': { expected: counts(6, DEMO_FIGURES.total), note: '6 entities, 34 events' },
    'dashboard/factline-event-explorer/Events per action/A': { expected: counts(13, DEMO_FIGURES.total), note: '13 actions, 34 events' },
    'dashboard/factline-event-explorer/Matching events per window/A': { expected: counts(1, 1), note: '%.failed:%: contract.assertion.failed:1 once' },
    'dashboard/factline-event-explorer/Matching events in the range/A': { expected: counts(1, 1), note: '%.failed:%: 1' },
    'dashboard/factline-event-explorer/Matching lines/A': {
      expected: lines(1, { factline_event_id: 'contract.assertion.failed:1' }),
      note: '%.failed:%: the lint_passes failure',
    },
    'dashboard/factline-event-explorer/Versions in use per event/A': { expected: counts(14, DEMO_FIGURES.total), note: '14 event types, all at version 1' },
    'dashboard/factline-event-explorer/Events flagged invalid/A': { expected: empty, note: 'none: the demo validates strictly' },
    'dashboard/factline-event-explorer/Invalid events/A': { expected: lines(0), note: 'none' },
    // factline-agent-feedback
    'dashboard/factline-agent-feedback/Failure share per agent/A': {
      expected: zeroFailuresPerAgent,
      note: 'claude-sonnet-4: 0 of 3 contracts started failed (no failure names one as its cause)',
    },
    'dashboard/factline-agent-feedback/Failure share per agent over time/A': { expected: zeroFailuresPerAgent, note: '0 throughout' },
    'dashboard/factline-agent-feedback/Failed attempts and attempts per agent/A': {
      expected: zeroFailuresPerAgent,
      note: 'claude-sonnet-4: 0 failed attempts (no failure names a contract start as its cause), shown as 0',
    },
    'dashboard/factline-agent-feedback/Failed attempts and attempts per agent/B': {
      expected: counts(1, DEMO_FIGURES.agentAttempts),
      note: 'claude-sonnet-4: 3 contracts started',
    },
    'dashboard/factline-agent-feedback/Failure share per domain, every source/A': {
      expected: {
        kind: 'vector',
        series: 5,
        perRun: false,
        samples: [{ labels: { factline_event_domain: 'contract' }, value: DEMO_FIGURES.failedByDomain.contract! / DEMO_FIGURES.byDomain.contract! }],
        tolerance: 1e-9,
      },
      note: "contract 1/14 (the verify tool's lint_passes failure), others 0",
    },
    'dashboard/factline-agent-feedback/Failed events of the agents/A': { expected: lines(0), note: 'none in the demo' },
  };
}

/**
 * Every query factline ships with the demo's answer: the library's, then
 * every dashboard panel's. Pass the service name and trace key of the run
 * if they are not the demo's own. Throws when a query has no answer.
 *
 * @example
 * for (const c of demoCases({ service: 'intent-e2e-x1', traceKey: 'TRACE-E2Ex1' })) console.log(c.name, c.note);
 */
export function demoCases(sample: Partial<RunSample> = {}): QueryCase[] {
  const run = { service: sample.service ?? DEMO.service, traceKey: sample.traceKey ?? DEMO.traceKey };
  const answers = demoAnswers(run);
  return allQueries(run).map((q) => {
    const answer = answers[q.name];
    if (answer === undefined) throw new Error(`test/support/demo-cases.ts has no answer for ${q.name}`);
    return { ...q, ...answer };
  });
}
