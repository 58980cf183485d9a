/**
 * The LogQL the feedback figures run: one log query for the last N attempts,
 * one for the outcomes caused by them. Built from the query library's pieces,
 * so every value is escaped and every name is one of docs/mapping.md.
 */
import { logqlString } from '../queries/escape.js';
import { pipeline, where, type Text } from '../queries/logql.js';
import { LOKI } from '../queries/names.js';
import { patternRegex, patternStages } from '../queries/pattern.js';

/** Which source's attempts: by model (`factline_source_model`) and/or type (`factline_source_type`). */
export interface FeedbackSource {
  /** `claude-sonnet-4`: only attempts whose source model is this. */
  readonly model?: string;
  /** `child_agent`, `tool`, …: only attempts whose source type is this. */
  readonly sourceType?: string;
}

/** The label the grouping payload field is extracted into (never a label Loki sets itself). */
export const GROUP_LABEL = 'factline_feedback_group';
/** The label the joining payload field is extracted into, on attempts and outcomes. */
export const JOIN_LABEL = 'factline_feedback_key';

function extract(fields: readonly (readonly [string, string | undefined])[]): string[] {
  const named = fields.filter((f): f is readonly [string, string] => f[1] !== undefined);
  return named.length === 0 ? [] : [`| json ${named.map(([label, field]) => `${label}=${logqlString(field)}`).join(', ')}`];
}

/** A payload field path: identifiers joined by dots (`file`, `context.path`), as `| json` reads it. */
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Whether `field` is a payload field path `| json` can extract. */
export function isFieldPath(field: string): boolean {
  return FIELD_PATH.test(field);
}

/**
 * The last attempts of a source: a log query whose lines are the attempt
 * events, with the grouping field extracted into {@link GROUP_LABEL}.
 *
 * @example
 * attemptsQuery({ attempts: 'agent.code.generated:%', model: 'claude-sonnet-4', field: 'file' });
 * // '{service_name=~".+"} | event_name="agent.code.generated" | factline_event_version=~".+" | factline_source_model="claude-sonnet-4" | json factline_feedback_group="file"'
 */
export function attemptsQuery(
  args: FeedbackSource & { readonly service?: Text; readonly attempts: string; readonly field?: string; readonly joinField?: string },
): string {
  const stages = [patternStages(args.attempts)];
  if (args.model !== undefined) stages.push(where(LOKI.SOURCE_MODEL, '=', args.model));
  if (args.sourceType !== undefined) stages.push(where(LOKI.SOURCE_TYPE, '=', args.sourceType));
  stages.push(
    ...extract([
      [GROUP_LABEL, args.field],
      [JOIN_LABEL, args.joinField],
    ]),
  );
  return pipeline(args.service, ...stages);
}

/**
 * The outcomes: events matching the success or the failure pattern that name
 * an attempt as their cause (`factline_causation_id`), or, with `joinField`,
 * that carry that payload field (extracted into {@link JOIN_LABEL}).
 *
 * @example
 * outcomesQuery({ success: 'agent.test.passed:%', failure: '%.failed:%' });
 * // '{service_name=~".+"} | factline_causation_id!="" | factline_event_id=~"agent\\\\.test\\\\.passed:.*|.*\\\\.failed:.*"'
 */
export function outcomesQuery(args: { readonly service?: Text; readonly success: string; readonly failure: string; readonly joinField?: string }): string {
  const either = where(LOKI.EVENT_ID, '=~', `${patternRegex(args.success)}|${patternRegex(args.failure)}`);
  if (args.joinField === undefined) return pipeline(args.service, where(LOKI.CAUSATION_ID, '!=', ''), either);
  return pipeline(args.service, either, ...extract([[JOIN_LABEL, args.joinField]]), `| ${JOIN_LABEL}!=""`);
}
