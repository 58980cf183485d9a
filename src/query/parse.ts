import { parser } from '@grafana/lezer-logql';
import type { SyntaxNode, Tree } from '@lezer/common';
import { lowerKeywords, reorderUnwrapRanges } from './normalize.js';
import type { Stack } from '@lezer/lr';
import type { BinaryOp, Grouping, LabelFilter, LabelMatcher, LogSelector, MetricExpr, Query, RangeOp, Stage, Unwrap, VectorMatching, VectorOp } from './ast.js';
import { applyArithmetic } from './arithmetic.js';
import { collectNames, parseNumber, PipelineBuilder, syntaxError, unsupported } from './parse-pipeline.js';
import { parseRangeDuration } from './units.js';
import { compileSubmatchRegex, type LogqlSubmatchRegex } from './regex.js';
import { QueryError } from './types.js';
import { rangeFunction, unsupportedFunctionMessage, vectorFunction } from './functions.js';

/*
 * LogQL text -> the engine's AST. The grammar is Grafana's own
 * (@grafana/lezer-logql, the one Grafana's query editor uses), so what parses
 * here parses in Grafana. That grammar has no operator precedence: `a + b * c`
 * comes out as `(a + b) * c`. Loki's parser (pkg/logql/syntax/expr.y) gives
 * `^` (right-associative) > `* / %` > `+ -` > comparisons > `and unless` > `or`,
 * so chains of binary operators are flattened and rebuilt with those
 * precedences; parentheses stay as written.
 */

const PRECEDENCE: Record<BinaryOp, number> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '>': 3,
  '>=': 3,
  '<': 3,
  '<=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  '^': 6,
};
const BIN_OP_NODES: Record<string, BinaryOp> = {
  Or: 'or',
  And: 'and',
  Unless: 'unless',
  Add: '+',
  Sub: '-',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Pow: '^',
  Eql: '==',
  Neq: '!=',
  Gtr: '>',
  Gte: '>=',
  Lss: '<',
  Lte: '<=',
};

type Specializer = (value: string, stack: Stack) => number;

/**
 * The grammar's parser with its keyword specializers made safe for label
 * names that are Object.prototype members. @grafana/lezer-logql 0.3.0 looks
 * keywords up in plain objects (`keywordTokens[value.toLowerCase()] || -1`),
 * so `constructor` or `__proto__` finds an inherited member instead of "no
 * keyword", becomes token 0 and fails to parse, where Loki takes it as a
 * label name (`sum by (constructor) (…)`, `| keep __proto__`). The same
 * specializers, answering "not a keyword" (-1) for any non-number.
 */
const logql = parser.configure({
  specializers: ((parser as unknown as { specializerSpecs?: { external?: Specializer }[] }).specializerSpecs ?? []).flatMap((spec) => {
    const from = spec.external;
    if (from === undefined) return [];
    const to: Specializer = (value, stack) => {
      const token: unknown = from(value, stack);
      return typeof token === 'number' ? token : -1;
    };
    return [{ from, to }];
  }),
});

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
export function parseQuery(query: string): Query {
  if (query.trim() === '') throw syntaxError(query, 0, 'syntax error: empty query');
  let text = lowerKeywords(query);
  const watched = parseWatched(text);
  let tree = watched.tree;
  // Past one of lezer's limits the parser forces the parse out of the expression; when that breaks it
  // (an error where there is none, or a tree the builder refuses), say which limit rather than where.
  const limit = watched.limit !== undefined ? PARSER_LIMITS[watched.limit] : undefined;
  let errorAt = firstError(tree);
  if (errorAt >= 0) {
    // A log range Loki's grammar accepts in an order Grafana's does not.
    const reordered = reorderUnwrapRanges(text);
    if (reordered !== undefined) {
      const again = logql.parse(reordered);
      if (firstError(again) < 0) {
        text = reordered;
        tree = again;
        errorAt = -1;
      }
    }
  }
  if (errorAt >= 0) {
    if (limit !== undefined) throw limit;
    const near = query.slice(errorAt, errorAt + 20);
    throw syntaxError(query, errorAt, near === '' ? 'syntax error: unexpected end of query' : `syntax error: unexpected ${JSON.stringify(near)}`);
  }
  const builder = new Builder(text);
  const top = tree.topNode.firstChild; // LogQL > Expr
  if (top === null) throw syntaxError(text, 0, 'syntax error: empty query');
  try {
    return builder.expr(top);
  } catch (e) {
    throw limit !== undefined && e instanceof QueryError && e.code === 'syntax' ? limit : e;
  }
}

