import { z } from 'zod';
import { defineCatalog } from '../catalog/define.js';
import type { EventTypeInfo } from '../catalog/types.js';
import { ClusterId, ContractId, Count, IntentId, NonEmptyText, Seconds, SignalId, SpecId, Timestamp, TraceKey, Unit } from './ids.js';

/*
 * The built-in catalog of Intent's events, field for field (docs/intent.md).
 *
 * EventIDs: Intent's names do not all fit `domain.entity.action`
 * (`signal.created` has two parts). Each family is the domain and the object
 * the entity, so `%.failed:%` and per-domain counts work: `signal.signal.created:1`,
 * `contract.assertion.failed:1`. Intent's own `event_type` is kept as the
 * wire name, exactly. `docs/intent.md` has the table; `test/intent/names.test.ts`
 * pins it.
 *
 * The payload holds the fields of Intent's event table except `timestamp`, which is
 * the envelope's `time` (the flat writer puts it back in its place).
 * Choices where Intent's reference is vague are documented in docs/intent.md.
 */
export const intentCatalog = defineCatalog(
  {
    'signal.signal.created:1': {
      wireName: 'signal.created',
      description: 'A signal was captured from any tier (CLI, MCP, agent, Slack, email).',
      schema: z.strictObject({
        signal_id: SignalId,
        source: z.enum(['cli', 'mcp', 'email', 'slack', 'agent']),
        content: NonEmptyText,
        confidence: Unit,
      }),
    },
    'signal.signal.enriched:1': {
      wireName: 'signal.enriched',
      description: 'The dedup/context/trust pipeline finished enriching a signal.',
      schema: z.strictObject({
        signal_id: SignalId,
        trust_score: Unit,
        tags: z.array(NonEmptyText),
        references: z.array(SignalId),
      }),
    },
    'signal.signal.clustered:1': {
      wireName: 'signal.clustered',
      description: 'A signal was assigned to a cluster of related signals.',
      schema: z.strictObject({
        signal_id: SignalId,
        cluster_id: ClusterId,
        cluster_name: NonEmptyText,
        similarity_score: Unit,
      }),
    },
    'signal.signal.promoted:1': {
      wireName: 'signal.promoted',
      description: 'A signal cluster became an intent (human or automatic approval).',
      traceKeyField: 'trace_id',
      schema: z.strictObject({
        signal_id: SignalId,
        cluster_id: ClusterId,
        intent_id: IntentId,
        trace_id: TraceKey,
        reason: NonEmptyText,
      }),
    },
    'signal.signal.dismissed:1': {
      wireName: 'signal.dismissed',
      description: 'A signal was marked irrelevant (duplicate, noise, out of scope).',
      schema: z.strictObject({
        signal_id: SignalId,
        reason: NonEmptyText,
        dismissed_by: NonEmptyText,
        dismissed_at: Timestamp,
      }),
    },
    'intent.intent.proposed:1': {
      wireName: 'intent.proposed',
      description: 'A promoted cluster became an intent, ready for spec authoring.',
      traceKeyField: 'trace_id',
      schema: z.strictObject({
        intent_id: IntentId,
        trace_id: TraceKey,
        signals: z.array(SignalId).min(1),
        title: NonEmptyText,
      }),
    },
    'intent.intent.accepted:1': {
      wireName: 'intent.accepted',
      description: 'A human or automatic approval accepted the intent; it moves to the spec phase.',
      schema: z.strictObject({
        intent_id: IntentId,
        accepted_by: NonEmptyText,
        confidence: Unit,
      }),
    },
    'spec.spec.created:1': {
      wireName: 'spec.created',
      description: 'A spec was authored (a human wrote it or an agent proposed it).',
      traceKeyField: 'trace_id',
      schema: z.strictObject({
        spec_id: SpecId,
        intent_id: IntentId,
        trace_id: TraceKey,
        title: NonEmptyText,
        contracts: z.array(ContractId),
        author: NonEmptyText,
      }),
    },
    'spec.spec.approved:1': {
      wireName: 'spec.approved',
      description: 'The spec passed its readiness check (contracts defined, fields complete).',
      schema: z.strictObject({
        spec_id: SpecId,
        completeness_score: Unit,
        checks_passed: z.array(NonEmptyText),
        approved_by: NonEmptyText,
      }),
    },
    'contract.contract.started:1': {
      wireName: 'contract.started',
      description: 'An agent began executing a contract.',
      traceKeyField: 'trace_id',
      schema: z.strictObject({
        contract_id: ContractId,
        spec_id: SpecId,
        trace_id: TraceKey,
        agent: NonEmptyText,
        started_at: Timestamp,
      }),
    },
    'contract.assertion.passed:1': {
      wireName: 'contract.assertion.passed',
      description: 'A verification command returned 0: the assertion holds.',
      schema: z.strictObject({
        contract_id: ContractId,
        assertion_id: NonEmptyText,
        assertion_name: NonEmptyText,
        evidence: z.string(),
      }),
    },
    'contract.assertion.failed:1': {
      wireName: 'contract.assertion.failed',
      description: 'A verification failed (non-zero exit or exception).',
      schema: z.strictObject({
        contract_id: ContractId,
        assertion_id: NonEmptyText,
        assertion_name: NonEmptyText,
        error: NonEmptyText,
      }),
    },
    'contract.contract.completed:1': {
      wireName: 'contract.completed',
      description: 'Every assertion of the contract was evaluated; execution is complete.',
      schema: z.strictObject({
        contract_id: ContractId,
        spec_id: SpecId,
        duration: Seconds,
        assertions_passed: Count,
        assertions_failed: Count,
      }),
    },
    'system.health.reported:1': {
      wireName: 'system.health',
      description: 'Periodic heartbeat (every 60 s by default).',
      schema: z.strictObject({
        servers_active: Count,
        event_count: Count,
        uptime_seconds: Seconds,
        memory_usage_percent: z.number().min(0).max(100),
      }),
    },
    'system.error.raised:1': {
      wireName: 'system.error',
      description: 'An error condition was detected (agent crash, network failure, validation error).',
      severity: 'ERROR',
      schema: z.strictObject({
        error_type: NonEmptyText,
        error_code: NonEmptyText,
        message: NonEmptyText,
        stack: z.string().optional(),
        context: z.record(z.string(), z.unknown()).optional(),
      }),
    },
  },
  { name: 'intent' },
);

