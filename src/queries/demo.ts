/**
 * Every library query, with sample arguments taken from the demo loop
 * (examples/intent-loop.ts) and what one run of it implies: the list an
 * end-to-end test runs against a real Loki and Tempo.
 */
import { idsForTraceKey } from '../otel/trace-key.js';
import { countBy, countByPattern, eventsByPattern, eventsOfTrace, eventsOfTraceKey, failures, failureShare, agentFailures, invalidCount, invalidEvents, versionsInUse } from './events.js';
import { counts, empty, figures, lines, traces, type QueryCase, type Expectation } from './expectation.js';
import {
  assertionPassRate,
  assertionPassRateByName,
  clusterSizes,
  contractDurationQuantile,
  contractsByAgent,
  countByEvent,
  failingAssertions,
  healthFigure,
  payloadFigure,
  promotionsAndDismissals,
  signalsBySource,
  systemErrorsByCode,
  trustScoreBySignal,
} from './intent.js';
import type { LogqlQuery } from './logql.js';
import { DEMO, DEMO_FIGURES, prometheusQuantile } from './demo-figures.js';
import { INTENT, INTENT_SPANS } from './names.js';
import { contractSpans, errorContractSpans, failingAssertionSpans, traceSpansByKey, type TraceqlQuery } from './traceql.js';

/** Values a run of the demo was given: its service name and trace key (the end-to-end suite uses fresh ones per run). */
export interface DemoSample {
  readonly service: string;
  readonly traceKey: string;
}

const F = DEMO_FIGURES;
const values = <T extends Record<string, number>>(o: T) => Object.values(o) as number[];
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const byName = (pairs: Readonly<Record<string, number>>, label: string) => Object.entries(pairs).map(([k, value]) => ({ labels: { [label]: k }, value }));
const durations = values(F.contractDurations);

interface Case {
  readonly about: string;
  readonly query: LogqlQuery | TraceqlQuery;
  readonly expected: Expectation;
  readonly note: string;
}

