/**
 * TraceQL queries over the spans factline's events ride on: events are span
 * events named by their EventID without version (docs/mapping.md), carrying
 * the payload's fields; a domain trace key is the span attribute
 * `factline.trace_key`. The pieces below are shared with catalog-specific
 * queries (Intent's are in src/intent/trace-queries.ts).
 */
import { traceqlString } from './escape.js';
import type { Text } from './logql.js';
import { TRACEQL, type TraceqlAttribute } from './names.js';
import { isGrafanaVariable, variableRef } from './variable.js';

export interface TraceqlQuery {
  readonly language: 'traceql';
  readonly expr: string;
}

export const traceql = (expr: string): TraceqlQuery => ({ language: 'traceql', expr });

/** A TraceQL string literal for a value, or the variable in its quotes. */
export function traceqlLiteral(value: Text): string {
  if (!isGrafanaVariable(value)) return traceqlString(value);
  return value.quote === 'backtick' ? `\`${variableRef(value)}\`` : `"${variableRef(value)}"`;
}

export type SpanField = TraceqlAttribute | 'name' | 'status' | 'event:name';

/** `field = "value"`; a variable matches as a regex (`=~`), so "All" can be `.+`. */
export function eq(field: SpanField, value: Text): string {
  return `${field} ${isGrafanaVariable(value) ? '=~' : '='} ${traceqlLiteral(value)}`;
}

/** `{ a && b }`. */
export function spanset(conditions: readonly string[]): string {
  return `{ ${conditions.join(' && ')} }`;
}

/** The condition on `resource.service.name`, none for every service. */
export const serviceScope = (service: Text | undefined): string[] => (service === undefined ? [] : [eq(TRACEQL.SERVICE_NAME, service)]);

/**
 * Every span of the loop a domain trace key names (`factline.trace_key` is
 * set on each of them).
 *
 * @example
 * traceSpansByKey({ traceKey: 'TRACE-015' }).expr; // '{ span.factline.trace_key = "TRACE-015" }'
 */
export function traceSpansByKey(args: { readonly traceKey: Text }): TraceqlQuery {
  return traceql(spanset([eq(TRACEQL.TRACE_KEY, args.traceKey)]));
}

/**
 * Spans holding an event whose EventID matches a regex (e.g. a `%` pattern
 * through `patternRegex`). The regex is a value and is escaped as a string.
 *
 * @example
 * spansWithEventId({ regex: '.*\\.failed:.*' }).expr; // '{ event.factline.event.id =~ ".*\\\\.failed:.*" }'
 */
export function spansWithEventId(args: { readonly service?: Text; readonly regex: Text }): TraceqlQuery {
  return traceql(spanset([...serviceScope(args.service), `${TRACEQL.EVENT_ID} =~ ${traceqlLiteral(args.regex)}`]));
}
