import { parser } from '@grafana/lezer-logql';
import type { SyntaxNode } from '@lezer/common';
import type {
  BinaryOp,
  CompareOp,
  Extraction,
  Grouping,
  LabelFilter,
  LabelFormatItem,
  LabelMatcher,
  LabelSelectItem,
  LineFilter,
  LineFilterOp,
  LogSelector,
  MatchOp,
  MetricExpr,
  Query,
  RangeOp,
  Stage,
  Unwrap,
  VectorMatching,
  VectorOp,
} from './ast.js';
import { parseBytes, parseGoDuration, parseRangeDuration } from './units.js';
import { compileRegex } from './regex.js';
import { QueryError } from './types.js';

/*
 * LogQL text -> the engine's AST. The grammar is Grafana's own
 * (@grafana/lezer-logql, the one Grafana's query editor uses), so what parses
 * here parses in Grafana. That grammar has no operator precedence: `a + b * c`
 * comes out as `(a + b) * c`. Loki's parser (pkg/logql/syntax/expr.y) gives
 * `^` (right-associative) > `* / %` > `+ -` > comparisons > `and unless` > `or`,
 * so chains of binary operators are flattened and rebuilt with those
 * precedences; parentheses stay as written.
 */

const RANGE_OPS = new Set<string>([
  'count_over_time', 'rate', 'bytes_over_time', 'bytes_rate', 'absent_over_time', 'sum_over_time', 'avg_over_time',
  'min_over_time', 'max_over_time', 'first_over_time', 'last_over_time', 'stddev_over_time', 'stdvar_over_time',
  'quantile_over_time', 'rate_counter',
]);
const UNWRAP_OPS = new Set<string>([
  'sum_over_time', 'avg_over_time', 'min_over_time', 'max_over_time', 'first_over_time', 'last_over_time',
  'stddev_over_time', 'stdvar_over_time', 'quantile_over_time', 'rate_counter',
]);
/** Range aggregations that accept `by` / `without` (Loki's RangeAggregationExpr.validate). */
const GROUPABLE_OPS = new Set<string>([
  'avg_over_time', 'stddev_over_time', 'stdvar_over_time', 'quantile_over_time', 'max_over_time', 'min_over_time', 'first_over_time', 'last_over_time',
]);
const VECTOR_OPS = new Set<string>(['sum', 'avg', 'min', 'max', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'sort', 'sort_desc']);

const PRECEDENCE: Record<BinaryOp, number> = {
  or: 1, and: 2, unless: 2, '==': 3, '!=': 3, '>': 3, '>=': 3, '<': 3, '<=': 3, '+': 4, '-': 4, '*': 5, '/': 5, '%': 5, '^': 6,
};
const BIN_OP_NODES: Record<string, BinaryOp> = {
  Or: 'or', And: 'and', Unless: 'unless', Add: '+', Sub: '-', Mul: '*', Div: '/', Mod: '%', Pow: '^',
  Eql: '==', Neq: '!=', Gtr: '>', Gte: '>=', Lss: '<', Lte: '<=',
};

/** Where a position is, as Loki says it: `line 1, col 8` (1-based). */
function lineCol(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const col = position - (before.lastIndexOf('\n') + 1) + 1;
  return `line ${line}, col ${col}`;
}

function syntaxError(text: string, position: number, what: string): QueryError {
  return new QueryError('syntax', `parse error at ${lineCol(text, position)}: ${what}`, position);
}

function unsupported(what: string): QueryError {
  return new QueryError('unsupported', `${what} is not supported by the local engine; run the query on Loki (--loki URL)`);
}

/**
 * Parses a LogQL query.
 *
 * @throws QueryError `syntax` (with the 0-based `position` of the first error)
 *   when the text does not parse; `unsupported` for valid LogQL the local
 *   engine does not evaluate (it names the construct and suggests Loki).
 *
 * @example
 * parseQuery('sum by (event_name) (count_over_time({service_name="api"}[5m]))');
 */
