/**
 * TraceQL queries over the spans of the Intent loop (tracing.ts):
 * `intent.loop` → `intent.intent`, `intent.spec`, `intent.contract` (status
 * error when an assertion failed), with the events as span events.
 */
import type { Text } from '../queries/logql.js';
import { eventNameOf } from '../queries/names.js';
import { eq, serviceScope, spanset, traceql, type TraceqlQuery } from '../queries/traceql.js';
import { INTENT } from './events.js';
import { INTENT_SPAN_ATTR, INTENT_SPANS } from './span-names.js';

/** TraceQL paths of the Intent span attributes. */
export const INTENT_TRACEQL = {
  CONTRACT_ID: `span.${INTENT_SPAN_ATTR.CONTRACT_ID}`,
  AGENT: `span.${INTENT_SPAN_ATTR.AGENT}`,
} as const;

/**
 * The spans that hold a failed assertion as a span event, optionally one
 * assertion by name: the contract spans whose check failed.
 *
 * @example
 * failingAssertionSpans({ service: 'intent-demo', assertionName: 'lint_passes' }).expr;
 * // '{ resource.service.name = "intent-demo" && event:name = "contract.assertion.failed" && event.assertion_name = "lint_passes" }'
 */
export function failingAssertionSpans(args: { readonly service?: Text; readonly assertionName?: Text } = {}): TraceqlQuery {
  const conditions = [...serviceScope(args.service), eq('event:name', eventNameOf(INTENT.ASSERTION_FAILED))];
  if (args.assertionName !== undefined) conditions.push(eq('event.assertion_name', args.assertionName));
  return traceql(spanset(conditions));
}

/**
 * Contract spans that ended in error (an assertion failed).
 *
 * @example
 * errorContractSpans({ service: 'intent-demo' }).expr;
 * // '{ resource.service.name = "intent-demo" && name = "intent.contract" && status = error }'
 */
export function errorContractSpans(args: { readonly service?: Text } = {}): TraceqlQuery {
  return traceql(spanset([...serviceScope(args.service), eq('name', INTENT_SPANS.CONTRACT), 'status = error']));
}

/**
 * Contract spans, or the span of one contract.
 *
 * @example
 * contractSpans({ contractId: 'CON-092' }).expr; // '{ name = "intent.contract" && span.intent.contract_id = "CON-092" }'
 */
export function contractSpans(args: { readonly service?: Text; readonly contractId?: Text } = {}): TraceqlQuery {
  const conditions = [...serviceScope(args.service), eq('name', INTENT_SPANS.CONTRACT)];
  if (args.contractId !== undefined) conditions.push(eq(INTENT_TRACEQL.CONTRACT_ID, args.contractId));
  return traceql(spanset(conditions));
}