/**
 * The limits @lezer/lr puts on a parse to keep its trees shallow enough to
 * walk (`Rec.MaxLeftAssociativeReductionCount`, `Rec.CutDepth` in its
 * parse.ts). Past one, it forces the parse out of the expression, and the
 * valid query after that point reads as a syntax error.
 */
const PARSER_LIMITS = {
  chain: new QueryError(
    'unsupported',
    'query too long for the local parser: one chain of terms (`+ vector(1)`, `|= "a"` stages, matchers, `and` filters) runs on for more than 300 further terms after its first 2,000 characters, past the LogQL parser\'s limit (lezer); split it into shorter queries, or run it on Loki (--loki URL)',
  ),
  depth: new QueryError(
    'unsupported',
    "query too deep for the local parser: more than about 2,800 nested expressions (parentheses, function calls), past the LogQL parser's limit (lezer); nest less, or run it on Loki (--loki URL)",
  ),
} as const;

/** The internals of @lezer/lr's Parse that its two limits read (dist/index.js: `bigReductionCount`, `stacks[i].stack`). */
interface LezerParse {
  advance(): Tree | null;
  bigReductionCount: number;
  stacks: { stack: number[] }[];
}

/**
 * `logql.parse(text)`, noting when the parse reaches one of lezer's limits:
 * the same tests the parser makes before each step (a stack of 8,400
 * entries, 2,800 frames, is cut; 300 reductions of 2,000 characters or more
 * from one start are forced out when one stack is left).
 */
function parseWatched(text: string): { tree: Tree; limit?: keyof typeof PARSER_LIMITS } {
  const parse = logql.startParse(text) as unknown as LezerParse;
  let limit: keyof typeof PARSER_LIMITS | undefined;
  for (;;) {
    if (limit === undefined) {
      if (parse.bigReductionCount > 300 && parse.stacks.length === 1) limit = 'chain';
      else if (text.length > 2000 && parse.stacks.some((st) => st.stack.length >= 8000)) limit = 'depth';
    }
    const tree = parse.advance();
    if (tree !== null) return limit === undefined ? { tree } : { tree, limit };
  }
}

function firstError(tree: Tree): number {
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
  return errorAt;
}