export function parseQuery(text: string): Query {
  if (text.trim() === '') throw syntaxError(text, 0, 'syntax error: empty query');
  const tree = parser.parse(text);
  let errorAt = -1;
  tree.iterate({
    enter(node) {
      if (errorAt >= 0) return false;
      if (node.type.isError) {
        errorAt = node.from;
        return false;
      }
      return undefined;
    },
  });
  if (errorAt >= 0) {
    const near = text.slice(errorAt, errorAt + 20);
    throw syntaxError(text, errorAt, near === '' ? 'syntax error: unexpected end of query' : `syntax error: unexpected ${JSON.stringify(near)}`);
  }
  const builder = new Builder(text);
  const top = tree.topNode.firstChild; // LogQL > Expr
  if (top === null) throw syntaxError(text, 0, 'syntax error: empty query');
  return builder.expr(top);
}

class Builder {
  constructor(private readonly text: string) {}

  private src(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  private children(node: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = node.firstChild; c !== null; c = c.nextSibling) out.push(c);
    return out;
  }

  private child(node: SyntaxNode, name: string): SyntaxNode | null {
    for (let c = node.firstChild; c !== null; c = c.nextSibling) if (c.name === name) return c;
    return null;
  }

  private fail(node: SyntaxNode, what: string): never {
    throw syntaxError(this.text, node.from, what);
  }

  /** An Expr, MetricExpr or LogExpr node. */
  expr(node: SyntaxNode): Query {
    const kids = this.children(node);
    if (node.name === 'Expr') {
      const only = kids[0];
      if (only === undefined) this.fail(node, 'syntax error: empty expression');
      if (only.name === 'LogExpr') return this.logExpr(only);
      return this.metric(only);
    }
    if (node.name === 'LogExpr') return this.logExpr(node);
    return this.metric(node);
  }

  private metricOf(node: SyntaxNode): MetricExpr {
    const q = this.expr(node);
    if (q.kind === 'log') this.fail(node, 'syntax error: a log query cannot be used inside a metric query');
    return q;
  }

  private metric(node: SyntaxNode): MetricExpr {
    switch (node.name) {
      case 'MetricExpr': {
        const kids = this.children(node);
        if (kids.length !== 1) this.fail(node, `syntax error: unexpected ${JSON.stringify(this.src(node))}`);
        return this.metric(kids[0]!);
      }
      case 'Expr':
        return this.metricOf(node);
      case 'RangeAggregationExpr':
        return this.rangeAggregation(node);
      case 'VectorAggregationExpr':
        return this.vectorAggregation(node);
      case 'BinOpExpr':
        return this.binary(node);
      case 'LiteralExpr':
        return { kind: 'literal', value: this.literal(node) };
      case 'VectorExpr': {
        const num = this.child(node, 'Number');
        if (num === null) this.fail(node, 'syntax error: vector() needs a number');
        return { kind: 'vector', value: Number(this.src(num)) };
      }
      case 'LabelReplaceExpr':
        throw unsupported('label_replace()');
      default:
        throw unsupported(`${JSON.stringify(this.src(node))} (${node.name})`);
    }
  }

  private literal(node: SyntaxNode): number {
    const kids = this.children(node);
    let sign = 1;
    let value = NaN;
    for (const k of kids) {
      if (k.name === 'Sub') sign = -sign;
      else if (k.name === 'Number') value = parseNumber(this.src(k));
    }
    return sign * value;
  }

  /** True when `node` (a MetricExpr or Expr) is written in parentheses: its operands are not re-associated. */
  private parenthesised(node: SyntaxNode): boolean {
    const s = this.src(node).trimStart();
    if (!s.startsWith('(')) return false;
    const inner = node.firstChild;
    return inner !== null && inner.from > node.from;
  }