function cases(sample: DemoSample): Record<string, Case> {
  const s = { service: sample.service };
  const w = { ...s, window: DEMO.window };
  const traceId = idsForTraceKey(sample.traceKey).traceId;
  const atService = (value: number) => [{ labels: { service_name: sample.service }, value }];
  return {
    failures: {
      about: 'Every failure: the events matching %.failed:% (seed 000).',
      query: failures(s),
      expected: lines(1, { event_name: 'contract.assertion.failed' }),
      note: 'exactly one line, the failed assertion (lint_passes on CON-092)',
    },
    eventsByPattern: {
      about: 'The events matching a % pattern, here contract.%.',
      query: eventsByPattern({ ...s, pattern: 'contract.%' }),
      expected: lines(14),
      note: '14 contract events: 3 started, 7 passed, 1 failed, 3 completed',
    },
    eventsByPatternCreated: {
      about: 'The events matching %.created:%, a pattern on the action.',
      query: eventsByPattern({ ...s, pattern: '%.created:%' }),
      expected: lines(6),
      note: '6 creations: 5 signals and 1 spec',
    },
    countByPattern: {
      about: 'How many events match a % pattern, per EventID.',
      query: countByPattern({ ...w, pattern: '%.failed:%' }),
      expected: counts(1, 1, [{ labels: { factline_event_id: 'contract.assertion.failed:1' }, value: 1 }]),
      note: 'one series, contract.assertion.failed:1 = 1',
    },
    countByDomain: {
      about: 'factline events per domain.',
      query: countBy({ ...w, by: 'domain' }),
      expected: counts(5, F.total, byName(F.byDomain, 'factline_event_domain')),
      note: '5 domains, 34 events: signal 15, intent 2, spec 2, contract 14, system 1',
    },
    countByEntity: {
      about: 'factline events per domain and entity.',
      query: countBy({ ...w, by: 'entity' }),
      expected: counts(6, F.total, [{ labels: { factline_event_domain: 'contract', factline_event_entity: 'assertion' }, value: 8 }]),
      note: '6 entities, 34 events; contract.assertion 8',
    },
    countByAction: {
      about: 'factline events per action.',
      query: countBy({ ...w, by: 'action' }),
      expected: counts(13, F.total, byName(F.byAction, 'factline_event_action')),
      note: '13 actions, 34 events; created 6 (5 signals, 1 spec)',
    },
    versionsInUse: {
      about: 'Events per event name and version: the versions in use.',
      query: versionsInUse(w),
      expected: counts(14, F.total),
      note: '14 event types emitted, each at version 1',
    },
    invalidEvents: {
      about: 'Events delivered flagged invalid (factline.valid=false).',
      query: invalidEvents(s),
      expected: lines(0),
      note: 'no line: the demo validates strictly',
    },
    invalidCount: {
      about: 'How many events were delivered flagged invalid, per EventID.',
      query: invalidCount(w),
      expected: empty,
      note: 'no series',
    },
    eventsOfTrace: {
      about: 'The events of one trace, by the trace_id metadata.',
      query: eventsOfTrace({ ...s, traceId }),
      expected: lines(F.eventsInTrace, { factline_trace_key: sample.traceKey }),
      note: '19 lines: every event from the promotion on, except the heartbeat',
    },
    eventsOfTraceKey: {
      about: 'The events of one domain trace key (TRACE-015).',
      query: eventsOfTraceKey({ ...s, traceKey: sample.traceKey }),
      expected: lines(F.eventsInTrace, { trace_id: traceId }),
      note: '19 lines, all with the trace id derived from TRACE-015',
    },
    failureShareByAgent: {
      about: 'Share of failed attempts per agent (source model): "I fail 23% on auth".',
      query: failureShare({ ...w, by: 'agent', attempts: INTENT.CONTRACT_STARTED }),
      expected: figures([{ labels: { factline_source_model: DEMO.agent }, value: 0 }]),
      note: 'claude-sonnet-4 started 3 contracts and failed none: the failed assertion came from the verify tool',
    },
    failureShareByDomain: {
      about: 'Share of failed events per domain, every source.',
      query: failureShare({ ...w, by: 'domain' }),
      expected: figures(Object.entries(F.byDomain).map(([d, n]) => ({ labels: { factline_event_domain: d }, value: ((F.failedByDomain as Record<string, number>)[d] ?? 0) / n }))),
      note: '1 failure in 14 contract events; 0 elsewhere',
    },
    agentFailures: {
      about: 'The failed events of agents.',
      query: agentFailures(s),
      expected: lines(0),
      note: 'no line: no agent-sourced event failed',
    },
    signalsBySource: {
      about: 'Signals created per source.',
      query: signalsBySource(w),
      expected: counts(5, 5, byName({ cli: 1, mcp: 1, email: 1, slack: 1, agent: 1 }, 'source')),
      note: 'one signal from each of the five sources',
    },
    trustScoreBySignal: {
      about: "Each signal's trust score from enrichment.",
      query: trustScoreBySignal(w),
      expected: figures(byName(F.trustScores, 'signal_id')),
      note: 'four enriched signals with their trust scores',
    },
    averageTrustScore: {
      about: 'Average trust score of the enriched signals.',
      query: payloadFigure({ ...w, event: INTENT.SIGNAL_ENRICHED, field: 'trust_score', fn: 'avg_over_time' }),
      expected: figures(atService(sum(values(F.trustScores)) / 4)),
      note: 'average trust score 0.8175',
    },
    clusterSizes: {
      about: 'Clusters and the number of distinct signals in each.',
      query: clusterSizes(w),
      expected: figures([{ labels: { cluster_id: 'CL-012', cluster_name: 'API Latency Spike' }, value: 4 }]),
      note: 'one cluster, CL-012, of 4 signals',
    },
    promotedVsDismissed: {
      about: 'Signals promoted vs dismissed.',
      query: countByEvent({ ...w, events: [INTENT.SIGNAL_PROMOTED, INTENT.SIGNAL_DISMISSED] }),
      expected: counts(2, 2, byName({ 'signal.signal.promoted': 1, 'signal.signal.dismissed': 1 }, 'event_name')),
      note: '1 promoted, 1 dismissed',
    },
    promotionsAndDismissals: {
      about: 'Promotions and dismissals with their reasons, one line each.',
      query: promotionsAndDismissals(s),
      expected: lines(2),
      note: '2 lines: SIG-042 promoted, SIG-043 dismissed as a duplicate',
    },
    intentsProposedAccepted: {
      about: 'Intents proposed vs accepted.',
      query: countByEvent({ ...w, events: [INTENT.INTENT_PROPOSED, INTENT.INTENT_ACCEPTED] }),
      expected: counts(2, 2),
      note: 'INT-015 proposed once and accepted once',
    },
    acceptanceConfidence: {
      about: 'Average acceptance confidence.',
      query: payloadFigure({ ...w, event: INTENT.INTENT_ACCEPTED, field: 'confidence', fn: 'avg_over_time' }),
      expected: figures(atService(F.acceptanceConfidence)),
      note: 'acceptance confidence 0.92',
    },
    specsCreatedApproved: {
      about: 'Specs created vs approved.',
      query: countByEvent({ ...w, events: [INTENT.SPEC_CREATED, INTENT.SPEC_APPROVED] }),
      expected: counts(2, 2),
      note: 'SPEC-042 created once and approved once',
    },
    specCompleteness: {
      about: 'Average completeness score of approved specs.',
      query: payloadFigure({ ...w, event: INTENT.SPEC_APPROVED, field: 'completeness_score', fn: 'avg_over_time' }),
      expected: figures(atService(F.completeness)),
      note: 'completeness 1',
    },
    contractsStartedCompleted: {
      about: 'Contracts started vs completed by one agent.',
      query: countByEvent({ ...w, events: [INTENT.CONTRACT_STARTED, INTENT.CONTRACT_COMPLETED], agent: DEMO.agent }),
      expected: counts(2, 6, byName({ 'contract.contract.started': 3, 'contract.contract.completed': 3 }, 'event_name')),
      note: '3 contracts started and 3 completed by claude-sonnet-4',
    },
    contractDurationP50: {
      about: 'Median contract duration (seconds).',
      query: contractDurationQuantile({ ...w, quantile: 0.5 }),
      expected: figures(atService(prometheusQuantile(0.5, durations))),
      note: 'p50 2.814 s (durations 2.814, 2.814, 1.891)',
    },
    contractDurationP95: {
      about: '95th percentile of contract duration (seconds).',
      query: contractDurationQuantile({ ...w, quantile: 0.95 }),
      expected: figures(atService(prometheusQuantile(0.95, durations))),
      note: 'p95 2.814 s',
    },
    contractsByAgent: {
      about: 'Contracts started per executing agent (payload agent).',
      query: contractsByAgent(w),
      expected: counts(1, 3, [{ labels: { agent: 'claude-code' }, value: 3 }]),
      note: 'claude-code executed all 3 contracts',
    },
    assertionPassRate: {
      about: 'Share of assertions that passed.',
      query: assertionPassRate(w),
      expected: figures([{ labels: {}, value: 7 / 8 }]),
      note: '7 of 8 assertions passed: 0.875',
    },
    assertionPassRateByName: {
      about: 'Share of passes per assertion name.',
      query: assertionPassRateByName(w),
      expected: figures([...F.passedAssertions.map((n) => ({ labels: { assertion_name: n }, value: 1 })), { labels: { assertion_name: DEMO.failingAssertion }, value: 0 }]),
      note: '8 assertions: lint_passes 0, the other seven 1',
    },
    failingAssertions: {
      about: 'The failing assertions with contract, name, error; trace_id links to the trace.',
      query: failingAssertions({ ...s, assertionName: DEMO.failingAssertion }),
      expected: lines(1, { assertion_name: DEMO.failingAssertion, contract_id: DEMO.failingContract, trace_id: traceId }),
      note: 'exactly one line: lint_passes on CON-092, in the loop\'s trace',
    },
    systemErrorsByCode: {
      about: 'system.error events per error_code.',
      query: systemErrorsByCode(w),
      expected: empty,
      note: 'no series: the demo raises no system.error',
    },
    healthServersActive: {
      about: 'Active servers in the last system.health.',
      query: healthFigure({ ...w, figure: 'servers_active' }),
      expected: figures(atService(F.heartbeat.servers_active)),
      note: '3 active servers',
    },
    healthEventCount: {
      about: 'Events processed, from the last system.health.',
      query: healthFigure({ ...w, figure: 'event_count' }),
      expected: figures(atService(F.heartbeat.event_count)),
      note: '33 events processed before the heartbeat',
    },
    healthMemory: {
      about: 'Memory use in percent, from the last system.health.',
      query: healthFigure({ ...w, figure: 'memory_usage_percent' }),
      expected: { kind: 'vector-between', series: 1, above: 0, atMost: 100 },
      note: 'memory use in (0, 100] percent',
    },
    failingAssertionSpans: {
      about: 'TraceQL: the spans holding a failed assertion, by name.',
      query: failingAssertionSpans({ ...s, assertionName: DEMO.failingAssertion }),
      expected: traces(1, 1, [INTENT_SPANS.CONTRACT]),
      note: 'one trace, one span: the CON-092 contract span holding the lint_passes failure',
    },
    errorContractSpans: {
      about: 'TraceQL: contract spans that ended in error.',
      query: errorContractSpans(s),
      expected: traces(1, 1, [INTENT_SPANS.CONTRACT]),
      note: 'one span in error: CON-092',
    },
    contractSpan: {
      about: 'TraceQL: the span of one contract.',
      query: contractSpans({ ...s, contractId: DEMO.failingContract }),
      expected: traces(1, 1, [INTENT_SPANS.CONTRACT]),
      note: 'the CON-092 span',
    },
    traceSpansByKey: {
      about: 'TraceQL: every span of the loop a trace key names.',
      query: traceSpansByKey({ traceKey: sample.traceKey }),
      expected: traces(1, F.spans, [INTENT_SPANS.LOOP, INTENT_SPANS.INTENT, INTENT_SPANS.SPEC, INTENT_SPANS.CONTRACT, INTENT_SPANS.CONTRACT, INTENT_SPANS.CONTRACT]),
      note: 'one trace, 6 spans: intent.loop, intent.intent, intent.spec, 3 × intent.contract',
    },
  };
}

/**
 * Every library query with the demo's sample arguments and what one demo
 * run implies, for an end-to-end test to iterate over. Pass the service name
 * and trace key the run used, if not the demo's own.
 *
 * @example
 * for (const c of libraryQueries({ service: 'intent-e2e-x1', traceKey: 'TRACE-E2Ex1' })) console.log(c.name, c.expr, c.note);
 */
export function libraryQueries(sample: Partial<DemoSample> = {}): QueryCase[] {
  const run = { service: sample.service ?? DEMO.service, traceKey: sample.traceKey ?? DEMO.traceKey };
  return Object.entries(cases(run)).map(([name, c]) => ({
    name: `library/${name}`,
    kind: c.query.language,
    shape: c.query.language === 'traceql' ? 'traces' : c.query.shape,
    expr: c.query.expr,
    about: c.about,
    expected: c.expected,
    note: c.note,
  }));
}