export type IntentEntries = typeof intentCatalog.entries;
export type IntentEventId = Extract<keyof IntentEntries, string>;

/**
 * Field order of Intent's flat `events.jsonl`, as in Intent's own examples:
 * `event_type` first, then the fields, `timestamp` last, except
 * `system.health`, whose example puts `timestamp` right after `event_type`.
 */
export const INTENT_FIELD_ORDER: Readonly<Record<string, readonly string[]>> = Object.freeze(
  Object.fromEntries(
    intentCatalog.list().map((t) => {
      const keys = Object.keys((t.schema as z.ZodObject).shape);
      return [t.wireName, t.wireName === 'system.health' ? ['event_type', 'timestamp', ...keys] : ['event_type', ...keys, 'timestamp']];
    }),
  ),
);

/** EventID for each of Intent's `event_type` strings. */
export const INTENT_EVENT_ID_BY_WIRE_NAME: ReadonlyMap<string, IntentEventId> = new Map(intentCatalog.list().map((t) => [t.wireName, t.id as IntentEventId]));

/**
 * Whether an event type is the built-in Intent catalog's own (also inside
 * `combineCatalogs`, which keeps the type objects): by identity, never by
 * the catalog's name, which a user's catalog may share.
 */
export function isIntentType(type: EventTypeInfo): boolean {
  return intentCatalog.get(type.id) === type;
}
