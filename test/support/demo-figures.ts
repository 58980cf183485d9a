/**
 * What one run of the demo loop emits, as figures: counted from the records
 * of an in-memory run (demo-run.ts) the way Loki counts them, so that the
 * expected answers of the queries follow the loop without a second copy of
 * it. test/support/demo-figures.test.ts pins the figures of today's loop.
 */
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { LOOP } from '../../examples/intent-loop.js';
import { INTENT } from '../../src/intent/events.js';
import { idsForTraceKey } from '../../src/otel/trace-key.js';
import { eventNameOf } from '../../src/queries/names.js';
import { ATTR } from '../../src/wire.js';
import { demoRun, type DemoRun } from './demo-run.js';

/** Occurrences of each key, skipping records without one. */
export function tally<T>(items: readonly T[], key: (item: T) => unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    if (k !== undefined && k !== null) out[String(k)] = (out[String(k)] ?? 0) + 1;
  }
  return out;
}

export const attrOf = (r: ReadableLogRecord, name: string): string | undefined => r.attributes[name] as string | undefined;
export const payloadOf = (r: ReadableLogRecord): Record<string, unknown> => r.body as Record<string, unknown>;

/** The failure rule of docs/mapping.md: action `failed` or ending in `_failed`. */
export const isFailure = (r: ReadableLogRecord): boolean => /^(failed|.+_failed)$/.test(attrOf(r, ATTR.EVENT_ACTION) ?? '');

function only<T>(values: readonly T[], what: string): T {
  if (values.length !== 1) throw new Error(`the demo loop should have one ${what}, has ${values.length}`);
  return values[0]!;
}

/** The figures of one run. */
export function figuresOf(run: DemoRun) {
  const records = run.records;
  const of = (id: string) => records.filter((r) => r.eventName === eventNameOf(id));
  const agentRecords = records.filter((r) => attrOf(r, ATTR.SOURCE_MODEL) !== undefined);
  const failed = of(INTENT.ASSERTION_FAILED).map(payloadOf);
  const traceId = idsForTraceKey(LOOP.traceKey).traceId;
  const clustered = of(INTENT.SIGNAL_CLUSTERED).map(payloadOf);
  const clusterIds = [...new Set(clustered.map((p) => String(p.cluster_id)))];

  const demo = {
    service: only([...new Set(records.map((r) => String(r.resource.attributes['service.name'])))], 'service'),
    /** The agent model of the demo's `child_agent` source. */
    agent: only([...new Set(agentRecords.map((r) => attrOf(r, ATTR.SOURCE_MODEL)!))], 'agent model'),
    traceKey: LOOP.traceKey,
    traceId,
    failingContract: String(only(failed, 'failed assertion').contract_id),
    failingAssertion: String(only(failed, 'failed assertion').assertion_name),
    /** Covers the demo, whose events span the ~100 s before it ends. */
    window: '1h',
  } as const;

  const figures = {
    total: records.length,
    /** Per `factline_event_domain`. */
    byDomain: tally(records, (r) => attrOf(r, ATTR.EVENT_DOMAIN)),
    /** Per `factline_event_action`. */
    byAction: tally(records, (r) => attrOf(r, ATTR.EVENT_ACTION)),
    /** Events whose source is the agent (`factline_source_model`), per domain. */
    agentByDomain: tally(agentRecords, (r) => attrOf(r, ATTR.EVENT_DOMAIN)),
    /** contract.started events whose source is the agent: its attempts on the Agent feedback dashboard. */
    agentAttempts: of(INTENT.CONTRACT_STARTED).filter((r) => attrOf(r, ATTR.SOURCE_MODEL) !== undefined).length,
    /** Failed events per domain. */
    failedByDomain: tally(records.filter(isFailure), (r) => attrOf(r, ATTR.EVENT_DOMAIN)),
    /** Payload `source` of signal.created. */
    signalsBySource: tally(of(INTENT.SIGNAL_CREATED), (r) => payloadOf(r).source),
    /** signal.enriched `trust_score` per signal. */
    trustScores: Object.fromEntries(of(INTENT.SIGNAL_ENRICHED).map((r) => [String(payloadOf(r).signal_id), Number(payloadOf(r).trust_score)])),
    /** Distinct signals per cluster. */
    clusters: clusterIds.map((id) => {
      const members = clustered.filter((p) => p.cluster_id === id);
      return { cluster_id: id, cluster_name: String(members[0]!.cluster_name), size: new Set(members.map((p) => p.signal_id)).size };
    }),
    acceptanceConfidence: Number(payloadOf(only(of(INTENT.INTENT_ACCEPTED), 'acceptance')).confidence),
    completeness: Number(payloadOf(only(of(INTENT.SPEC_APPROVED), 'spec approval')).completeness_score),
    /** contract.completed `duration` (seconds) per contract. */
    contractDurations: Object.fromEntries(of(INTENT.CONTRACT_COMPLETED).map((r) => [String(payloadOf(r).contract_id), Number(payloadOf(r).duration)])),
    /** contract.started payload `agent`. */
    contractsByAgent: tally(of(INTENT.CONTRACT_STARTED), (r) => payloadOf(r).agent),
    passedAssertions: of(INTENT.ASSERTION_PASSED).map((r) => String(payloadOf(r).assertion_name)),
    /** Events in the loop's trace (every event from the promotion on, but the heartbeat). */
    eventsInTrace: records.filter((r) => r.spanContext?.traceId === traceId).length,
    /** Spans of the loop. */
    spans: run.spans.filter((s) => s.attributes[ATTR.TRACE_KEY] === LOOP.traceKey).length,
    spanNames: run.spans
      .filter((s) => s.attributes[ATTR.TRACE_KEY] === LOOP.traceKey)
      .map((s) => s.name)
      .sort(),
    heartbeat: payloadOf(only(of(INTENT.SYSTEM_HEALTH), 'heartbeat')) as { servers_active: number; event_count: number },
  };
  return { demo, counts: tally(records, (r) => attrOf(r, ATTR.EVENT_ID)), figures };
}

export type DemoFigures = ReturnType<typeof figuresOf>;

const derived = figuresOf(await demoRun());

/** The demo's fixed values: service, agent, trace key and id, the failing assertion, the sample window. */
export const DEMO = derived.demo;
/** Events of one demo run, per EventID. */
export const DEMO_COUNTS = derived.counts;
/** Payload figures and groupings of one demo run. */
export const DEMO_FIGURES = derived.figures;

/**
 * The q-quantile of values as Prometheus and Loki's `quantile_over_time`
 * compute it: rank q·(n−1) in the sorted values, linear between neighbours.
 *
 * @example
 * prometheusQuantile(0.95, [1.891, 2.814, 2.814]); // 2.814
 */
export function prometheusQuantile(q: number, values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}
