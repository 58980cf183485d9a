import type { SyntaxNode } from '@lezer/common';
import type { CompareOp, Extraction, LabelFilter, LabelFormatItem, LabelMatcher, LabelSelectItem, LineFilter, LineFilterOp, MatchOp, Stage } from './ast.js';
import { compileRegex, compileSubmatchRegex, type LogqlRegex, type LogqlSubmatchRegex } from './regex.js';
import { QueryError } from './types.js';
import { compilePatternFilter, compilePatternParser } from './pattern.js';
import { UnquoteError, unquote } from './unquote.js';
import { compileIpFilter, IpPatternError, type IpFilter } from './ip.js';
import { parseBytes, parseGoDuration } from './units.js';

/*
 * Reading Grafana's LogQL syntax tree: the node helpers, and the log
 * pipeline (stream selector matchers, line filters, parsers, label filters,
 * formatters) that log and metric queries share. parse.ts builds the rest.
 */

function lineCol(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const col = position - (before.lastIndexOf('\n') + 1) + 1;
  return `line ${line}, col ${col}`;
}

export function syntaxError(text: string, position: number, what: string): QueryError {
  return new QueryError('syntax', `parse error at ${lineCol(text, position)}: ${what}`, position);
}

export function unsupported(what: string): QueryError {
  return new QueryError('unsupported', `${what} is not supported by the local engine; run the query on Loki (--loki URL)`);
}

/** The pipeline half of the syntax-tree reader; `Builder` in parse.ts extends it with metric expressions. */
export class PipelineBuilder {
  constructor(protected readonly text: string) {}

  protected src(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  protected children(node: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = node.firstChild; c !== null; c = c.nextSibling) out.push(c);
    return out;
  }

  protected child(node: SyntaxNode, name: string): SyntaxNode | null {
    for (let c = node.firstChild; c !== null; c = c.nextSibling) if (c.name === name) return c;
    return null;
  }

  protected fail(node: SyntaxNode, what: string): never {
    throw syntaxError(this.text, node.from, what);
  }