/** Builds the AST from the syntax tree: metric expressions here, the pipeline in PipelineBuilder. */
class Builder extends PipelineBuilder {
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
        return this.labelReplace(node);
      default:
        throw unsupported(`${JSON.stringify(this.src(node))} (${node.name})`);
    }
  }

  /** `label_replace(v, "dst", "replacement", "src", "regex")`, as Loki's mustNewLabelReplaceExpr builds it (pkg/logql/syntax/ast.go). */
  private labelReplace(node: SyntaxNode): MetricExpr {
    const inner = this.children(node).find((c) => c.name === 'MetricExpr' || c.name === 'Expr');
    const strings = this.children(node).filter((c) => c.name === 'String');
    if (inner === undefined || strings.length !== 4)
      this.fail(node, 'syntax error: label_replace(v, "dst", "replacement", "src", "regex") needs a vector and four strings');
    const [dst, replacement, src, regex] = strings.map((s) => this.string(s)) as [string, string, string, string];
    let re: LogqlSubmatchRegex;
    try {
      re = compileSubmatchRegex(`^(?:${regex})$`);
    } catch (e) {
      throw new QueryError('syntax', `parse error : invalid regex in label_replace: ${(e as Error).message}`, strings[3]!.from);
    }
    const metric = this.metric(inner);
    if (metric.kind === 'literal') throw unsupported('label_replace() of a scalar');
    return { kind: 'label_replace', inner: metric, dst, replacement, src, re };
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
        } else if (m.name === 'GroupLeft' || m.name === 'GroupRight') {
          if (matching === undefined) this.fail(m, `syntax error: ${this.src(m)} needs on (…) or ignoring (…)`);
          matching.card = m.name === 'GroupLeft' ? 'many-to-one' : 'one-to-many';
          matching.include = [];
          const next = m.nextSibling;
          if (next !== null && next.name === 'GroupingLabels') collectNames(next, this.text, matching.include);
        }
      }
    }
    // Loki refuses a group modifier on a set operator ("no grouping allowed for and, or, unless operations"); not evaluated here.
    if (matching?.card !== undefined && (op === 'or' || op === 'and' || op === 'unless')) throw unsupported(`group_left / group_right with ${op}`);
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
    const fn = rangeFunction(op);
    if (fn === undefined) throw new QueryError('unsupported', unsupportedFunctionMessage(op));
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
    if (fn.param && out.param === undefined) this.fail(node, `syntax error: ${op} needs a parameter`);
    if (!fn.param && num !== null) {
      throw new QueryError('syntax', `parse error : parameter ${this.src(num)} not supported for operation ${op}`, node.from);
    }
    // Loki's RangeAggregationExpr.validate, in its order and words.
    if (out.grouping !== undefined && !fn.grouping) {
      throw new QueryError('syntax', `parse error : grouping not allowed for ${op} aggregation`, grouping!.from);
    }
    if (fn.unwrap === 'required' && out.unwrap === undefined) this.fail(node, `syntax error: invalid aggregation ${op} without unwrap`);
    if (fn.unwrap === 'never' && out.unwrap !== undefined) this.fail(node, `syntax error: invalid aggregation ${op} with unwrap`);
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
          try {
            rangeNs = parseRangeDuration(this.src(d ?? c));
          } catch (e) {
            this.fail(c, `syntax error: ${(e as Error).message}`);
          }
          break;
        }
        case 'OffsetExpr': {
          // `offset 10m`, or a negative offset (`offset -2s`) as Loki allows.
          const text = this.src(c)
            .replace(/^\s*offset\s*/i, '')
            .replace(/\s+/g, '');
          const negative = text.startsWith('-');
          try {
            offsetNs = parseRangeDuration(negative ? text.slice(1) : text);
          } catch (e) {
            this.fail(c, `syntax error: ${(e as Error).message}`);
          }
          if (negative) offsetNs = -offsetNs;
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
    const fn = vectorFunction(op);
    if (fn === undefined) throw new QueryError('unsupported', unsupportedFunctionMessage(op));
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
    // Loki's mustNewVectorAggregationExpr and parser.go validation, in Loki's words.
    if (param !== undefined && !fn.param) {
      throw new QueryError('syntax', `parse error : unsupported parameter for operation ${op}(${this.src(this.child(node, 'Number')!)},`, node.from);
    }
    if (!fn.grouping && grouping !== undefined) {
      throw new QueryError('syntax', "parse error : sort and sort_desc doesn't allow grouping by ", node.from);
    }
    if (fn.param && param === undefined) this.fail(node, `syntax error: parameter required for operation ${op}`);
    if (fn.param && (!Number.isInteger(param) || param! <= 0)) {
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
    if (matchers.length === 0)
      this.fail(node, 'syntax error: queries require at least one regexp or equality matcher that does not have an empty-compatible value');
    if (matchers.every((m) => matchesEmpty(m))) {
      throw new QueryError(
        'syntax',
        'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will',
        node.from,
      );
    }
    return { kind: 'log', matchers, stages };
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
