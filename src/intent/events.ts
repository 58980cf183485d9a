import type { IntentEventId } from './catalog.js';

/**
 * The Intent catalog's EventIDs by a constant name, for code that refers to
 * one event type (the queries, the dashboards). `satisfies` makes the
 * compiler check every id against the catalog.
 */
export const INTENT = {
  SIGNAL_CREATED: 'signal.signal.created:1',
  SIGNAL_ENRICHED: 'signal.signal.enriched:1',
  SIGNAL_CLUSTERED: 'signal.signal.clustered:1',
  SIGNAL_PROMOTED: 'signal.signal.promoted:1',
  SIGNAL_DISMISSED: 'signal.signal.dismissed:1',
  INTENT_PROPOSED: 'intent.intent.proposed:1',
  INTENT_ACCEPTED: 'intent.intent.accepted:1',
  SPEC_CREATED: 'spec.spec.created:1',
  SPEC_APPROVED: 'spec.spec.approved:1',
  CONTRACT_STARTED: 'contract.contract.started:1',
  ASSERTION_PASSED: 'contract.assertion.passed:1',
  ASSERTION_FAILED: 'contract.assertion.failed:1',
  CONTRACT_COMPLETED: 'contract.contract.completed:1',
  SYSTEM_HEALTH: 'system.health.reported:1',
  SYSTEM_ERROR: 'system.error.raised:1',
} as const satisfies Record<string, IntentEventId>;