  /** An Expr, MetricExpr or LogExpr node. */
  protected selector(node: SyntaxNode): LabelMatcher[] {
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

  /**
   * A label matcher. `=~` / `!~` are compiled as Prometheus' labels.Matcher
   * compiles them (Loki's stream selectors, `keep` / `drop`): anchored, with
   * `.` matching a newline (`^(?s:re)$`). A label filter stage
   * (`| name=~"re"`) passes `dotAll` false: Loki runs it as its own filter,
   * `^(?:re)$` (pkg/logql/log/filter.go, parseRegexpFilter).
   */
  protected matcher(node: SyntaxNode, dotAll = true): LabelMatcher {
    const name = this.src(this.child(node, 'Identifier')!);
    const opNode = this.children(node).find((c) => c.name === 'Eq' || c.name === 'Neq' || c.name === 'Re' || c.name === 'Nre');
    const op = this.src(opNode!) as MatchOp;
    const strNode = this.child(node, 'String')!;
    const value = this.string(strNode);
    const m: LabelMatcher = { name, op, value };
    if (op === '=~' || op === '!~') m.re = this.regex(strNode, value, true, dotAll);
    return m;
  }

  protected regex(node: SyntaxNode, source: string, anchored: boolean, dotAll = false): LogqlRegex {
    try {
      return compileRegex(source, anchored, dotAll);
    } catch (e) {
      // Loki reports the Go regexp error as a parse error at the string.
      throw syntaxError(this.text, node.from, (e as Error).message);
    }
  }

  /** The expression of `| regexp "re"`, checked as Loki's NewRegexpParser checks it (pkg/logql/log/parser.go). */
  protected regexpParser(node: SyntaxNode): LogqlSubmatchRegex {
    const source = this.string(node);
    let re: LogqlSubmatchRegex;
    try {
      re = compileSubmatchRegex(source);
    } catch (e) {
      throw syntaxError(this.text, node.from, (e as Error).message);
    }
    // Loki checks the names with model.UTF8Validation: any non-empty name is valid; RE2 rejects duplicates.
    if (re.names.size === 0) throw new QueryError('syntax', 'at least one named capture must be supplied', node.from);
    return re;
  }

  protected string(node: SyntaxNode): string {
    try {
      return unquote(this.src(node));
    } catch (e) {
      if (e instanceof UnquoteError && e.reason === 'not_utf8') throw new QueryError('unsupported', e.message, node.from);
      throw syntaxError(this.text, node.from, (e as Error).message);
    }
  }

  protected pipeline(node: SyntaxNode, out: Stage[]): void {
    for (const c of this.children(node)) {
      if (c.name === 'PipelineExpr') this.pipeline(c, out);
      else if (c.name === 'PipelineStage') this.stage(c, out);
    }
  }

  protected stage(node: SyntaxNode, out: Stage[]): void {
    for (const c of this.children(node)) {
      switch (c.name) {
        case 'Pipe':
          break;
        case 'LineFilters':
          this.lineFilters(c, out);
          break;
        case 'LabelParser': {
          const kind = this.src(c.firstChild!).trim();
          if (kind === 'json') out.push({ kind: 'json' });
          else if (kind === 'logfmt') out.push({ kind: 'logfmt', strict: false, keepEmpty: false });
          else if (kind === 'unpack') out.push({ kind: 'unpack' });
          else if (kind === 'regexp') out.push({ kind: 'regexp', re: this.regexpParser(this.child(c, 'String')!) });
          else if (kind === 'pattern') {
            const str = this.child(c, 'String')!;
            try {
              out.push({ kind: 'pattern', parser: compilePatternParser(this.string(str)) });
            } catch (e) {
              if (e instanceof QueryError) throw e;
              throw syntaxError(this.text, str.from, (e as Error).message);
            }
          } else throw unsupported(`| ${this.src(c).trim()}`);
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
          for (const e of this.extractions(c)) {
            // Loki's logfmt expression grammar (pkg/logql/log/logfmt): a key is an identifier.
            const bad = /[^A-Za-z0-9_]/.exec(e.expr);
            if (bad !== null || !/^[A-Za-z_]/.test(e.expr)) {
              throw new QueryError(
                'syntax',
                `parse error : stage '${flags.replace(/\s+/g, ' ')}' : cannot parse expression [${e.expr}]: unexpected char ${bad?.[0] ?? e.expr[0] ?? ''}`,
                c.from,
              );
            }
          }
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

  protected lineFilters(node: SyntaxNode, out: Stage[]): void {
    // Grafana's grammar reads `|= ip("a") or "b"` as the filter `|= ip("a")`
    // followed by `or "b"` beside it: such an `or` belongs to the filter before.
    const kids = this.children(node);
    for (let i = 0; i < kids.length; i++) {
      const c = kids[i]!;
      if (c.name === 'LineFilters') this.lineFilters(c, out);
      else if (c.name === 'LineFilter') {
        const ors: SyntaxNode[] = [];
        while (kids[i + 1]?.name === 'Or' && kids[i + 2]?.name === 'OrFilter') {
          ors.push(kids[i + 2]!);
          i += 2;
        }
        for (const filter of this.lineFilter(c, ors)) out.push({ kind: 'line_filter', filter });
      }
    }
  }

  /**
   * One line filter with its `or` alternatives. As Loki's parser
   * (syntax/ast.go, newOrLineFilterExpr and LineFilterExpr.Filter): in an
   * `or` chain of `|=`, `|~`, `|>` an `ip("…")` value is a plain value of the
   * filter; alone, `|= ip("…")` is an IP filter; a negative chain
   * (`!= a or b`) is `!= a != b`, each `ip("…")` in it an IP filter. An IP
   * filter other than `|=` / `!=` is Loki's `ip: invalid operation`.
   */
  protected lineFilter(node: SyntaxNode, ors: readonly SyntaxNode[]): LineFilter[] {
    const filter = this.child(node, 'Filter')!;
    const op = this.src(filter) as LineFilterOp;
    const strings: SyntaxNode[] = [];
    const isIp: boolean[] = [];
    const walk = (n: SyntaxNode): void => {
      let ip = false;
      for (const c of this.children(n)) {
        if (c.name === 'String') {
          strings.push(c);
          isIp.push(ip);
          ip = false;
        } else if (c.name === 'OrFilter') walk(c);
        else if (c.name === 'FilterOp') ip = true;
      }
    };
    walk(node);
    for (const o of ors) walk(o);
    const values = strings.map((s) => this.string(s));
    const negative = op === '!=' || op === '!~' || op === '!>';
    if (isIp.some((x) => x) && (negative || values.length === 1)) {
      // Each value its own filter, joined by `and`.
      return values.map((v, i) => {
        if (!isIp[i]) return this.lineFilterOf(op, [strings[i]!], [v]);
        if (op !== '|=' && op !== '!=') this.fail(strings[i]!, 'ip: invalid operation');
        return { op, values: [v], ip: this.ipFilter(strings[i]!, v) };
      });
    }
    return [this.lineFilterOf(op, strings, values)];
  }

  protected ipFilter(node: SyntaxNode, pattern: string): IpFilter {
    try {
      return compileIpFilter(pattern);
    } catch (e) {
      if (e instanceof IpPatternError && e.unsupported) throw unsupported(e.message);
      return this.fail(node, (e as Error).message);
    }
  }

  protected lineFilterOf(op: LineFilterOp, strings: SyntaxNode[], values: string[]): LineFilter {
    const f: LineFilter = { op, values };
    if (op === '|~' || op === '!~') f.res = strings.map((s, i) => this.regex(s, values[i]!, false));
    if (op === '|>' || op === '!>') {
      f.patterns = strings.map((s, i) => {
        try {
          return compilePatternFilter(values[i]!);
        } catch (e) {
          throw syntaxError(this.text, s.from, (e as Error).message);
        }
      });
    }
    return f;
  }

  protected extractions(node: SyntaxNode): Extraction[] {
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

  protected labelFormat(node: SyntaxNode): LabelFormatItem[] {
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

  protected labelSelect(node: SyntaxNode, itemName: string): LabelSelectItem[] {
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

  protected labelFilter(node: SyntaxNode): LabelFilter {
    // Flatten `a or b and c` chains, then rebuild with `and` binding tighter than `or` (Loki's expr.y).
    const operands: SyntaxNode[] = [];
    const ops: ('and' | 'or')[] = [];
    const flat = (n: SyntaxNode): void => {
      const kids = this.children(n);
      if (!isChain(kids)) {
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

  protected labelFilterLeaf(node: SyntaxNode): LabelFilter {
    const kids = this.children(node);
    if (node.name === 'LabelFilter' && kids.length === 1) return this.labelFilterLeaf(kids[0]!);
    // A chain inside parentheses (`( a="1" or b="2" )` is a LabelFilter around one LabelFilter chain): all of it.
    if (node.name === 'LabelFilter' && isChain(kids)) return this.labelFilter(node);
    switch (node.name) {
      case 'Matcher':
        return { kind: 'string', matcher: this.matcher(node, false) };
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
        // Loki's lexer (Go text/scanner) reads `0B` as a binary-literal prefix without digits.
        if (/^0[bB]$/.test(this.src(b))) this.fail(b, 'decimal literal has no digits');
        const bytes = parseBytes(this.src(b));
        if (bytes === undefined) this.fail(b, `syntax error: invalid bytes ${JSON.stringify(this.src(b))}`);
        return { kind: 'bytes', name, op, value: bytes };
      }
      case 'IpLabelFilter': {
        const name = this.src(this.child(node, 'Identifier')!);
        const str = this.child(node, 'String')!;
        return { kind: 'ip', name, op: this.child(node, 'Neq') !== null ? '!=' : '=', ip: this.ipFilter(str, this.string(str)) };
      }
      default:
        throw unsupported(`label filter ${JSON.stringify(this.src(node))}`);
    }
  }

  protected literal(node: SyntaxNode): number {
    const kids = this.children(node);
    let sign = 1;
    let value = NaN;
    for (const k of kids) {
      if (k.name === 'Sub') sign = -sign;
      else if (k.name === 'Number') value = parseNumber(this.src(k));
    }
    return sign * value;
  }
}

/** True when the children of a LabelFilter node are a chain of label filters joined by `and`, `or`, `,` or a space. */
function isChain(kids: readonly SyntaxNode[]): boolean {
  return kids.length >= 2 && kids.every((k) => k.name === 'LabelFilter' || k.name === 'And' || k.name === 'Or' || k.name === ',');
}

/** Prometheus' model.ParseDuration (`1y2w3d4h5m6s7ms`, whole numbers), which Loki's lexer tries before Go's time.ParseDuration. */
function parsePromDuration(s: string): number | undefined {
  const m = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(s);
  if (m === null || s === '') return undefined;
  const unit = [365 * 86400e9, 7 * 86400e9, 86400e9, 3600e9, 60e9, 1e9, 1e6];
  return unit.reduce((ns, u, i) => ns + Number(m[i + 1] ?? 0) * u, 0);
}

function parseGoDurationOrFail(s: string, fail: (m: string) => never): number {
  const ns = parsePromDuration(s) ?? parseGoDuration(s);
  if (ns === undefined) fail(`syntax error: invalid duration ${JSON.stringify(s)}`);
  return ns;
}

export function collectNames(node: SyntaxNode, text: string, out: string[]): void {
  for (let c = node.firstChild; c !== null; c = c.nextSibling) {
    if (c.name === 'Identifier' || c.name === 'LabelName') out.push(text.slice(c.from, c.to));
    else collectNames(c, text, out);
  }
}

/** A LogQL number literal: decimal, hex (`0x1f`), or with an exponent. */
export function parseNumber(s: string): number {
  const n = Number(s);
  if (Number.isNaN(n) && s.toLowerCase() !== 'nan') throw new QueryError('syntax', `parse error: invalid number ${JSON.stringify(s)}`);
  return n;
}