  /** Collects a chain of unparenthesised binary operations: operands and operators in order. */
  private flatten(node: SyntaxNode, operands: SyntaxNode[], ops: { op: BinaryOp; modifier: SyntaxNode | null; at: SyntaxNode }[]): void {
    const unwrap = (n: SyntaxNode): SyntaxNode | null => {
      // Expr > MetricExpr > BinOpExpr, with no parentheses on the way.
      let cur: SyntaxNode | null = n;
      while (cur !== null && (cur.name === 'Expr' || cur.name === 'MetricExpr')) {
        if (this.parenthesised(cur)) return null;
        const kids = this.children(cur);
        if (kids.length !== 1) return null;
        cur = kids[0]!;
      }
      return cur !== null && cur.name === 'BinOpExpr' ? cur : null;
    };
    const kids = this.children(node);
    let i = 0;
    const left = kids[i++]!;
    const leftBin = unwrap(left);
    if (leftBin !== null) this.flatten(leftBin, operands, ops);
    else operands.push(left);
    const opNode = kids[i++]!;
    const op = BIN_OP_NODES[opNode.name];
    if (op === undefined) this.fail(opNode, `syntax error: unexpected ${JSON.stringify(this.src(opNode))}`);
    let modifier: SyntaxNode | null = null;
    if (kids[i]?.name === 'BinOpModifier') modifier = kids[i++]!;
    ops.push({ op, modifier, at: opNode });
    const right = kids[i]!;
    const rightBin = unwrap(right);
    if (rightBin !== null) this.flatten(rightBin, operands, ops);
    else operands.push(right);
  }

  private binary(node: SyntaxNode): MetricExpr {
    const operands: SyntaxNode[] = [];
    const ops: { op: BinaryOp; modifier: SyntaxNode | null; at: SyntaxNode }[] = [];
    this.flatten(node, operands, ops);
    const values = operands.map((o) => this.metricOf(o));
    // Precedence climbing over the flat list.
    let pos = 0;
    const climb = (minPrec: number): MetricExpr => {
      let left = values[pos]!;
      while (pos < ops.length && PRECEDENCE[ops[pos]!.op] >= minPrec) {
        const { op, modifier, at } = ops[pos]!;
        const prec = PRECEDENCE[op];
        pos++;
        const right = climb(op === '^' ? prec : prec + 1);
        left = this.makeBinary(op, modifier, at, left, right);
      }
      return left;
    };
    const out = climb(0);
    return out;
  }

  private makeBinary(op: BinaryOp, modifier: SyntaxNode | null, at: SyntaxNode, left: MetricExpr, right: MetricExpr): MetricExpr {
    let returnBool = false;
    let matching: VectorMatching | undefined;
    if (modifier !== null) {
      for (const m of this.children(modifier)) {
        if (m.name === 'Bool') returnBool = true;
        else if (m.name === 'OnOrIgnoringModifier') {
          const on = this.child(m, 'On') !== null;
          const labels: string[] = [];
          const grouping = this.child(m, 'GroupingLabels');
          if (grouping !== null) collectNames(grouping, this.text, labels);
          matching = { on, labels };
        } else if (m.name === 'GroupLeft' || m.name === 'GroupRight') throw unsupported('group_left / group_right');
      }
    }
    const isSet = op === 'or' || op === 'and' || op === 'unless';
    const isCompare = op === '==' || op === '!=' || op === '>' || op === '>=' || op === '<' || op === '<=';
    if (returnBool && !isCompare) this.fail(at, 'syntax error: bool modifier can only be used on comparison operators');
    const leftLit = left.kind === 'literal';
    const rightLit = right.kind === 'literal';
    if (isSet && (leftLit || rightLit)) this.fail(at, `syntax error: unexpected literal for right leg of logical/set binary operation (${op})`);
    // Loki folds literal-only expressions at parse time (mustNewBinOpExpr).
    if (leftLit && rightLit) {
      const v = applyArithmetic(op, left.value, right.value, returnBool);
      if (v === undefined) this.fail(at, 'syntax error: comparison between two literals needs the bool modifier');
      return { kind: 'literal', value: v };
    }
    return { kind: 'binary', op, returnBool, ...(matching !== undefined ? { matching } : {}), left, right };
  }

