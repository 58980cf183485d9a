/**
 * TraceQL queries over the spans of the Intent loop (src/intent/tracing.ts):
 * `intent.loop` → `intent.intent`, `intent.spec`, `intent.contract` (status
 * error when an assertion failed), with the events as span events named by
 * their EventID without version and carrying the payload's fields.
 */
import { traceqlString } from './escape.js';
import { INTENT, INTENT_SPANS, TRACEQL, eventNameOf, type TraceqlAttribute } from './names.js';
import { isGrafanaVariable, variableRef, type GrafanaVariable } from './variable.js';

export type Text = string | GrafanaVariable;

export interface TraceqlQuery {
  readonly language: 'traceql';
  readonly expr: string;
}

const query = (expr: string): TraceqlQuery => ({ language: 'traceql', expr });

function literal(value: Text): string {
  if (!isGrafanaVariable(value)) return traceqlString(value);
  return value.quote === 'backtick' ? `\`${variableRef(value)}\`` : `"${variableRef(value)}"`;
}

type Field = TraceqlAttribute | 'name' | 'status' | 'event:name';

/** `field = "value"`; a variable matches as a regex (`=~`), so "All" can be `.+`. */
function eq(field: Field, value: Text): string {
  return `${field} ${isGrafanaVariable(value) ? '=~' : '='} ${literal(value)}`;
}

/** `{ a && b }`. */
function spanset(conditions: readonly string[]): string {
  return `{ ${conditions.join(' && ')} }`;
}

const scope = (service: Text | undefined) => (service === undefined ? [] : [eq(TRACEQL.SERVICE_NAME, service)]);

/**
 * The spans that hold a failed assertion as a span event, optionally one
 * assertion by name: the contract spans whose check failed.
 *
 * @example
 * failingAssertionSpans({ service: 'intent-demo', assertionName: 'lint_passes' }).expr;
 * // '{ resource.service.name = "intent-demo" && event:name = "contract.assertion.failed" && event.assertion_name = "lint_passes" }'
 */
export function failingAssertionSpans(args: { readonly service?: Text; readonly assertionName?: Text } = {}): TraceqlQuery {
  const conditions = [...scope(args.service), eq('event:name', eventNameOf(INTENT.ASSERTION_FAILED))];
  if (args.assertionName !== undefined) conditions.push(eq('event.assertion_name', args.assertionName));
  return query(spanset(conditions));
}

/**
 * Contract spans that ended in error (an assertion failed).
 *
 * @example
 * errorContractSpans({ service: 'intent-demo' }).expr;
 * // '{ resource.service.name = "intent-demo" && name = "intent.contract" && status = error }'
 */
export function errorContractSpans(args: { readonly service?: Text } = {}): TraceqlQuery {
  return query(spanset([...scope(args.service), eq('name', INTENT_SPANS.CONTRACT), 'status = error']));
}

/**
 * Contract spans, or the span of one contract.
 *
 * @example
 * contractSpans({ contractId: 'CON-092' }).expr; // '{ name = "intent.contract" && span.intent.contract_id = "CON-092" }'
 */
export function contractSpans(args: { readonly service?: Text; readonly contractId?: Text } = {}): TraceqlQuery {
  const conditions = [...scope(args.service), eq('name', INTENT_SPANS.CONTRACT)];
  if (args.contractId !== undefined) conditions.push(eq(TRACEQL.CONTRACT_ID, args.contractId));
  return query(spanset(conditions));
}

/**
 * Every span of the loop a domain trace key names (`factline.trace_key` is
 * set on each of them).
 *
 * @example
 * traceSpansByKey({ traceKey: 'TRACE-015' }).expr; // '{ span.factline.trace_key = "TRACE-015" }'
 */
export function traceSpansByKey(args: { readonly traceKey: Text }): TraceqlQuery {
  return query(spanset([eq(TRACEQL.TRACE_KEY, args.traceKey)]));
}

/**
 * Spans holding an event whose EventID matches a regex (e.g. a `%` pattern
 * through `patternRegex`). The regex is a value and is escaped as a string.
 *
 * @example
 * spansWithEventId({ regex: '.*\\.failed:.*' }).expr; // '{ event.factline.event.id =~ ".*\\\\.failed:.*" }'
 */
export function spansWithEventId(args: { readonly service?: Text; readonly regex: Text }): TraceqlQuery {
  return query(spanset([...scope(args.service), `${TRACEQL.EVENT_ID} =~ ${literal(args.regex)}`]));
}
