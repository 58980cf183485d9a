import type { BinaryExpr, Grouping, LabelFilter, LabelMatcher, LabelReplace, LogSelector, MetricExpr, RangeAggregation, VectorAggregation } from './ast.js';
import { applyArithmetic, compare } from './arithmetic.js';
import {
  compileLabelFilter,
  ERROR_DETAILS_LABEL,
  ERROR_LABEL,
  getLabel,
  parseGoFloat,
  rowLabels,
  rowLine,
  setLabel,
  deleteLabel,
  type Row,
} from './pipeline.js';
import { labelsKey, labelsString, ownLabel, putLabel } from './labels.js';
import { before, scan, toInstant, type Instant, type ScanOptions } from './scan.js';
import { parseBytes, parseGoDuration } from './units.js';
import { QueryError } from './types.js';
import { goExpand } from './regex.js';
import { RANGE_FUNCTIONS, VECTOR_FUNCTIONS, type RangeWindow } from './functions.js';

/*
 * Metric queries, evaluated as Loki's engine does (pkg/logql/evaluator.go,
 * range_vector.go): a range aggregation takes, at each step t, the samples of
 * each series in (t - range - offset, t - offset]; vector aggregations and
 * binary operators then work step by step on those vectors.
 */

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** One vector per step. */
export type StepVectors = Sample[][];

export interface EvalContext {
  /** Evaluation times, Unix epoch nanoseconds, ascending. */
  steps: bigint[];
  scan: Omit<ScanOptions, 'from' | 'to' | 'toInclusive'>;
}

/** Evaluates a metric expression; a literal is a scalar (one value per step). */
export async function evaluate(expr: MetricExpr, ctx: EvalContext): Promise<StepVectors | { scalar: number }> {
  switch (expr.kind) {
    case 'literal':
      return { scalar: expr.value };
    case 'vector':
      return ctx.steps.map(() => [{ labels: {}, value: expr.value }]);
    case 'range':
      return evalRange(expr, ctx, undefined);
    case 'vector_agg':
      return evalVectorAgg(expr, ctx);
    case 'binary':
      return evalBinary(expr, ctx);
    case 'label_replace':
      return evalLabelReplace(expr, ctx);
  }
}

/**
 * Loki's LabelReplaceEvaluator (pkg/logql/evaluator.go): where the regex
 * matches all of the `src` label's value ("" when absent), `dst` becomes the
 * expanded replacement, or is removed when that is ""; where it does not
 * match, the series is unchanged.
 */
async function evalLabelReplace(expr: LabelReplace, ctx: EvalContext): Promise<StepVectors> {
  const input = await evaluate(expr.inner, ctx);
  if (!Array.isArray(input)) throw new QueryError('unsupported', 'label_replace() of a scalar is not supported by the local engine; run the query on Loki');
  const cache = new Map<string, Record<string, string>>();
  return input.map((vec) =>
    vec.map((s) => {
      const key = labelsKey(s.labels);
      let labels = cache.get(key);
      if (labels === undefined) {
        labels = s.labels;
        const groups = expr.re.exec(ownLabel(s.labels, expr.src) ?? '');
        if (groups !== undefined) {
          const res = goExpand(expr.replacement, expr.re, groups);
          labels = { ...s.labels };
          delete labels[expr.dst];
          if (res !== '') putLabel(labels, expr.dst, res);
        }
        cache.set(key, labels);
      }
      return { labels, value: s.value };
    }),
  );
}

async function vectors(expr: MetricExpr, ctx: EvalContext): Promise<StepVectors | { scalar: number }> {
  return evaluate(expr, ctx);
}

interface SeriesSamples {
  labels: Record<string, string>;
  ms: number[];
  ns: number[];
  v: number[];
}

function project(labels: Record<string, string>, grouping: Grouping): Record<string, string> {
  const out: Record<string, string> = {};
  if (grouping.without) {
    for (const k of Object.keys(labels)) if (!grouping.labels.includes(k)) putLabel(out, k, labels[k]!);
  } else {
    for (const k of grouping.labels) {
      const v = ownLabel(labels, k);
      if (v !== undefined) putLabel(out, k, v);
    }
  }
  return out;
}

const encoder = new TextEncoder();