  private rangeAggregation(node: SyntaxNode): MetricExpr {
    const opNode = this.child(node, 'RangeOp')!;
    const op = this.src(opNode) as RangeOp;
    if (!RANGE_OPS.has(op)) throw unsupported(`${op}()`);
    const logRange = this.child(node, 'LogRangeExpr');
    if (logRange === null) this.fail(node, `syntax error: ${op} needs a log range ({...}[range])`);
    const num = this.child(node, 'Number');
    const grouping = this.child(node, 'Grouping');
    const parsed = this.logRange(logRange);
    const out: MetricExpr = {
      kind: 'range',
      op,
      selector: parsed.selector,
      rangeNs: parsed.rangeNs,
      offsetNs: parsed.offsetNs,
      ...(parsed.unwrap !== undefined ? { unwrap: parsed.unwrap } : {}),
      ...(num !== null ? { param: parseNumber(this.src(num)) } : {}),
      ...(grouping !== null ? { grouping: this.grouping(grouping) } : {}),
    };
    if (op === 'quantile_over_time' && out.param === undefined) this.fail(node, 'syntax error: quantile_over_time needs a parameter');
    if (UNWRAP_OPS.has(op) && out.unwrap === undefined) {
      this.fail(node, `syntax error: invalid aggregation ${op} without unwrap`);
    }
    if (!UNWRAP_OPS.has(op) && op !== 'rate' && out.unwrap !== undefined) {
      this.fail(node, `syntax error: invalid aggregation ${op} with unwrap`);
    }
    if (out.grouping !== undefined && !GROUPABLE_OPS.has(op)) {
      // Loki's RangeAggregationExpr.validate: a parse error, as Loki words it.
      throw new QueryError('syntax', `parse error : grouping not allowed for ${op} aggregation`, grouping!.from);
    }
    if (op === 'rate_counter') throw unsupported('rate_counter()');
    return out;
  }

  private logRange(node: SyntaxNode): { selector: LogSelector; rangeNs: bigint; offsetNs: bigint; unwrap?: Unwrap } {
    let selector: LogSelector | undefined;
    let rangeNs: bigint | undefined;
    let offsetNs = 0n;
    let unwrap: Unwrap | undefined;
    const stagesBefore: Stage[] = [];
    let matchers: LabelMatcher[] = [];
    for (const c of this.children(node)) {
      switch (c.name) {
        case 'Selector':
          matchers = this.selector(c);
          break;
        case 'PipelineExpr':
          this.pipeline(c, stagesBefore);
          break;
        case 'UnwrapExpr':
          unwrap = this.unwrap(c);
          break;
        case 'Range': {
          const d = this.child(c, 'Duration');
          rangeNs = parseRangeDuration(this.src(d ?? c));
          break;
        }
        case 'OffsetExpr': {
          const d = this.child(c, 'Duration');
          offsetNs = parseRangeDuration(this.src(d ?? c));
          break;
        }
        case 'LogRangeExpr': {
          // `({...} | json)[5m]`: the inner log range.
          const inner = this.logRange(c);
          selector = inner.selector;
          if (inner.unwrap !== undefined) unwrap = inner.unwrap;
          break;
        }
        case 'LogExpr': {
          const q = this.logExpr(c);
          selector = q;
          break;
        }
        default:
          break;
      }
    }
    if (selector === undefined) selector = { kind: 'log', matchers, stages: stagesBefore };
    else selector = { kind: 'log', matchers: selector.matchers, stages: [...selector.stages, ...stagesBefore] };
    if (rangeNs === undefined) this.fail(node, 'syntax error: missing range ([5m])');
    return { selector, rangeNs, offsetNs, ...(unwrap !== undefined ? { unwrap } : {}) };
  }

  private unwrap(node: SyntaxNode): Unwrap {
    // UnwrapExpr is left-recursive: (UnwrapExpr | LabelFilter)*.
    const filters: LabelFilter[] = [];
    let label: string | undefined;
    let conversion: Unwrap['conversion'];
    const walk = (n: SyntaxNode): void => {
      for (const c of this.children(n)) {
        if (c.name === 'UnwrapExpr') walk(c);
        else if (c.name === 'Identifier') label = this.src(c);
        else if (c.name === 'ConvOp') {
          const conv = this.src(c);
          if (conv !== 'duration' && conv !== 'duration_seconds' && conv !== 'bytes') throw unsupported(`unwrap ${conv}()`);
          conversion = conv;
        } else if (c.name === 'LabelFilter') filters.push(this.labelFilter(c));
      }
    };
    walk(node);
    if (label === undefined) this.fail(node, 'syntax error: unwrap needs a label');
    return { label, filters, ...(conversion !== undefined ? { conversion } : {}) };
  }

