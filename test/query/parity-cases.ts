import { allQueries } from '../../grafana/src/index.js';

/*
 * The parity corpus: every LogQL query of the library and of the dashboards
 * (variables expanded, service `factline`: the Collector's name for lines it
 * tails), plus cases for each feature of the local engine. The recorder
 * (parity.record.test.ts) runs them on a real Loki fed by the real Collector
 * and saves the answers; parity.test.ts runs them locally and compares.
 */

export type ParityKind = 'range' | 'instant';

export interface ParityCase {
  name: string;
  query: string;
  kind: ParityKind;
  /** Range queries: `log` returns lines; `metric` is evaluated every `step` seconds. */
  step?: number;
  limit?: number;
  direction?: 'forward' | 'backward';
}

/** The service name of every line the Collector tails (resource/file in the shipped config). */
export const SERVICE = 'factline';

const S = `{service_name="${SERVICE}"}`;
const AGENT = `${S} | factline_catalog!="intent" | event_name=~"agent\\\\..*"`;

function feature(): ParityCase[] {
  const log = (name: string, query: string, extra: Partial<ParityCase> = {}): ParityCase => ({
    name: `feature/${name}`,
    query,
    kind: 'range',
    limit: 1000,
    direction: 'forward',
    ...extra,
  });
  const inst = (name: string, query: string): ParityCase => ({ name: `feature/${name}`, query, kind: 'instant' });
  const range = (name: string, query: string, step = 60): ParityCase => ({ name: `feature/${name}`, query, kind: 'range', step });
  return [
    // selectors and line filters
    log('selector', S),
    log('selector backward limit', S, { direction: 'backward', limit: 7 }),
    log('selector forward limit', S, { limit: 5 }),
    log('selector regex', `{service_name=~"fact.*"}`),
    log('selector not', `{service_name!="nope", service_name=~".+"}`),
    log('line contains', `${S} |= "auth"`),
    log('line not contains', `${S} != "auth" != "signal"`),
    log('line regex', `${S} |~ "src/(auth|db)/"`),
    log('line regex case-insensitive', `${S} |~ "(?i)TIMEOUT"`),
    log('line not regex', `${AGENT} !~ "confidence\\":0\\\\.[0-4]"`),
    log('line or', `${S} |= "CON-092" or "SIG-042"`),
    log('line escaped html', `${S} |= "\\\\u003c"`),
    log('line unicode', `${S} |= "café"`),
    log('line backtick', `${S} |= \`"attempt":0\``),
    // structured metadata filters
    log('metadata filter', `${S} | event_name="agent.code.generation_failed"`),
    log('metadata regex', `${S} | factline_event_action=~".+_failed|failed"`),
    log('severity text', `${S} | severity_text="ERROR"`),
    log('detected level', `${S} | detected_level="error"`),
    log('detected level intent', `${S} | factline_catalog="intent" | keep detected_level, event_name`),
    log('source model', `${S} | factline_source_model="gpt-5"`),
    log('invalid events', `${S} | factline_valid="false"`),
    log('trace id', `${S} | trace_id!="" | keep trace_id, span_id, factline_trace_key`),
    log('session', `${S} | session_id=~"S-[12]"`),
    log('file name', `${S} | log_file_name="intent-events.jsonl" | keep log_file_name, event_name`),
    // parsers
    log('json', `${AGENT} | json`),
    log('json nested', `${AGENT} | json | tokens_prompt > 1500`),
    log('json params', `${AGENT} | json f="file", p="tokens.prompt", first_tag="tags[0]", missing="nope" | keep f, p, first_tag, missing`),
    log('json extracted suffix', `${S} | event_name="signal.signal.created" | json | keep source, source_extracted, event_name`),
    log('json on intent', `${S} | factline_catalog="intent" | json | keep event_name, signal_id, trust_score, confidence`),
    // Label names that are Object.prototype members (`__proto__`, `constructor`, `toString`, `hasOwnProperty`).
    log('prototype names json', `${S} |= "hasOwnProperty" | json`),
    log('prototype names keep', `${S} |= "hasOwnProperty" | json | keep __proto__, constructor, toString, hasOwnProperty, a___proto__`),
    log('prototype names drop', `${S} |= "hasOwnProperty" | json | drop __proto__, constructor`),
    log('prototype names line_format', `${S} |= "hasOwnProperty" | json | line_format "[{{.constructor}}|{{.toString}}|{{.__proto__}}|{{.valueOf}}]"`),
    log('prototype names missing', `${AGENT} |= "expected 2 to be 3" | line_format "[{{.constructor}}|{{.toString}}|{{.__proto__}}]" | keep event_name`),
    log(
      'prototype names label_format',
      `${S} |= "hasOwnProperty" | json | label_format p=__proto__, constructor="{{.toString}}" | keep p, constructor, __proto__`,
    ),
    inst('prototype names by', `sum by (__proto__, constructor, toString) (count_over_time(${S} | json | __error__="" [1h]))`),
    inst('prototype names absent', `absent_over_time({service_name="nothing", __proto__="x"}[1h])`),
    log('logfmt', `${AGENT} | json | line_format "file={{.file}} attempt={{.attempt}}" | logfmt | keep file, attempt`),
    // label filters
    log('number filter', `${AGENT} | json | confidence >= 0.9`),
    log('number filter and', `${AGENT} | json | confidence > 0.3 and confidence < 0.5`),
    log('number filter or', `${AGENT} | json | confidence < 0.1 or attempt == 2`),
    log('number filter comma', `${AGENT} | json | confidence < 0.5, file=~"src/auth/.*"`),
    log('duration filter', `${AGENT} | json | took > 1.5s`),
    log('duration filter ms', `${AGENT} | json | took <= 250ms`),
    log('bytes filter', `${AGENT} | json | size >= 10KB`),
    log('bytes filter small', `${AGENT} | json | size < 1KiB`),
    log('label filter error', `${AGENT} | json | file > 3`),
    log('label filter error skipped', `${AGENT} | json | file > 3 | __error__=""`),
    log('string filter not regex', `${AGENT} | json | file!~"src/(auth|db)/.*"`),
    // formatting
    log('line_format', `${AGENT} | json | line_format "{{.file}}: {{.confidence}}"`),
    log('line_format functions', `${AGENT} | json | line_format "{{.file | ToUpper}} {{ ToLower .language }}"`),
    log('label_format', `${AGENT} | json | label_format model=factline_source_model, where="{{.file}}@{{.language}}" | keep model, where`),
    log('keep', `${S} | keep event_name, factline_event_version`),
    log('keep matcher', `${S} | keep event_name, severity_text="ERROR"`),
    log('drop', `${AGENT} | drop factline_event_instance_id, observed_timestamp, factline_event_schema_version`),
    log('drop matcher', `${S} | drop severity_text="INFO", observed_timestamp, factline_event_instance_id`),
    log('decolorize', `${AGENT} | decolorize | keep event_name`),
    // metric: range aggregations
    inst('count_over_time', `count_over_time(${S} | keep event_name [1h])`),
    inst('sum by count', `sum by (event_name) (count_over_time(${S} [1h]))`),
    inst('sum count', `sum(count_over_time(${S}[1h]))`),
    inst(
      'sum without',
      `sum without (factline_event_instance_id, observed_timestamp, span_id, trace_id, factline_trace_key, session_id, factline_causation_id, factline_source_name, factline_source_id, factline_source_model, factline_source_type, factline_valid, factline_validation_issues) (count_over_time(${S}[1h]))`,
    ),
    inst('rate', `sum by (factline_source_model) (rate(${AGENT}[1h]))`),
    inst('bytes_over_time', `sum by (event_name) (bytes_over_time(${S}[1h]))`),
    inst('bytes_rate', `sum(bytes_rate(${S}[1h]))`),
    inst('absent_over_time present', `absent_over_time(${S}[1h])`),
    inst('absent_over_time absent', `absent_over_time({service_name="nope"}[1h])`),
    inst('sum_over_time unwrap', `sum_over_time(${AGENT} | json | unwrap confidence | __error__="" [1h]) by (factline_source_model)`),
    inst('avg_over_time unwrap', `avg_over_time(${AGENT} | json | unwrap confidence | __error__="" [1h]) by (event_name)`),
    inst('min_over_time unwrap', `min_over_time(${AGENT} | json | unwrap tokens_prompt | __error__="" [1h]) by (event_name)`),
    inst('max_over_time unwrap', `max_over_time(${AGENT} | json | unwrap tokens_completion | __error__="" [1h]) by (event_name)`),
    inst('first_over_time unwrap', `first_over_time(${AGENT} | json | unwrap confidence | __error__="" [1h]) by (factline_source_model)`),
    inst('last_over_time unwrap', `last_over_time(${AGENT} | json | unwrap confidence | __error__="" [1h]) by (factline_source_model)`),
    inst('stddev_over_time unwrap', `stddev_over_time(${AGENT} | json | unwrap confidence | __error__="" [1h]) by (factline_source_model)`),
    inst('stdvar_over_time unwrap', `stdvar_over_time(${AGENT} | json | unwrap confidence | __error__="" [1h]) by (factline_source_model)`),
    inst('quantile_over_time unwrap', `quantile_over_time(0.9, ${AGENT} | json | unwrap confidence | __error__="" [1h]) by (factline_source_model)`),
    inst('unwrap duration', `sum by (event_name) (sum_over_time(${AGENT} | json | unwrap duration(took) | __error__="" [1h]))`),
    inst('unwrap bytes', `sum by (event_name) (sum_over_time(${AGENT} | json | unwrap bytes(size) | __error__="" [1h]))`),
    inst('rate unwrap', `sum(rate(${AGENT} | json | unwrap tokens_prompt | __error__="" [1h]))`),
    inst('unwrap error', `sum(sum_over_time(${AGENT} | json | unwrap file [1h]))`),
    inst('offset', `sum(count_over_time(${S}[5m] offset 15m))`),
    // rate_counter: series made of many lines (keep drops the per-line labels), values that go up and down (counter resets)
    inst('rate_counter', `rate_counter(${AGENT} | json | keep factline_source_model, tokens_prompt | unwrap tokens_prompt | __error__="" [1h])`),
    inst('rate_counter one series', `rate_counter(${AGENT} | json | keep tokens_completion | unwrap tokens_completion | __error__="" [30m])`),
    inst('sum rate_counter', `sum(rate_counter(${AGENT} | json | keep event_name, confidence | unwrap confidence | __error__="" [1h]))`),
    // metric: vector aggregations
    inst('avg by', `avg by (factline_source_model) (count_over_time(${AGENT} | keep factline_source_model, event_name [1h]))`),
    inst('min max', `max by (event_name) (sum by (event_name, factline_source_model) (count_over_time(${AGENT}[1h])))`),
    inst('min', `min(sum by (event_name) (count_over_time(${S}[1h])))`),
    inst('count by', `count by (event_name) (sum by (event_name, factline_source_model) (count_over_time(${AGENT}[1h])))`),
    inst('stddev', `stddev(sum by (event_name) (count_over_time(${S}[1h])))`),
    inst('topk', `topk(3, sum by (event_name) (count_over_time(${S}[1h])))`),
    inst('bottomk', `bottomk(2, sum by (event_name) (count_over_time(${S}[1h])))`),
    inst('topk by', `topk by (factline_source_model) (1, sum by (factline_source_model, event_name) (count_over_time(${AGENT}[1h])))`),
    inst('sort', `sort(sum by (event_name) (count_over_time(${S}[1h])))`),
    inst('sort_desc', `sort_desc(sum by (event_name) (count_over_time(${S}[1h])))`),
    // binary operators
    inst(
      'vector / vector',
      `sum by (factline_source_model) (count_over_time(${AGENT} | severity_text="ERROR" [1h])) / sum by (factline_source_model) (count_over_time(${AGENT}[1h]))`,
    ),
    inst('vector * scalar', `sum by (event_name) (count_over_time(${S}[1h])) * 2 + 1`),
    inst('precedence', `1 + sum(count_over_time(${S}[1h])) * 2 ^ 2`),
    inst('scalar - vector', `100 - sum by (event_name) (count_over_time(${S}[1h]))`),
    inst('comparison filter', `sum by (event_name) (count_over_time(${S}[1h])) > 4`),
    inst('comparison bool', `sum by (event_name) (count_over_time(${S}[1h])) >= bool 5`),
    inst('comparison scalar left', `3 < sum by (event_name) (count_over_time(${S}[1h]))`),
    inst('and', `sum by (event_name) (count_over_time(${S}[1h])) and sum by (event_name) (count_over_time(${S} | severity_text="ERROR" [1h]))`),
    inst(
      'or',
      `sum by (event_name) (count_over_time(${S} | severity_text="ERROR" [1h])) or sum by (event_name) (count_over_time(${S} | detected_level="warn" [1h]))`,
    ),
    inst('unless', `sum by (event_name) (count_over_time(${S}[1h])) unless sum by (event_name) (count_over_time(${S} | severity_text="INFO" [1h]))`),
    inst(
      'on',
      `sum by (event_name, factline_source_model) (count_over_time(${AGENT}[1h])) / on (event_name, factline_source_model) sum by (event_name, factline_source_model) (count_over_time(${AGENT}[1h]))`,
    ),
    inst(
      'ignoring',
      `sum by (event_name, severity_text) (count_over_time(${AGENT}[1h])) - ignoring (severity_text) sum by (event_name) (count_over_time(${AGENT}[1h]))`,
    ),
    inst('literal', `2 * 3 + 1`),
    inst('vector literal', `vector(5)`),
    // range (step) evaluation
    range('range count', `sum by (event_name) (count_over_time(${S}[2m]))`, 60),
    range('range rate small window', `sum(rate(${S}[30s]))`, 60),
    range('range unwrap', `max_over_time(${AGENT} | json | unwrap confidence | __error__="" [5m]) by (factline_source_model)`, 120),
    range('range binary', `sum(count_over_time(${S} | severity_text="ERROR" [5m])) / sum(count_over_time(${S}[5m]))`, 90),
    range('range absent', `absent_over_time(${S} | event_name="agent.test.failed" [1m])`, 60),
    range('range topk', `topk(2, sum by (event_name) (count_over_time(${S}[3m])))`, 60),
    range('range rate_counter', `rate_counter(${AGENT} | json | keep factline_source_model, tokens_prompt | unwrap tokens_prompt | __error__="" [5m])`, 60),
    range('range rate_counter small window', `rate_counter(${AGENT} | json | keep tokens_prompt | unwrap tokens_prompt | __error__="" [30s])`, 60),
  ];
}

/** Every case, library and dashboards first. */
export function parityCases(): ParityCase[] {
  const fromLibrary: ParityCase[] = allQueries({ service: SERVICE, traceKey: 'TRACE-015' })
    .filter((c) => c.kind === 'logql')
    .map((c) =>
      c.shape === 'logs'
        ? { name: c.name, query: c.expr, kind: 'range' as const, limit: 1000, direction: 'forward' as const }
        : { name: c.name, query: c.expr, kind: 'instant' as const },
    );
  return [...fromLibrary, ...feature()];
}