function utf8Length(s: string): number {
  // Fast path for ASCII.
  let ascii = true;
  for (let i = 0; i < s.length; i++)
    if (s.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  return ascii ? s.length : encoder.encode(s).length;
}

/**
 * Collects the samples of a range aggregation and evaluates it at every step.
 * `pushdown` groups series by those labels while reading, which a parent
 * `sum by (...)` over an additive range aggregation makes exact.
 */
async function evalRange(expr: RangeAggregation, ctx: EvalContext, pushdown: Grouping | undefined): Promise<StepVectors> {
  const steps = ctx.steps;
  const first = steps[0]!;
  const last = steps[steps.length - 1]!;
  const from = toInstant(first - expr.rangeNs - expr.offsetNs + 1n);
  const to = toInstant(last - expr.offsetNs);
  const series = new Map<string, SeriesSamples>();
  const unwrap = expr.unwrap;
  const postFilters = unwrap?.filters.map(compileLabelFilter) ?? [];
  const unwrapGrouping = expr.grouping ?? pushdown;
  const convert =
    unwrap?.conversion === 'duration' || unwrap?.conversion === 'duration_seconds'
      ? (s: string) => {
          const ns = parseGoDuration(s);
          return ns === undefined ? undefined : ns / 1e9;
        }
      : unwrap?.conversion === 'bytes'
        ? parseBytes
        : parseGoFloat;
  const fn = RANGE_FUNCTIONS[expr.op];
  const sampleValue = fn.sample === 'bytes' ? (r: Row) => utf8Length(rowLine(r)) : () => 1;
  await scan(hintedSelector(labelFreeSelector(expr, pushdown), expr, pushdown), { ...ctx.scan, from, to, toInclusive: true }, (row) => {
    let value: number;
    if (unwrap !== undefined) {
      const raw = getLabel(row, unwrap.label);
      if (raw === undefined || raw === '') return;
      const n = convert(raw);
      if (n === undefined) {
        if (getLabel(row, ERROR_LABEL) === undefined) {
          setLabel(row, ERROR_LABEL, 'SampleExtractionErr');
          setLabel(
            row,
            ERROR_DETAILS_LABEL,
            unwrap.conversion === undefined
              ? `strconv.ParseFloat: parsing ${JSON.stringify(raw)}: invalid syntax`
              : `invalid ${unwrap.conversion} ${JSON.stringify(raw)}`,
          );
        }
        value = 0;
      } else value = n;
      // Loki's LabelExtractorWithStages: the unwrapped label leaves the series
      // unless the grouping (the range aggregation's, or the pushed-down sum's) names it.
      if (unwrapGrouping === undefined || unwrapGrouping.without) deleteLabel(row, unwrap.label);
      for (const f of postFilters) if (!f(row)) return;
    } else value = sampleValue(row);
    let labels: Record<string, string>;
    if (pushdown !== undefined && expr.grouping === undefined) {
      labels = {};
      if (pushdown.without) {
        const all = rowLabels(row);
        for (const k in all) if (!pushdown.labels.includes(k)) putLabel(labels, k, all[k]!);
      } else {
        for (const k of pushdown.labels) {
          const v = getLabel(row, k);
          if (v !== undefined) putLabel(labels, k, v);
        }
        const err = getLabel(row, ERROR_LABEL);
        if (err !== undefined) {
          labels[ERROR_LABEL] = err;
          const details = getLabel(row, ERROR_DETAILS_LABEL);
          if (details !== undefined) labels[ERROR_DETAILS_LABEL] = details;
        }
      }
    } else {
      labels = rowLabels(row);
      // Loki's GroupedLabels: a sample with an error keeps all its labels, so that the error is not grouped away.
      if (expr.grouping !== undefined && getLabel(row, ERROR_LABEL) === undefined) labels = project(labels, expr.grouping);
    }
    const key = labelsKey(labels);
    let s = series.get(key);
    if (s === undefined) {
      s = { labels: labels === row.entry.labels ? { ...labels } : labels, ms: [], ns: [], v: [] };
      series.set(key, s);
    }
    s.ms.push(row.entry.ms);
    s.ns.push(row.entry.ns);
    s.v.push(value);
  });

  const rangeSeconds = Number(expr.rangeNs) / 1e9;
  const out: StepVectors = steps.map(() => []);
  const stepInstants = steps.map((t) => ({ lo: toInstant(t - expr.rangeNs - expr.offsetNs), hi: toInstant(t - expr.offsetNs) }));
  for (const s of series.values()) {
    const order = sortedOrder(s);
    let lo = 0;
    let hi = 0;
    for (let k = 0; k < steps.length; k++) {
      const { lo: loT, hi: hiT } = stepInstants[k]!;
      // Samples in (loT, hiT].
      while (lo < order.length && !after(s, order[lo]!, loT)) lo++;
      if (hi < lo) hi = lo;
      while (hi < order.length && !after(s, order[hi]!, hiT)) hi++;
      if (hi === lo) continue;
      const values: number[] = [];
      for (let i = lo; i < hi; i++) values.push(s.v[order[i]!]!);
      const ms: number[] = [];
      const ns: number[] = [];
      if (fn.times) {
        for (let i = lo; i < hi; i++) {
          ms.push(s.ms[order[i]!]!);
          ns.push(s.ns[order[i]!]!);
        }
      }
      if (s.labels[ERROR_LABEL] !== undefined && s.labels.__preserve_error__ !== 'true') {
        throw new QueryError(
          'bad_request',
          `pipeline error: '${s.labels[ERROR_LABEL]}' for series: '${labelsString(s.labels)}'.\n` +
            `Use a label filter to intentionally skip this error. (e.g | __error__!="${s.labels[ERROR_LABEL]}").\n` +
            'To skip all potential errors you can match empty errors.(e.g __error__="")\n' +
            'The label filter can also be specified after unwrap. (e.g | unwrap latency | __error__="" )\n',
        );
      }
      if (expr.op === 'absent_over_time') {
        out[k]!.push({ labels: s.labels, value: 1 });
        continue;
      }
      const window: RangeWindow = { values, ms, ns, rangeSeconds, rangeNs: expr.rangeNs, unwrapped: expr.unwrap !== undefined, param: expr.param };
      out[k]!.push({ labels: s.labels, value: fn.evaluate(window) });
    }
  }
  if (expr.op === 'absent_over_time') {
    const labels = absentLabels(expr.selector.matchers);
    return out.map((vec) => (vec.length > 0 ? [] : [{ labels, value: 1 }]));
  }
  return out;
}

/** Stages whose Loki counterparts require no label (RequiredLabelNames is empty). */
const NO_REQUIRED_LABELS = new Set(['line_filter', 'json', 'logfmt', 'regexp', 'unpack', 'pattern', 'decolorize', 'keep', 'drop']);

/** Parser stages that Loki's `NoLabels` hint skips. */
const PARSERS = new Set(['json', 'logfmt', 'regexp', 'unpack', 'pattern']);

/**
 * The selector as Loki's sample extractor runs it when the result has no
 * labels (pkg/logql/syntax/extractor.go): under `sum(…)` (a singleton
 * grouping, pushed down), `by ()`, or for `absent_over_time`, and with no
 * stage that needs a label, Loki's parser hints (`NoLabels`) skip every
 * parser, so a line a parser cannot read counts without an `__error__`.
 */
function labelFreeSelector(expr: RangeAggregation, pushdown: Grouping | undefined): LogSelector {
  const grouping = expr.grouping ?? pushdown;
  const noLabels = expr.op === 'absent_over_time' || (grouping !== undefined && !grouping.without && grouping.labels.length === 0);
  const stages = expr.selector.stages;
  if (!noLabels || expr.unwrap !== undefined || !stages.some((s) => PARSERS.has(s.kind))) return expr.selector;
  if (!stages.every((s) => NO_REQUIRED_LABELS.has(s.kind))) return expr.selector;
  return { ...expr.selector, stages: stages.filter((s) => !PARSERS.has(s.kind)) };
}

/**
 * The selector with its one `| json` told which labels the rest of the query
 * reads (Loki's parser hints, `RequiredLabelNames`,
 * pkg/logql/log/parser_hints.go): grouped `by (…)` (or under `sum by (…)`,
 * pushed down), with no unwrap and only line and label filters beside the
 * parser, the answer depends on the grouping labels and the label filters'
 * labels alone, so the parser sets no other label. Same answer, less work.
 */
function hintedSelector(selector: LogSelector, expr: RangeAggregation, pushdown: Grouping | undefined): LogSelector {
  const grouping = expr.grouping ?? pushdown;
  if (grouping === undefined || grouping.without || expr.unwrap !== undefined) return selector;
  const stages = selector.stages;
  const parsers = stages.filter((s) => PARSERS.has(s.kind));
  const only = parsers[0];
  if (parsers.length !== 1 || only?.kind !== 'json' || only.params !== undefined) return selector;
  if (!stages.every((s) => s.kind === 'line_filter' || s.kind === 'label_filter' || s.kind === 'json')) return selector;
  const required = new Set(grouping.labels);
  const collect = (f: LabelFilter): void => {
    if ('left' in f) {
      collect(f.left);
      collect(f.right);
    } else required.add('matcher' in f ? f.matcher.name : f.name);
  };
  for (const s of stages) if (s.kind === 'label_filter') collect(s.filter);
  return { ...selector, stages: stages.map((s) => (s.kind === 'json' ? { ...s, only: required } : s)) };
}

/** True when sample i is after instant t. */
function after(s: SeriesSamples, i: number, t: Instant): boolean {
  return before(t[0], t[1], [s.ms[i]!, s.ns[i]!]);
}

function sortedOrder(s: SeriesSamples): number[] {
  const order = s.ms.map((_, i) => i);
  let sorted = true;
  for (let i = 1; i < order.length; i++) {
    if (s.ms[i]! < s.ms[i - 1]! || (s.ms[i] === s.ms[i - 1] && s.ns[i]! < s.ns[i - 1]!)) {
      sorted = false;
      break;
    }
  }
  if (!sorted) order.sort((a, b) => s.ms[a]! - s.ms[b]! || s.ns[a]! - s.ns[b]! || a - b);
  return order;
}

/** Loki's absentLabels (pkg/logql/evaluator.go): the `=` matchers, less every label that any other matcher (or a second `=`) names. */
function absentLabels(matchers: readonly LabelMatcher[]): Record<string, string> {
  const out: Record<string, string> = {};
  const empty: string[] = [];
  for (const m of matchers) {
    if (m.name === '__name__') continue;
    if (m.op === '=' && !Object.hasOwn(out, m.name)) putLabel(out, m.name, m.value);
    else empty.push(m.name);
  }
  for (const name of empty) delete out[name];
  return out;
}

async function evalVectorAgg(expr: VectorAggregation, ctx: EvalContext): Promise<StepVectors> {
  const grouping: Grouping = expr.grouping ?? { without: false, labels: [] };
  let input: StepVectors | { scalar: number };
  const inner = expr.inner;
  if (expr.op === 'sum' && !grouping.without && inner.kind === 'range' && RANGE_FUNCTIONS[inner.op].additive && inner.grouping === undefined) {
    input = await evalRange(inner, ctx, grouping);
  } else input = await vectors(inner, ctx);
  if (!Array.isArray(input)) throw new QueryError('bad_request', `${expr.op}() needs a vector, not a scalar`);
  return input.map((vec) => aggregate(expr, grouping, vec));
}

/** Groups the vector's samples by the grouping labels (groups in order of first appearance) and applies the function to each group. */
function aggregate(expr: VectorAggregation, grouping: Grouping, vec: Sample[]): Sample[] {
  const groups = new Map<string, { labels: Record<string, string>; members: Sample[] }>();
  for (const s of vec) {
    const g = project(s.labels, grouping);
    const key = labelsKey(g);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { labels: g, members: [s] });
    else group.members.push(s);
  }
  const fn = VECTOR_FUNCTIONS[expr.op].evaluate;
  const out: Sample[] = [];
  for (const g of groups.values()) {
    if ('reduce' in fn)
      out.push({
        labels: g.labels,
        value: fn.reduce(g.members.map((m) => m.value)),
      });
    else out.push(...fn.select(g.members, expr.param));
  }
  return out;
}