  private grouping(node: SyntaxNode): Grouping {
    const without = this.child(node, 'Without') !== null;
    const labels: string[] = [];
    const list = this.child(node, 'Labels');
    if (list !== null) collectNames(list, this.text, labels);
    return { without, labels };
  }

  private vectorAggregation(node: SyntaxNode): MetricExpr {
    const opNode = this.child(node, 'VectorOp')!;
    const op = this.src(opNode) as VectorOp;
    if (!VECTOR_OPS.has(op)) throw unsupported(`${op}()`);
    let grouping: Grouping | undefined;
    let param: number | undefined;
    let inner: MetricExpr | undefined;
    for (const c of this.children(node)) {
      if (c.name === 'Grouping') grouping = this.grouping(c);
      else if (c.name === 'Number') param = parseNumber(this.src(c));
      else if (c.name === 'MetricExpr' || c.name === 'Expr') inner = this.metricOf(c);
      else if (c.name === 'RangeAggregationExpr' || c.name === 'VectorAggregationExpr' || c.name === 'BinOpExpr' || c.name === 'LiteralExpr') {
        inner = this.metric(c);
      }
    }
    if (inner === undefined) this.fail(node, `syntax error: ${op} needs an expression`);
    if ((op === 'topk' || op === 'bottomk') && param === undefined) this.fail(node, `syntax error: parameter required for operation ${op}`);
    if ((op === 'topk' || op === 'bottomk') && (!Number.isInteger(param) || param! <= 0)) {
      this.fail(node, `syntax error: invalid parameter (must be greater than 0) ${op}(${param},`);
    }
    return { kind: 'vector_agg', op, inner, ...(grouping !== undefined ? { grouping } : {}), ...(param !== undefined ? { param } : {}) };
  }

  private logExpr(node: SyntaxNode): LogSelector {
    let matchers: LabelMatcher[] = [];
    const stages: Stage[] = [];
    for (const c of this.children(node)) {
      if (c.name === 'Selector') matchers = this.selector(c);
      else if (c.name === 'PipelineExpr') this.pipeline(c, stages);
      else if (c.name === 'LogExpr') {
        const inner = this.logExpr(c);
        matchers = inner.matchers;
        stages.unshift(...inner.stages);
      }
    }
    if (matchers.length === 0) this.fail(node, 'syntax error: queries require at least one regexp or equality matcher that does not have an empty-compatible value');
    if (matchers.every((m) => matchesEmpty(m))) {
      throw new QueryError(
        'syntax',
        'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will',
        node.from,
      );
    }
    return { kind: 'log', matchers, stages };
  }

  private selector(node: SyntaxNode): LabelMatcher[] {
    const out: LabelMatcher[] = [];
    const walk = (n: SyntaxNode): void => {
      for (const c of this.children(n)) {
        if (c.name === 'Matchers') walk(c);
        else if (c.name === 'Matcher') out.push(this.matcher(c));
      }
    };
    walk(node);
    return out;
  }

  private matcher(node: SyntaxNode): LabelMatcher {
    const name = this.src(this.child(node, 'Identifier')!);
    const opNode = this.children(node).find((c) => c.name === 'Eq' || c.name === 'Neq' || c.name === 'Re' || c.name === 'Nre');
    const op = this.src(opNode!) as MatchOp;
    const strNode = this.child(node, 'String')!;
    const value = this.string(strNode);
    const m: LabelMatcher = { name, op, value };
    if (op === '=~' || op === '!~') m.re = this.regex(strNode, value, true);
    return m;
  }

  private regex(node: SyntaxNode, source: string, anchored: boolean): RegExp {
    try {
      return compileRegex(source, anchored);
    } catch (e) {
      if (e instanceof QueryError) throw e;
      throw syntaxError(this.text, node.from, `invalid regular expression ${JSON.stringify(source)}: ${(e as Error).message}`);
    }
  }

  private string(node: SyntaxNode): string {
    try {
      return unquote(this.src(node));
    } catch (e) {
      throw syntaxError(this.text, node.from, (e as Error).message);
    }
  }

