/*
 * A simulated Intent service going once round the notice→spec→execute→observe
 * loop (docs/intent.md): signals from several sources, enrichment, a cluster, one
 * dismissal, a promotion, an intent proposed and accepted, a spec with three
 * contracts, assertions that pass and one that fails (`lint_passes`),
 * completions, and a heartbeat. Event times are simulated: about ten minutes
 * of loop at `pace` 1, compressed by default (pace 0.15) into the last ~95 s,
 * because Tempo clamps span times older than its 2-minute
 * ingestion_time_range_slack and then cannot find the trace by time range.
 */
import { setupIntent, type IntentFactline, type IntentOptions } from '../src/intent/index.js';

export interface LoopOptions extends IntentOptions {
  /** Simulated time of the first event, epoch ms. Default: 100 s ago. */
  start?: number;
  /** Simulated durations are multiplied by this. Default 0.15 (the loop spans ~95 s). */
  pace?: number;
  /** The loop's trace key. Default `TRACE-015` (the catalog's example); `npm run demo` and the end-to-end test use a new one per run. */
  traceKey?: string;
}

/** The ids the demo loop uses, for tests and docs. */
export const LOOP = {
  traceKey: 'TRACE-015',
  intent: 'INT-015',
  spec: 'SPEC-042',
  contracts: ['CON-091', 'CON-092', 'CON-093'],
  failingAssertion: 'lint_passes',
} as const;

