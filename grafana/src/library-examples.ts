/**
 * Every query of the library, called with sample arguments taken from the
 * demo loop (examples/intent-loop.ts): what grafana/queries/library.md
 * shows, and the list the end-to-end suite runs against a real Loki and
 * Tempo (its expected answers are test data, in test/support/demo-cases.ts).
 */
import {
  assertionPassRate,
  assertionPassRateByName,
  clusterSizes,
  contractDurationQuantile,
  contractsByAgent,
  countByEvent,
  failingAssertions,
  healthFigure,
  INTENT,
  payloadFigure,
  promotionsAndDismissals,
  signalsBySource,
  systemErrorsByCode,
  trustScoreBySignal,
  contractSpans,
  errorContractSpans,
  failingAssertionSpans,
} from '../../src/intent/index.js';
import { idsForTraceKey } from '../../src/otel/trace-key.js';
import {
  agentFailures,
  countBy,
  countByPattern,
  eventsByPattern,
  eventsOfTrace,
  eventsOfTraceKey,
  failures,
  failureShare,
  invalidCount,
  invalidEvents,
  traceSpansByKey,
  versionsInUse,
  type LogqlQuery,
  type TraceqlQuery,
} from '../../src/queries/index.js';
import { queryShape, type NamedQuery } from './named-query.js';

/**
 * The demo loop's values the examples use: its service, trace key, agent
 * model, failing contract and assertion, and a window that covers one run.
 * test/grafana checks them against what the loop emits.
 */
export const DEMO_SAMPLE = {
  service: 'intent-demo',
  traceKey: 'TRACE-015',
  agent: 'claude-sonnet-4',
  contractId: 'CON-092',
  assertionName: 'lint_passes',
  window: '1h',
} as const;

/** The service and trace key of one run: the demo's own, or an end-to-end run's. */
export interface RunSample {
  readonly service: string;
  readonly traceKey: string;
}

interface Example {
  readonly about: string;
  readonly query: LogqlQuery | TraceqlQuery;
}