  private pipeline(node: SyntaxNode, out: Stage[]): void {
    for (const c of this.children(node)) {
      if (c.name === 'PipelineExpr') this.pipeline(c, out);
      else if (c.name === 'PipelineStage') this.stage(c, out);
    }
  }

  private stage(node: SyntaxNode, out: Stage[]): void {
    for (const c of this.children(node)) {
      switch (c.name) {
        case 'Pipe':
          break;
        case 'LineFilters':
          this.lineFilters(c, out);
          break;
        case 'LabelParser': {
          const kind = this.src(c).trim();
          if (kind === 'json') out.push({ kind: 'json' });
          else if (kind === 'logfmt') out.push({ kind: 'logfmt', strict: false, keepEmpty: false });
          else throw unsupported(`| ${kind}`);
          break;
        }
        case 'LogfmtParser': {
          const flags = this.src(c);
          out.push({ kind: 'logfmt', strict: flags.includes('--strict'), keepEmpty: flags.includes('--keep-empty') });
          break;
        }
        case 'JsonExpressionParser':
          out.push({ kind: 'json', params: this.extractions(c) });
          break;
        case 'LogfmtExpressionParser': {
          const flags = this.src(c);
          out.push({
            kind: 'logfmt',
            params: this.extractions(c),
            strict: /--strict\b/.test(flags),
            keepEmpty: /--keep-empty\b/.test(flags),
          });
          break;
        }
        case 'LabelFilter':
          out.push({ kind: 'label_filter', filter: this.labelFilter(c) });
          break;
        case 'LineFormatExpr':
          out.push({ kind: 'line_format', template: this.string(this.child(c, 'String')!) });
          break;
        case 'LabelFormatExpr':
          out.push({ kind: 'label_format', items: this.labelFormat(c) });
          break;
        case 'KeepLabelsExpr':
          out.push({ kind: 'keep', items: this.labelSelect(c, 'KeepLabel') });
          break;
        case 'DropLabelsExpr':
          out.push({ kind: 'drop', items: this.labelSelect(c, 'DropLabel') });
          break;
        case 'DecolorizeExpr':
          out.push({ kind: 'decolorize' });
          break;
        default:
          throw unsupported(`| ${this.src(c)}`);
      }
    }
  }

  private lineFilters(node: SyntaxNode, out: Stage[]): void {
    for (const c of this.children(node)) {
      if (c.name === 'LineFilters') this.lineFilters(c, out);
      else if (c.name === 'LineFilter') out.push({ kind: 'line_filter', filter: this.lineFilter(c) });
    }
  }

  private lineFilter(node: SyntaxNode): LineFilter {
    const filter = this.child(node, 'Filter')!;
    const op = this.src(filter) as LineFilterOp | '|>' | '!>';
    if (op === '|>' || op === '!>') throw unsupported(`pattern line filter ${op}`);
    if (this.child(node, 'FilterOp') !== null) throw unsupported('ip() line filter');
    const strings: SyntaxNode[] = [];
    const walk = (n: SyntaxNode): void => {
      for (const c of this.children(n)) {
        if (c.name === 'String') strings.push(c);
        else if (c.name === 'OrFilter') walk(c);
        else if (c.name === 'FilterOp') throw unsupported('ip() line filter');
      }
    };
    walk(node);
    const values = strings.map((s) => this.string(s));
    const f: LineFilter = { op, values };
    if (op === '|~' || op === '!~') f.res = strings.map((s, i) => this.regex(s, values[i]!, false));
    return f;
  }

  private extractions(node: SyntaxNode): Extraction[] {
    const out: Extraction[] = [];
    const walk = (n: SyntaxNode): void => {
      for (const c of this.children(n)) {
        if (c.name === 'LabelExtractionExpressionList') walk(c);
        else if (c.name === 'LabelExtractionExpression') {
          const label = this.src(this.child(c, 'Identifier')!);
          const str = this.child(c, 'String');
          out.push({ label, expr: str !== null ? this.string(str) : label });
        }
      }
    };
    walk(node);
    return out;
  }

