import type { LogqlQuery, TraceqlQuery } from '../../src/queries/index.js';

/** One query factline ships, named, with sample values in place of any variable. */
export interface NamedQuery {
  /** `library/<example>` or `dashboard/<uid>/<panel title>/<refId>`. */
  readonly name: string;
  readonly kind: 'logql' | 'traceql';
  /** For LogQL: `logs` (lines) or `metric` (run as an instant query); TraceQL: `traces`. */
  readonly shape: 'logs' | 'metric' | 'traces';
  /** The expression, with sample values in place of any dashboard variable. */
  readonly expr: string;
  /** What the query asks, in one sentence. */
  readonly about: string;
}

export function queryShape(query: LogqlQuery | TraceqlQuery): NamedQuery['shape'] {
  return query.language === 'traceql' ? 'traces' : query.shape;
}