function examples(sample: RunSample): Record<string, Example> {
  const scope = { service: sample.service };
  const windowed = { ...scope, window: DEMO_SAMPLE.window };
  const traceId = idsForTraceKey(sample.traceKey).traceId;
  return {
    failures: {
      about: 'Every failure: the events matching %.failed:%.',
      query: failures(scope),
    },
    eventsByPattern: {
      about: 'The events matching a % pattern, here contract.%.',
      query: eventsByPattern({ ...scope, pattern: 'contract.%' }),
    },
    eventsByPatternCreated: {
      about: 'The events matching %.created:%, a pattern on the action.',
      query: eventsByPattern({ ...scope, pattern: '%.created:%' }),
    },
    countByPattern: {
      about: 'How many events match a % pattern, per EventID.',
      query: countByPattern({ ...windowed, pattern: '%.failed:%' }),
    },
    countByDomain: {
      about: 'factline events per domain.',
      query: countBy({ ...windowed, by: 'domain' }),
    },
    countByEntity: {
      about: 'factline events per domain and entity.',
      query: countBy({ ...windowed, by: 'entity' }),
    },
    countByAction: {
      about: 'factline events per action.',
      query: countBy({ ...windowed, by: 'action' }),
    },
    versionsInUse: {
      about: 'Events per event name and version: the versions in use.',
      query: versionsInUse(windowed),
    },
    invalidEvents: {
      about: 'Events delivered flagged invalid (factline.valid=false).',
      query: invalidEvents(scope),
    },
    invalidCount: {
      about: 'How many events were delivered flagged invalid, per EventID.',
      query: invalidCount(windowed),
    },
    eventsOfTrace: {
      about: 'The events of one trace, by the trace_id metadata.',
      query: eventsOfTrace({ ...scope, traceId }),
    },
    eventsOfTraceKey: {
      about: 'The events of one domain trace key (TRACE-015).',
      query: eventsOfTraceKey({ ...scope, traceKey: sample.traceKey }),
    },
    failureShareByAgent: {
      about: 'Share of failed attempts per agent (source model): "I fail 23% on auth".',
      query: failureShare({ ...windowed, by: 'agent', attempts: INTENT.CONTRACT_STARTED }),
    },
    failureShareByDomain: {
      about: 'Share of failed events per domain, every source.',
      query: failureShare({ ...windowed, by: 'domain' }),
    },
    agentFailures: {
      about: 'The failed events of agents.',
      query: agentFailures(scope),
    },
    signalsBySource: {
      about: 'Signals created per source.',
      query: signalsBySource(windowed),
    },
    trustScoreBySignal: {
      about: "Each signal's trust score from enrichment.",
      query: trustScoreBySignal(windowed),
    },
    averageTrustScore: {
      about: 'Average trust score of the enriched signals.',
      query: payloadFigure({ ...windowed, event: INTENT.SIGNAL_ENRICHED, field: 'trust_score', fn: 'avg_over_time' }),
    },
    clusterSizes: {
      about: 'Clusters and the number of distinct signals in each.',
      query: clusterSizes(windowed),
    },
    promotedVsDismissed: {
      about: 'Signals promoted vs dismissed.',
      query: countByEvent({ ...windowed, events: [INTENT.SIGNAL_PROMOTED, INTENT.SIGNAL_DISMISSED] }),
    },
    promotionsAndDismissals: {
      about: 'Promotions and dismissals with their reasons, one line each.',
      query: promotionsAndDismissals(scope),
    },
    intentsProposedAccepted: {
      about: 'Intents proposed vs accepted.',
      query: countByEvent({ ...windowed, events: [INTENT.INTENT_PROPOSED, INTENT.INTENT_ACCEPTED] }),
    },
    acceptanceConfidence: {
      about: 'Average acceptance confidence.',
      query: payloadFigure({ ...windowed, event: INTENT.INTENT_ACCEPTED, field: 'confidence', fn: 'avg_over_time' }),
    },
    specsCreatedApproved: {
      about: 'Specs created vs approved.',
      query: countByEvent({ ...windowed, events: [INTENT.SPEC_CREATED, INTENT.SPEC_APPROVED] }),
    },
    specCompleteness: {
      about: 'Average completeness score of approved specs.',
      query: payloadFigure({ ...windowed, event: INTENT.SPEC_APPROVED, field: 'completeness_score', fn: 'avg_over_time' }),
    },
    contractsStartedCompleted: {
      about: 'Contracts started vs completed by one agent.',
      query: countByEvent({ ...windowed, events: [INTENT.CONTRACT_STARTED, INTENT.CONTRACT_COMPLETED], agent: DEMO_SAMPLE.agent }),
    },
    contractDurationP50: {
      about: 'Median contract duration (seconds).',
      query: contractDurationQuantile({ ...windowed, quantile: 0.5 }),
    },
    contractDurationP95: {
      about: '95th percentile of contract duration (seconds).',
      query: contractDurationQuantile({ ...windowed, quantile: 0.95 }),
    },
    contractsByAgent: {
      about: 'Contracts started per executing agent (payload agent).',
      query: contractsByAgent(windowed),
    },
    assertionPassRate: {
      about: 'Share of assertions that passed.',
      query: assertionPassRate(windowed),
    },
    assertionPassRateByName: {
      about: 'Share of passes per assertion name.',
      query: assertionPassRateByName(windowed),
    },
    failingAssertions: {
      about: 'The failing assertions with contract, name, error; trace_id links to the trace.',
      query: failingAssertions({ ...scope, assertionName: DEMO_SAMPLE.assertionName }),
    },
    systemErrorsByCode: {
      about: 'system.error events per error_code.',
      query: systemErrorsByCode(windowed),
    },
    healthServersActive: {
      about: 'Active servers in the last system.health.',
      query: healthFigure({ ...windowed, figure: 'servers_active' }),
    },
    healthEventCount: {
      about: 'Events processed, from the last system.health.',
      query: healthFigure({ ...windowed, figure: 'event_count' }),
    },
    healthMemory: {
      about: 'Memory use in percent, from the last system.health.',
      query: healthFigure({ ...windowed, figure: 'memory_usage_percent' }),
    },
    failingAssertionSpans: {
      about: 'TraceQL: the spans holding a failed assertion, by name.',
      query: failingAssertionSpans({ ...scope, assertionName: DEMO_SAMPLE.assertionName }),
    },
    errorContractSpans: {
      about: 'TraceQL: contract spans that ended in error.',
      query: errorContractSpans(scope),
    },
    contractSpan: {
      about: 'TraceQL: the span of one contract.',
      query: contractSpans({ ...scope, contractId: DEMO_SAMPLE.contractId }),
    },
    traceSpansByKey: {
      about: 'TraceQL: every span of the loop a trace key names.',
      query: traceSpansByKey({ traceKey: sample.traceKey }),
    },
  };
}

/**
 * Every library query with the demo's sample arguments, named
 * `library/<example>`. Pass the service name and trace key of a run if not
 * the demo's own.
 *
 * @example
 * for (const q of libraryExamples({ service: 'intent-e2e-x1', traceKey: 'TRACE-E2Ex1' })) console.log(q.name, q.expr);
 */
export function libraryExamples(sample: Partial<RunSample> = {}): NamedQuery[] {
  const run = { service: sample.service ?? DEMO_SAMPLE.service, traceKey: sample.traceKey ?? DEMO_SAMPLE.traceKey };
  return Object.entries(examples(run)).map(([name, e]) => ({
    name: `library/${name}`,
    kind: e.query.language,
    shape: queryShape(e.query),
    expr: e.query.expr,
    about: e.about,
  }));
}