  private labelFormat(node: SyntaxNode): LabelFormatItem[] {
    const out: LabelFormatItem[] = [];
    const walk = (n: SyntaxNode): void => {
      for (const c of this.children(n)) {
        if (c.name === 'LabelsFormat') walk(c);
        else if (c.name === 'LabelFormatMatcher') {
          const ids = this.children(c).filter((k) => k.name === 'Identifier');
          const str = this.child(c, 'String');
          const dst = this.src(ids[0]!);
          if (str !== null) out.push({ dst, template: this.string(str) });
          else out.push({ dst, src: this.src(ids[1]!) });
        }
      }
    };
    walk(node);
    return out;
  }

  private labelSelect(node: SyntaxNode, itemName: string): LabelSelectItem[] {
    const out: LabelSelectItem[] = [];
    const walk = (n: SyntaxNode): void => {
      for (const c of this.children(n)) {
        if (c.name === itemName) {
          const m = this.child(c, 'Matcher');
          if (m !== null) {
            const matcher = this.matcher(m);
            out.push({ name: matcher.name, matcher });
          } else out.push({ name: this.src(this.child(c, 'Identifier')!) });
        } else if (c.name === 'KeepLabels' || c.name === 'DropLabels') walk(c);
      }
    };
    walk(node);
    return out;
  }

  private labelFilter(node: SyntaxNode): LabelFilter {
    // Flatten `a or b and c` chains, then rebuild with `and` binding tighter than `or` (Loki's expr.y).
    const operands: SyntaxNode[] = [];
    const ops: ('and' | 'or')[] = [];
    const flat = (n: SyntaxNode): void => {
      const kids = this.children(n);
      const isChain = kids.length >= 2 && kids.every((k) => k.name === 'LabelFilter' || k.name === 'And' || k.name === 'Or' || k.name === ',');
      if (!isChain) {
        operands.push(n);
        return;
      }
      let expectOperand = true;
      for (const k of kids) {
        if (k.name === 'LabelFilter') {
          if (!expectOperand) ops.push('and'); // `| a="1" b="2"` and `a="1", b="2"` mean `and`
          flat(k);
          expectOperand = false;
        } else if (k.name === 'And' || k.name === 'Or') {
          ops.push(k.name === 'And' ? 'and' : 'or');
          expectOperand = true;
        }
      }
    };
    flat(node);
    const leaves = operands.map((o) => this.labelFilterLeaf(o));
    // `and` first.
    const ors: LabelFilter[] = [];
    let current = leaves[0]!;
    for (let i = 0; i < ops.length; i++) {
      const next = leaves[i + 1]!;
      if (ops[i] === 'and') current = { kind: 'and', left: current, right: next };
      else {
        ors.push(current);
        current = next;
      }
    }
    ors.push(current);
    return ors.reduce((l, r) => ({ kind: 'or', left: l, right: r }));
  }

  private labelFilterLeaf(node: SyntaxNode): LabelFilter {
    const kids = this.children(node);
    if (node.name === 'LabelFilter' && kids.length === 1) return this.labelFilterLeaf(kids[0]!);
    // Parenthesised label filter: `( a="1" or b="2" )`.
    if (node.name === 'LabelFilter') {
      const inner = kids.find((k) => k.name === 'LabelFilter');
      if (inner !== undefined) return this.labelFilter(inner);
    }
    switch (node.name) {
      case 'Matcher':
        return { kind: 'string', matcher: this.matcher(node) };
      case 'UnitFilter':
        return this.labelFilterLeaf(kids[0]!);
      case 'NumberFilter':
      case 'DurationFilter':
      case 'BytesFilter': {
        const name = this.src(this.child(node, 'Identifier')!);
        const opNode = kids.find((k) => ['Gtr', 'Gte', 'Lss', 'Lte', 'Eql', 'Neq', 'Eq'].includes(k.name))!;
        let op = this.src(opNode) as CompareOp | '=';
        if (op === '=') op = '==';
        if (node.name === 'NumberFilter') {
          const lit = this.child(node, 'LiteralExpr');
          const value = lit !== null ? this.literal(lit) : parseNumber(this.src(this.child(node, 'Number')!));
          return { kind: 'number', name, op, value };
        }
        if (node.name === 'DurationFilter') {
          const d = this.child(node, 'Duration')!;
          return { kind: 'duration', name, op, value: parseGoDurationOrFail(this.src(d), (m) => this.fail(d, m)) };
        }
        const b = this.child(node, 'Bytes')!;
        const bytes = parseBytes(this.src(b));
        if (bytes === undefined) this.fail(b, `syntax error: invalid bytes ${JSON.stringify(this.src(b))}`);
        return { kind: 'bytes', name, op, value: bytes };
      }
      case 'IpLabelFilter':
        throw unsupported('ip() label filter');
      default:
        throw unsupported(`label filter ${JSON.stringify(this.src(node))}`);
    }
  }
}

