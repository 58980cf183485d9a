/**
 * What one run of the demo loop (examples/intent-loop.ts) emits, as data:
 * the figures the queries' expected answers are derived from.
 * test/grafana/demo-figures.test.ts runs the loop in memory and checks every
 * figure here against what it actually emitted, so a change to the loop
 * fails there first.
 */
import { idsForTraceKey } from '../otel/trace-key.js';
import { INTENT } from './names.js';

/** The demo loop's fixed values (examples/intent-loop.ts `LOOP`). */
export const DEMO = {
  service: 'intent-demo',
  /** The agent model of the demo's `child_agent` source. */
  agent: 'claude-sonnet-4',
  traceKey: 'TRACE-015',
  traceId: idsForTraceKey('TRACE-015').traceId,
  failingContract: 'CON-092',
  failingAssertion: 'lint_passes',
  /** Covers the demo, whose events span the ~100 s before it ends. */
  window: '1h',
} as const;

/** Events of one demo run, per type: 34 in all (`emitted: 34`). */
export const DEMO_COUNTS = {
  [INTENT.SIGNAL_CREATED]: 5,
  [INTENT.SIGNAL_ENRICHED]: 4,
  [INTENT.SIGNAL_CLUSTERED]: 4,
  [INTENT.SIGNAL_DISMISSED]: 1,
  [INTENT.SIGNAL_PROMOTED]: 1,
  [INTENT.INTENT_PROPOSED]: 1,
  [INTENT.INTENT_ACCEPTED]: 1,
  [INTENT.SPEC_CREATED]: 1,
  [INTENT.SPEC_APPROVED]: 1,
  [INTENT.CONTRACT_STARTED]: 3,
  [INTENT.ASSERTION_PASSED]: 7,
  [INTENT.ASSERTION_FAILED]: 1,
  [INTENT.CONTRACT_COMPLETED]: 3,
  [INTENT.SYSTEM_HEALTH]: 1,
} as const;

/** Payload figures and groupings of one demo run. */
export const DEMO_FIGURES = {
  total: 34,
  /** Per `factline_event_domain`. */
  byDomain: { signal: 15, intent: 2, spec: 2, contract: 14, system: 1 },
  /** Per `factline_event_action`: 13 actions. */
  byAction: { created: 6, enriched: 4, clustered: 4, dismissed: 1, promoted: 1, proposed: 1, accepted: 1, approved: 1, started: 3, passed: 7, failed: 1, completed: 3, reported: 1 },
  /** Events whose source is the agent (`factline_source_model`), per domain. */
  agentByDomain: { signal: 1, spec: 1, contract: 6 },
  /** Failed events (action `failed`) per domain; all from the `verify` tool. */
  failedByDomain: { contract: 1 },
  /** Payload `source` of signal.created. */
  signalsBySource: { slack: 1, agent: 1, cli: 1, email: 1, mcp: 1 },
  /** signal.enriched `trust_score` per signal. */
  trustScores: { 'SIG-039': 0.61, 'SIG-041': 0.9, 'SIG-042': 0.92, 'SIG-044': 0.84 },
  /** Distinct signals per cluster. */
  clusters: [{ cluster_id: 'CL-012', cluster_name: 'API Latency Spike', size: 4 }],
  acceptanceConfidence: 0.92,
  completeness: 1,
  /** contract.completed `duration` (seconds) per contract. */
  contractDurations: { 'CON-091': 2.814, 'CON-092': 2.814, 'CON-093': 1.891 },
  /** contract.started payload `agent`. */
  contractsByAgent: { 'claude-code': 3 },
  /** Assertions: 7 passed, `lint_passes` failed. */
  passedAssertions: ['api_profile_generated', 'hot_path_identified', 'report_written', 'index_migration_applied', 'unit_tests_pass', 'p99_below_500ms', 'no_error_rate_regression'],
  /** From the promotion on, every event but the heartbeat is in the loop's trace. */
  eventsInTrace: 19,
  /** Spans of the loop: intent.loop, intent.intent, intent.spec, 3 × intent.contract. */
  spans: 6,
  heartbeat: { servers_active: 3, event_count: 33 },
} as const;

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