function signature(labels: Record<string, string>, matching: BinaryExpr['matching']): string {
  if (matching === undefined) return labelsKey(labels);
  const g: Grouping = { without: !matching.on, labels: matching.labels };
  return labelsKey(project(labels, g));
}

async function evalBinary(expr: BinaryExpr, ctx: EvalContext): Promise<StepVectors> {
  const left = await vectors(expr.left, ctx);
  const right = await vectors(expr.right, ctx);
  const op = expr.op;
  const isCompare = op === '==' || op === '!=' || op === '>' || op === '>=' || op === '<' || op === '<=';
  if (!Array.isArray(left) && !Array.isArray(right)) {
    const v = applyArithmetic(op, left.scalar, right.scalar, expr.returnBool);
    return ctx.steps.map(() => (v === undefined ? [] : [{ labels: {}, value: v }]));
  }
  if (!Array.isArray(left) || !Array.isArray(right)) {
    const scalarLeft = !Array.isArray(left);
    const scalar = scalarLeft ? (left as { scalar: number }).scalar : (right as { scalar: number }).scalar;
    const vecs = (scalarLeft ? right : left) as StepVectors;
    return vecs.map((vec) => {
      const out: Sample[] = [];
      for (const s of vec) {
        const l = scalarLeft ? scalar : s.value;
        const r = scalarLeft ? s.value : scalar;
        if (isCompare) {
          const t = compare(op as '==', l, r);
          if (expr.returnBool) out.push({ labels: s.labels, value: t ? 1 : 0 });
          else if (t) out.push({ labels: s.labels, value: s.value });
        } else {
          const v = applyArithmetic(op, l, r, false);
          if (v !== undefined) out.push({ labels: s.labels, value: v });
        }
      }
      return out;
    });
  }
  return left.map((lvec, k) => {
    const rvec = right[k]!;
    const matching = expr.matching;
    if (op === 'and' || op === 'or' || op === 'unless') {
      const rightSigs = new Set(rvec.map((s) => signature(s.labels, matching)));
      if (op === 'and') return lvec.filter((s) => rightSigs.has(signature(s.labels, matching)));
      if (op === 'unless') return lvec.filter((s) => !rightSigs.has(signature(s.labels, matching)));
      const leftSigs = new Set(lvec.map((s) => signature(s.labels, matching)));
      return [...lvec, ...rvec.filter((s) => !leftSigs.has(signature(s.labels, matching)))];
    }
    if (matching?.card !== undefined) return groupBinop(expr, lvec, rvec, matching, isCompare);
    const bySig = new Map<string, Sample>();
    for (const s of rvec) {
      const sig = signature(s.labels, matching);
      if (bySig.has(sig)) {
        throw new QueryError(
          'bad_request',
          'found duplicate series on the right hand-side;many-to-many matching not allowed: matching labels must be unique on one side',
        );
      }
      bySig.set(sig, s);
    }
    const out: Sample[] = [];
    const seen = new Set<string>();
    for (const s of lvec) {
      const sig = signature(s.labels, matching);
      const r = bySig.get(sig);
      if (r === undefined) continue;
      if (seen.has(sig)) throw new QueryError('bad_request', 'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
      seen.add(sig);
      let labels = s.labels;
      if (matching !== undefined) labels = project(s.labels, { without: !matching.on, labels: matching.labels });
      if (isCompare) {
        const t = compare(op as '==', s.value, r.value);
        if (expr.returnBool) out.push({ labels, value: t ? 1 : 0 });
        else if (t) out.push({ labels, value: s.value });
      } else {
        const v = applyArithmetic(op, s.value, r.value, false);
        if (v !== undefined) out.push({ labels, value: v });
      }
    }
    return out;
  });
}

/**
 * `group_left` / `group_right` matching, as Loki's vectorBinop does it
 * (pkg/logql/evaluator.go): each series of the "many" side (left for
 * `group_left`) meets the one series of the "one" side with its signature;
 * the result keeps the many side's labels, with the `include` labels taken
 * from the one side (removed where the one side has none).
 */
function groupBinop(expr: BinaryExpr, lvec: Sample[], rvec: Sample[], matching: NonNullable<BinaryExpr['matching']>, isCompare: boolean): Sample[] {
  const swap = matching.card === 'one-to-many';
  const many = swap ? rvec : lvec;
  const one = swap ? lvec : rvec;
  const bySig = new Map<string, Sample>();
  for (const s of one) {
    const sig = signature(s.labels, matching);
    if (bySig.has(sig)) {
      throw new QueryError(
        'bad_request',
        `found duplicate series on the ${swap ? 'left' : 'right'} hand-side;many-to-many matching not allowed: matching labels must be unique on one side`,
      );
    }
    bySig.set(sig, s);
  }
  const matched = new Map<string, Set<string>>();
  const out: Sample[] = [];
  for (const m of many) {
    const sig = signature(m.labels, matching);
    const o = bySig.get(sig);
    if (o === undefined) continue;
    const labels: Record<string, string> = { ...m.labels };
    for (const name of matching.include ?? []) {
      const v = ownLabel(o.labels, name);
      if (v !== undefined && v !== '') putLabel(labels, name, v);
      else delete labels[name];
    }
    const key = labelsKey(labels);
    let seen = matched.get(sig);
    if (seen === undefined) matched.set(sig, (seen = new Set()));
    else if (seen.has(key)) throw new QueryError('bad_request', 'multiple matches for labels: grouping labels must ensure unique matches');
    seen.add(key);
    const l = swap ? o : m;
    const r = swap ? m : o;
    if (isCompare) {
      const t = compare(expr.op as '==', l.value, r.value);
      if (expr.returnBool) out.push({ labels, value: t ? 1 : 0 });
      else if (t) out.push({ labels, value: l.value });
    } else {
      const v = applyArithmetic(expr.op, l.value, r.value, false);
      if (v !== undefined) out.push({ labels, value: v });
    }
  }
  return out;
}