function parseGoDurationOrFail(s: string, fail: (m: string) => never): number {
  const ns = parseGoDuration(s);
  if (ns === undefined) fail(`syntax error: invalid duration ${JSON.stringify(s)}`);
  return ns;
}

function collectNames(node: SyntaxNode, text: string, out: string[]): void {
  for (let c = node.firstChild; c !== null; c = c.nextSibling) {
    if (c.name === 'Identifier' || c.name === 'LabelName') out.push(text.slice(c.from, c.to));
    else collectNames(c, text, out);
  }
}

function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.op) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return m.re!.test('');
    case '!~':
      return !m.re!.test('');
  }
}

/** A LogQL number literal: decimal, hex (`0x1f`), or with an exponent. */
function parseNumber(s: string): number {
  const n = Number(s);
  if (Number.isNaN(n) && s.toLowerCase() !== 'nan') throw new QueryError('syntax', `parse error: invalid number ${JSON.stringify(s)}`);
  return n;
}

/** Arithmetic and comparison on two numbers, as Loki's `mergeBinOp` does for scalars. */
export function applyArithmetic(op: BinaryOp, l: number, r: number, returnBool: boolean): number | undefined {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      // Loki's MergeBinOp guards against division by zero with NaN (not ±Inf).
      return r === 0 ? NaN : l / r;
    case '%':
      return r === 0 ? NaN : goMod(l, r);
    case '^':
      return Math.pow(l, r);
    case '==':
    case '!=':
    case '>':
    case '>=':
    case '<':
    case '<=': {
      const t = compare(op, l, r);
      if (returnBool) return t ? 1 : 0;
      return t ? l : undefined;
    }
    default:
      return undefined;
  }
}

export function compare(op: CompareOp, l: number, r: number): boolean {
  switch (op) {
    case '==':
      return l === r;
    case '!=':
      return l !== r;
    case '>':
      return l > r;
    case '>=':
      return l >= r;
    case '<':
      return l < r;
    case '<=':
      return l <= r;
  }
}

/** Go's `math.Mod`: the sign of the result is the sign of `l`, like JavaScript's `%`. */
function goMod(l: number, r: number): number {
  return l % r;
}

/**
 * Go's `strconv.Unquote` for LogQL strings: `"..."` with Go escapes, or
 * `` `...` `` raw.
 */
export function unquote(s: string): string {
  if (s.startsWith('`')) return s.slice(1, -1);
  const body = s.slice(1, -1);
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const e = body[++i];
    switch (e) {
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case "'": throw new Error(`invalid escape \\' in ${s}`);
      case 'x': {
        const hex = body.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Error(`invalid escape \\x${hex} in ${s}`);
        out += String.fromCharCode(parseInt(hex, 16));
        i += 2;
        break;
      }
      case 'u':
      case 'U': {
        const len = e === 'u' ? 4 : 8;
        const hex = body.slice(i + 1, i + 1 + len);
        if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) throw new Error(`invalid escape \\${e}${hex} in ${s}`);
        out += String.fromCodePoint(parseInt(hex, 16));
        i += len;
        break;
      }
      default: {
        if (e !== undefined && e >= '0' && e <= '7') {
          const oct = body.slice(i, i + 3);
          if (!/^[0-7]{3}$/.test(oct)) throw new Error(`invalid escape \\${oct} in ${s}`);
          out += String.fromCharCode(parseInt(oct, 8));
          i += 2;
          break;
        }
        throw new Error(`invalid escape \\${e ?? ''} in ${s}`);
      }
    }
  }
  return out;
}
