/**
 * The parsed form of a LogQL query, as the local engine evaluates it. Built
 * from the syntax tree of Grafana's own grammar (`@grafana/lezer-logql`) by
 * `parse.ts`; names follow Loki's `syntax` package.
 */

import type { LogqlRegex, LogqlSubmatchRegex } from './regex.js';
import type { PatternParser } from './pattern.js';
import type { IpFilter } from './ip.js';

export type MatchOp = '=' | '!=' | '=~' | '!~';

/** `name op "value"`: a stream selector matcher or a string label filter. */
export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
  /** The compiled, fully anchored regular expression of `=~` / `!~` (`.` matches a newline in a stream selector, as in Prometheus' matchers). */
  re?: LogqlRegex;
}

export type LineFilterOp = '|=' | '!=' | '|~' | '!~' | '|>' | '!>';

/** One line filter; `values` are alternatives joined by `or`. */
export interface LineFilter {
  op: LineFilterOp;
  values: string[];
  /** Compiled regular expressions of `|~` / `!~` (one per value). */
  res?: LogqlRegex[];
  /** Compiled patterns of `|>` / `!>` (one per value): true when the line matches. */
  patterns?: ((line: string) => boolean)[];
  /** `|= ip("…")` / `!= ip("…")` (`values` holds the pattern alone): an address in the line is (not) in it. */
  ip?: IpFilter;
}

export type CompareOp = '==' | '!=' | '>' | '>=' | '<' | '<=';

export type LabelFilter =
  | { kind: 'and' | 'or'; left: LabelFilter; right: LabelFilter }
  | { kind: 'string'; matcher: LabelMatcher }
  | { kind: 'number'; name: string; op: CompareOp; value: number }
  /** `value` in nanoseconds. */
  | { kind: 'duration'; name: string; op: CompareOp; value: number }
  /** `value` in bytes. */
  | { kind: 'bytes'; name: string; op: CompareOp; value: number }
  /** `name = ip("…")` / `name != ip("…")`. */
  | { kind: 'ip'; name: string; op: '=' | '!='; ip: IpFilter };

/** `label="json.path"` of `| json` / `| logfmt` with parameters. */
export interface Extraction {
  label: string;
  /** The JSON path (for `json`) or the key (for `logfmt`); the label name when omitted. */
  expr: string;
}

/** `dst="{{template}}"` (template) or `dst=src` (rename) of `| label_format`. */
export interface LabelFormatItem {
  dst: string;
  src?: string;
  template?: string;
}

/** A label name of `| keep` / `| drop`, or a matcher that selects by value. */
export type LabelSelectItem = { name: string; matcher?: LabelMatcher };

export type Stage =
  | { kind: 'line_filter'; filter: LineFilter }
  /**
   * `| json` (with `params`, only those). `only` is set by the evaluator, never by the parser: the labels the
   * rest of the query reads (Loki's parser hints), so the parser sets no other.
   */
  | { kind: 'json'; params?: Extraction[]; only?: ReadonlySet<string> }
  | { kind: 'logfmt'; params?: Extraction[]; strict: boolean; keepEmpty: boolean }
  /** `| regexp "re"`: each named capture group of the first match becomes a label. */
  | { kind: 'regexp'; re: LogqlSubmatchRegex }
  /** `| unpack`: the string fields of a JSON line packed by Promtail's `pack` stage; `_entry` becomes the line. */
  | { kind: 'unpack' }
  /** `| pattern "<a> - <b>"`: each named capture becomes a label. */
  | { kind: 'pattern'; parser: PatternParser }
  | { kind: 'label_filter'; filter: LabelFilter }
  | { kind: 'line_format'; template: string }
  | { kind: 'label_format'; items: LabelFormatItem[] }
  | { kind: 'keep'; items: LabelSelectItem[] }
  | { kind: 'drop'; items: LabelSelectItem[] }
  | { kind: 'decolorize' };

/** A stream selector and its pipeline: the whole of a log query. */
export interface LogSelector {
  kind: 'log';
  matchers: LabelMatcher[];
  stages: Stage[];
}

import type { RangeOp, VectorOp } from './functions.js';

/** The range and vector aggregations: the names of functions.ts's table. */
export type { RangeOp, VectorOp };

export interface Grouping {
  without: boolean;
  labels: string[];
}

export interface Unwrap {
  label: string;
  conversion?: 'duration' | 'duration_seconds' | 'bytes';
  /** Label filters after the unwrap (`| unwrap x | __error__=""`). */
  filters: LabelFilter[];
}

export interface RangeAggregation {
  kind: 'range';
  op: RangeOp;
  /** `quantile_over_time`'s φ. */
  param?: number;
  selector: LogSelector;
  unwrap?: Unwrap;
  /** The range, nanoseconds. */
  rangeNs: bigint;
  /** `offset`, nanoseconds. */
  offsetNs: bigint;
  grouping?: Grouping;
}

export interface VectorAggregation {
  kind: 'vector_agg';
  op: VectorOp;
  /** `topk` / `bottomk`'s k. */
  param?: number;
  grouping?: Grouping;
  inner: MetricExpr;
}

export type BinaryOp = 'or' | 'and' | 'unless' | '+' | '-' | '*' | '/' | '%' | '^' | '==' | '!=' | '>' | '>=' | '<' | '<=';

export interface VectorMatching {
  on: boolean;
  labels: string[];
  /** `group_left` (many-to-one) / `group_right` (one-to-many); absent: one-to-one. */
  card?: 'many-to-one' | 'one-to-many';
  /** The labels of `group_left (a, b)`, copied from the "one" side. */
  include?: string[];
}

export interface BinaryExpr {
  kind: 'binary';
  op: BinaryOp;
  /** `bool` modifier of a comparison. */
  returnBool: boolean;
  matching?: VectorMatching;
  left: MetricExpr;
  right: MetricExpr;
}

export interface Literal {
  kind: 'literal';
  value: number;
}

/** `vector(1)`. */
export interface VectorLiteral {
  kind: 'vector';
  value: number;
}

/** `label_replace(inner, "dst", "replacement", "src", "regex")`. */
export interface LabelReplace {
  kind: 'label_replace';
  inner: MetricExpr;
  dst: string;
  /** Go `Regexp.Expand` template: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
  replacement: string;
  src: string;
  /** The regex, anchored (`^(?:regex)$`) as Loki compiles it. */
  re: LogqlSubmatchRegex;
}

export type MetricExpr = RangeAggregation | VectorAggregation | BinaryExpr | Literal | VectorLiteral | LabelReplace;

export type Query = LogSelector | MetricExpr;