export async function runIntentLoop(options: LoopOptions = {}): Promise<IntentFactline> {
  const { start = Date.now() - 100_000, pace = 0.15, traceKey = LOOP.traceKey, ...rest } = options;
  const intent = setupIntent({ serviceName: 'intent-demo', serviceVersion: '0.1.0', heartbeat: { serversActive: () => 3 }, ...rest });
  let t = start;
  const at = (seconds: number) => ({ time: new Date((t += Math.round(seconds * 1000 * pace))) });
  const iso = () => new Date(t).toISOString().replace('.000Z', 'Z');
  /** Advances the clock by `seconds` and returns the new time as ISO text. */
  const isoAfter = (seconds: number) => {
    at(seconds);
    return iso();
  };
  const agent = { type: 'child_agent' as const, model: 'claude-sonnet-4', name: 'claude-code' };

  // notice: signals arrive from every tier
  const signals = [
    { signal_id: 'SIG-039', source: 'slack', content: 'checkout feels slow since this morning', confidence: 0.55 },
    { signal_id: 'SIG-041', source: 'agent', content: 'p99 of POST /api/orders rose from 400ms to 2.3s after deploy 4812', confidence: 0.8 },
    { signal_id: 'SIG-042', source: 'cli', content: 'API latency p99 > 2s in production', confidence: 0.75 },
    { signal_id: 'SIG-043', source: 'email', content: 'API latency p99 > 2s in production', confidence: 0.6 },
    { signal_id: 'SIG-044', source: 'mcp', content: 'db pool saturation alerts on orders-db', confidence: 0.7 },
  ] as const;
  for (const s of signals) intent.emit('signal.signal.created:1', { ...s }, { ...at(7), source: s.source === 'agent' ? agent : { type: 'user' } });
  intent.emit(
    'signal.signal.dismissed:1',
    { signal_id: 'SIG-043', reason: 'duplicate of SIG-042', dismissed_by: 'auto', dismissed_at: isoAfter(3) },
    { time: new Date(t) },
  );
  for (const [id, score, refs] of [
    ['SIG-039', 0.61, []],
    ['SIG-041', 0.9, ['SIG-039']],
    ['SIG-042', 0.92, ['SIG-039', 'SIG-041']],
    ['SIG-044', 0.84, ['SIG-042']],
  ] as const) {
    intent.emit('signal.signal.enriched:1', { signal_id: id, trust_score: score, tags: ['performance', 'prod', 'p99'], references: [...refs] }, at(4));
    intent.emit(
      'signal.signal.clustered:1',
      { signal_id: id, cluster_id: 'CL-012', cluster_name: 'API Latency Spike', similarity_score: Math.min(1, score - 0.05) },
      at(2),
    );
  }

  // spec: the cluster becomes an intent, then a spec with three contracts
  intent.emit(
    'signal.signal.promoted:1',
    { signal_id: 'SIG-042', cluster_id: 'CL-012', intent_id: LOOP.intent, trace_id: traceKey, reason: '4 correlated signals above threshold' },
    at(20),
  );
  intent.emit(
    'intent.intent.proposed:1',
    { intent_id: LOOP.intent, trace_id: traceKey, signals: ['SIG-039', 'SIG-041', 'SIG-042', 'SIG-044'], title: 'Investigate API latency spike in prod' },
    at(30),
  );
  intent.emit(
    'intent.intent.accepted:1',
    { intent_id: LOOP.intent, accepted_by: '@brien', confidence: 0.92 },
    { ...at(200), source: { type: 'user', id: '@brien' } },
  );
  intent.emit(
    'spec.spec.created:1',
    {
      spec_id: LOOP.spec,
      intent_id: LOOP.intent,
      trace_id: traceKey,
      title: 'Profile API and identify bottleneck',
      contracts: [...LOOP.contracts],
      author: 'claude-code',
    },
    { ...at(120), source: agent },
  );
  intent.emit(
    'spec.spec.approved:1',
    { spec_id: LOOP.spec, completeness_score: 1, checks_passed: ['contracts_defined', 'fields_complete', 'assertions_valid'], approved_by: '@brien' },
    { ...at(90), source: { type: 'user', id: '@brien' } },
  );

  // execute and observe: each contract runs its assertions
  const contractRuns: [string, [string, string, boolean, string][]][] = [
    [
      'CON-091',
      [
        ['assert-1', 'api_profile_generated', true, 'profile.json (2.4KB)'],
        ['assert-2', 'hot_path_identified', true, 'orders.repository.findOpen: 71% of wall time'],
        ['assert-3', 'report_written', true, 'docs/perf/2026-latency.md'],
      ],
    ],
    [
      'CON-092',
      [
        ['assert-1', 'index_migration_applied', true, 'migration 0042_orders_status_idx applied'],
        ['assert-2', LOOP.failingAssertion, false, 'eslint: 3 errors in src/api/handler.ts'],
        ['assert-3', 'unit_tests_pass', true, '214 passed'],
      ],
    ],
    [
      'CON-093',
      [
        ['assert-1', 'p99_below_500ms', true, 'p99 412ms over 10k requests'],
        ['assert-2', 'no_error_rate_regression', true, 'error rate 0.02% (baseline 0.03%)'],
      ],
    ],
  ];
  for (const [contract, assertions] of contractRuns) {
    const startedAt = isoAfter(15);
    intent.emit(
      'contract.contract.started:1',
      { contract_id: contract, spec_id: LOOP.spec, trace_id: traceKey, agent: 'claude-code', started_at: startedAt },
      { time: new Date(t), source: agent },
    );
    const began = t;
    let passed = 0;
    let failed = 0;
    for (const [id, name, ok, detail] of assertions) {
      if (ok) {
        passed++;
        intent.emit(
          'contract.assertion.passed:1',
          { contract_id: contract, assertion_id: id, assertion_name: name, evidence: detail },
          { ...at(6.15), source: { type: 'tool', name: 'verify' } },
        );
      } else {
        failed++;
        intent.emit(
          'contract.assertion.failed:1',
          { contract_id: contract, assertion_id: id, assertion_name: name, error: detail },
          { ...at(6.15), source: { type: 'tool', name: 'verify' } },
        );
      }
    }
    at(0.3);
    intent.emit(
      'contract.contract.completed:1',
      { contract_id: contract, spec_id: LOOP.spec, duration: Math.round(t - began) / 1000, assertions_passed: passed, assertions_failed: failed },
      { time: new Date(t), source: agent },
    );
  }

  intent.heartbeat?.beat();
  return intent;
}
