import { describe, expect, it } from 'vitest';
import { INTENT_EVENT_ID_BY_WIRE_NAME, INTENT_FIELD_ORDER, intentCatalog } from '../../src/intent/catalog.js';
import { INTENT_EVENT_TYPES } from '../../src/intent/flat.js';
import { INTENT_WIRE_NAMES } from '../../src/intent/wire-names.js';
import { ATTR } from '../../src/wire.js';

/*
 * Wire strings are pinned by hand: a change to any
 * EventID, Intent event_type, severity or field order must show up here as
 * a deliberate edit, not as a regenerated snapshot file.
 */

/** Intent `event_type` → [factline EventID, severity], in the order of Intent's reference (docs/intent.md). */
const NAMES: Record<string, [string, string]> = {
  'signal.created': ['signal.signal.created:1', 'INFO'],
  'signal.enriched': ['signal.signal.enriched:1', 'INFO'],
  'signal.clustered': ['signal.signal.clustered:1', 'INFO'],
  'signal.promoted': ['signal.signal.promoted:1', 'INFO'],
  'signal.dismissed': ['signal.signal.dismissed:1', 'INFO'],
  'intent.proposed': ['intent.intent.proposed:1', 'INFO'],
  'intent.accepted': ['intent.intent.accepted:1', 'INFO'],
  'spec.created': ['spec.spec.created:1', 'INFO'],
  'spec.approved': ['spec.spec.approved:1', 'INFO'],
  'contract.started': ['contract.contract.started:1', 'INFO'],
  'contract.assertion.passed': ['contract.assertion.passed:1', 'INFO'],
  'contract.assertion.failed': ['contract.assertion.failed:1', 'ERROR'],
  'contract.completed': ['contract.contract.completed:1', 'INFO'],
  'system.health': ['system.health.reported:1', 'INFO'],
  'system.error': ['system.error.raised:1', 'ERROR'],
};

/** Field order of each flat line, as in Intent's own JSON examples. */
const FIELD_ORDER: Record<string, string[]> = {
  'signal.created': ['event_type', 'signal_id', 'source', 'content', 'confidence', 'timestamp'],
  'signal.enriched': ['event_type', 'signal_id', 'trust_score', 'tags', 'references', 'timestamp'],
  'signal.clustered': ['event_type', 'signal_id', 'cluster_id', 'cluster_name', 'similarity_score', 'timestamp'],
  'signal.promoted': ['event_type', 'signal_id', 'cluster_id', 'intent_id', 'trace_id', 'reason', 'timestamp'],
  'signal.dismissed': ['event_type', 'signal_id', 'reason', 'dismissed_by', 'dismissed_at', 'timestamp'],
  'intent.proposed': ['event_type', 'intent_id', 'trace_id', 'signals', 'title', 'timestamp'],
  'intent.accepted': ['event_type', 'intent_id', 'accepted_by', 'confidence', 'timestamp'],
  'spec.created': ['event_type', 'spec_id', 'intent_id', 'trace_id', 'title', 'contracts', 'author', 'timestamp'],
  'spec.approved': ['event_type', 'spec_id', 'completeness_score', 'checks_passed', 'approved_by', 'timestamp'],
  'contract.started': ['event_type', 'contract_id', 'spec_id', 'trace_id', 'agent', 'started_at', 'timestamp'],
  'contract.assertion.passed': ['event_type', 'contract_id', 'assertion_id', 'assertion_name', 'evidence', 'timestamp'],
  'contract.assertion.failed': ['event_type', 'contract_id', 'assertion_id', 'assertion_name', 'error', 'timestamp'],
  'contract.completed': ['event_type', 'contract_id', 'spec_id', 'duration', 'assertions_passed', 'assertions_failed', 'timestamp'],
  'system.health': ['event_type', 'timestamp', 'servers_active', 'event_count', 'uptime_seconds', 'memory_usage_percent'],
  'system.error': ['event_type', 'error_type', 'error_code', 'message', 'stack', 'context', 'timestamp'],
};

describe('the Intent catalog names', () => {
  it('has exactly the 15 event types of Intent', () => {
    expect(intentCatalog.list()).toHaveLength(15);
    expect(intentCatalog.name).toBe('intent');
  });

  it('maps every Intent event_type to its EventID and severity, and back', () => {
    const actual = Object.fromEntries(intentCatalog.list().map((t) => [t.wireName, [t.id, t.severity]]));
    expect(actual).toEqual(NAMES);
    expect(Object.fromEntries(INTENT_EVENT_ID_BY_WIRE_NAME)).toEqual(Object.fromEntries(Object.entries(NAMES).map(([w, [id]]) => [w, id])));
    // The query engine's Intent line format reads the catalog-free copy: the same table.
    expect(INTENT_WIRE_NAMES).toEqual(Object.fromEntries(INTENT_EVENT_ID_BY_WIRE_NAME));
  });

  it('lists the known event types in the seed order, for error messages', () => {
    expect(INTENT_EVENT_TYPES).toEqual(Object.keys(NAMES));
  });

  it('carries the Intent event_type as the wire-name attribute wherever it differs from the EventID name', () => {
    for (const t of intentCatalog.list()) {
      expect(t.attributes[ATTR.EVENT_WIRE_NAME] ?? t.name).toBe(t.wireName);
    }
    // Only the three-part names need no separate wire name.
    expect(
      intentCatalog
        .list()
        .filter((t) => t.wireName === t.name)
        .map((t) => t.id),
    ).toEqual(['contract.assertion.failed:1', 'contract.assertion.passed:1']);
  });

  it('pins the flat field order, timestamp last except system.health where it comes second', () => {
    expect(INTENT_FIELD_ORDER).toEqual(FIELD_ORDER);
    for (const [wire, order] of Object.entries(INTENT_FIELD_ORDER)) {
      expect(order[0]).toBe('event_type');
      expect(order.indexOf('timestamp')).toBe(wire === 'system.health' ? 1 : order.length - 1);
    }
  });

  it('passes its own naming lint with no warnings', () => {
    expect(intentCatalog.lint()).toEqual([]);
  });
});
