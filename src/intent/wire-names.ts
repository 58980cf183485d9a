/*
 * Intent's `event_type` strings and the factline EventIDs of the built-in
 * Intent catalog (docs/intent.md), as plain data: what reading an Intent
 * flat line needs, without the catalog's schemas (and zod). The catalog
 * (catalog.ts) is the source; test/intent/names.test.ts checks that this
 * table is the catalog's `INTENT_EVENT_ID_BY_WIRE_NAME` entry for entry.
 */

/** Intent `event_type` → factline EventID. */
export const INTENT_WIRE_NAMES: Readonly<Record<string, string>> = {
  'signal.created': 'signal.signal.created:1',
  'signal.enriched': 'signal.signal.enriched:1',
  'signal.clustered': 'signal.signal.clustered:1',
  'signal.promoted': 'signal.signal.promoted:1',
  'signal.dismissed': 'signal.signal.dismissed:1',
  'intent.proposed': 'intent.intent.proposed:1',
  'intent.accepted': 'intent.intent.accepted:1',
  'spec.created': 'spec.spec.created:1',
  'spec.approved': 'spec.spec.approved:1',
  'contract.started': 'contract.contract.started:1',
  'contract.assertion.passed': 'contract.assertion.passed:1',
  'contract.assertion.failed': 'contract.assertion.failed:1',
  'contract.completed': 'contract.contract.completed:1',
  'system.health': 'system.health.reported:1',
  'system.error': 'system.error.raised:1',
};
