import { QueryInputError } from './escape.js';

/**
 * A Grafana dashboard variable standing where a query takes a value. The
 * query functions accept one wherever a dashboard needs it (service, agent,
 * pattern, window), so the dashboards are built from the same functions as
 * the library queries; Grafana fills the value in at query time.
 *
 * `quote` says which LogQL/TraceQL literal the variable is written into:
 * - `double`: `"${service}"`. For query variables: Grafana's Loki data
 *   source escapes the values of multi-value and "All" variables for a
 *   double-quoted regex, and leaves a custom "All" value (`.+`) as it is.
 * - `backtick`: `` `${pattern}` ``. For text and custom variables that hold a
 *   regex the user types: Grafana inserts them verbatim, and a raw string
 *   keeps `\.` a regex escape instead of an invalid Go string escape. The
 *   value must not contain a backtick.
 */
export interface GrafanaVariable {
  readonly kind: 'grafana-variable';
  readonly name: string;
  readonly quote: 'double' | 'backtick';
  /** `$__range`-style built-ins are written without braces. */
  readonly builtin: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A reference to the dashboard variable `name`.
 *
 * @example
 * grafanaVariable('service');                       // written "${service}"
 * grafanaVariable('pattern', { quote: 'backtick' }); // written `${pattern}`
 */
export function grafanaVariable(name: string, options: { quote?: 'double' | 'backtick' } = {}): GrafanaVariable {
  if (!NAME.test(name) || name.startsWith('__')) {
    throw new QueryInputError(
      'invalid_variable_name',
      `Grafana variable name ${JSON.stringify(name)} must match [A-Za-z_][A-Za-z0-9_]* and not start with __ (reserved for built-ins)`,
    );
  }
  return Object.freeze({ kind: 'grafana-variable', name, quote: options.quote ?? 'double', builtin: false });
}

function builtin(name: string): GrafanaVariable {
  return Object.freeze({ kind: 'grafana-variable', name, quote: 'double', builtin: true });
}

/** `$__range`: the dashboard's whole time range; for totals over the range (instant queries). */
export const RANGE = builtin('__range');
/** `$__auto`: Grafana's step-aligned window for Loki time series; for rates over time. */
export const AUTO = builtin('__auto');
/** `$__interval`: the panel's interval. */
export const INTERVAL = builtin('__interval');

export function isGrafanaVariable(value: unknown): value is GrafanaVariable {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'grafana-variable';
}

/** How the variable appears in query text: `$__range`, `${service}`. */
export function variableRef(v: GrafanaVariable): string {
  return v.builtin ? `$${v.name}` : `\${${v.name}}`;
}
