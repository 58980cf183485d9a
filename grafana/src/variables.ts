/**
 * The dashboards' variables, and their references for the query library.
 *
 * Grafana cannot run the TypeScript `%` translation at query time, so the
 * pattern variable is a custom variable whose options are `%` patterns
 * shown as typed and valued as the RE2 regex the library computes for them
 * (`%.failed:% : .*\.failed:.*`), matched against `factline_event_id`. A user
 * may also type a regex of their own (docs/grafana.md).
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { FAILURES_PATTERN, grafanaVariable, patternRegex } from '../../src/queries/index.js';
import { DEMO_SAMPLE } from './library-examples.js';
import { LOKI_DATASOURCE } from './datasources.js';

/** `${service}`: a query variable over the `service_name` label; "All" is `.+`. */
export const SERVICE = grafanaVariable('service');
/** `${agent}`: a regex the user types over `factline_source_model`; inserted raw, so written in backticks. */
export const AGENT = grafanaVariable('agent', { quote: 'backtick' });
/** `${pattern}`: an RE2 regex over `factline_event_id`, from a `%` pattern; written in backticks. */
export const PATTERN = grafanaVariable('pattern', { quote: 'backtick' });

/** `${attempts}`: an RE2 regex over `factline_event_id` for the events that are an agent's attempts. */
export const ATTEMPTS = grafanaVariable('attempts', { quote: 'backtick' });
/** `${failures}`: an RE2 regex over `factline_event_id` for the events that are failed attempts. */
export const FAILURES = grafanaVariable('failures', { quote: 'backtick' });

/** The Intent loop's agent attempts (contracts started) by default: the demo shows a figure. */
export const DEFAULT_ATTEMPTS = 'contract.contract.started:%';

/** The attempts offered in the Attempts variable, the first the default: the Intent loop's contracts, then an agent's code generations. */
export const ATTEMPT_CHOICES = [DEFAULT_ATTEMPTS, 'agent.code.generated:%', '%.started:%', '%.generated:%'] as const;
/** The outcomes offered in the Failures variable, the first the default. */
export const FAILURE_CHOICES = [FAILURES_PATTERN, 'agent.test.failed:%', 'agent.review.failed:%', 'contract.assertion.failed:%'] as const;

/**
 * A custom variable over `factline_event_id`: `%` patterns shown as typed and
 * valued as their RE2 regex (the first selected), or a regex the user types.
 */
export function eventIdChoiceVariable(name: string, label: string, choices: readonly string[], what: string): dashboard.CustomVariableBuilder {
  const options = choices.map((p) => ({ text: p, value: patternRegex(p) }));
  const first = options[0]!;
  return new dashboard.CustomVariableBuilder(name)
    .label(label)
    .description(`An RE2 regex over factline_event_id: ${what}. Pick a % pattern or type a regex. The default is ${first.text}.`)
    .values(options.map((o) => `${o.text} : ${o.value}`).join(', '))
    .options(options.map((o) => ({ ...o, selected: o === first })))
    .current({ text: first.text, value: first.value })
    .allowCustomValue(true);
}

/** Any agent: every event whose source has a model. */
export const ANY_AGENT = '.+';
const ALL_VALUE = '.+';

/**
 * @param current the service selected when the dashboard opens; `undefined` selects "All".
 */
export function serviceVariable(current: string | undefined): dashboard.QueryVariableBuilder {
  const definition = 'label_values(service_name)';
  return new dashboard.QueryVariableBuilder(SERVICE.name)
    .label('Service')
    .description('The service_name label (resource attribute service.name). "All" matches every service.')
    .datasource(LOKI_DATASOURCE)
    .query(definition)
    .definition(definition)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .includeAll(true)
    .allValue(ALL_VALUE)
    .current(current === undefined ? { text: 'All', value: '$__all' } : { text: current, value: current });
}

export function agentVariable(): dashboard.TextBoxVariableBuilder {
  return new dashboard.TextBoxVariableBuilder(AGENT.name)
    .label('Agent (regex)')
    .description(
      'An RE2 regex over factline_source_model, the model of a child_agent source (e.g. claude-sonnet-4). .+ matches every agent; events from other sources have no model and never match.',
    )
    .defaultValue(ANY_AGENT)
    .current({ text: ANY_AGENT, value: ANY_AGENT });
}

/** The `%` patterns offered in the pattern variable: every failure first, then one per Intent family and a few more. */
export const PATTERN_CHOICES = [
  FAILURES_PATTERN,
  '%',
  '%.passed:%',
  '%.created:%',
  'signal.%',
  'intent.%',
  'spec.%',
  'contract.%',
  'system.%',
  'auth.%',
  '%:1',
] as const;

/**
 * The custom variable's options, `pattern : regex` pairs. Grafana splits the
 * list on commas and each item on ` : `, so neither may appear in a pattern
 * or its regex; the tests check it.
 */
export function patternOptions(): { text: string; value: string }[] {
  return PATTERN_CHOICES.map((p) => ({ text: p, value: patternRegex(p) }));
}

export function patternVariable(): dashboard.CustomVariableBuilder {
  const options = patternOptions();
  const first = options[0]!;
  return new dashboard.CustomVariableBuilder(PATTERN.name)
    .label('EventID pattern')
    .description(
      'A % pattern (% matches anything, every other character is literal), shown as typed and matched as the RE2 regex src/queries/pattern.ts computes for it, over the full EventID (factline_event_id). Or type your own RE2 regex over the EventID, e.g. auth\\..*:2.',
    )
    .values(options.map((o) => `${o.text} : ${o.value}`).join(', '))
    .options(options.map((o) => ({ ...o, selected: o === first })))
    .current({ text: first.text, value: first.value })
    .allowCustomValue(true);
}

/** The service the Intent loop dashboard opens on: the demo loop's (`npm run demo`). */
export const DEMO_SERVICE = DEMO_SAMPLE.service;

/** Sample values for checks and end-to-end runs: the defaults, with the demo's service. */
export const SAMPLES = {
  [SERVICE.name]: DEMO_SERVICE,
  [AGENT.name]: ANY_AGENT,
  [PATTERN.name]: patternRegex(FAILURES_PATTERN),
  [ATTEMPTS.name]: patternRegex(DEFAULT_ATTEMPTS),
  [FAILURES.name]: patternRegex(FAILURES_PATTERN),
} as const;
