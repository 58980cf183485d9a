/*
 * What Loki's lexer and grammar accept and Grafana's grammar
 * (@grafana/lezer-logql 0.3) does not, turned into the form Grafana's
 * grammar reads before parsing:
 *
 * - Keywords in any case (pkg/logql/syntax/lex.go looks every token up
 *   lower-cased): `SUM(Count_Over_Time(…))`, `| JSON`, `BY (…)`. Function
 *   names are keywords only before `(` or `by`/`without` `(`, as in Loki;
 *   elsewhere they stay label names. Lower-casing keeps every position.
 * - Log ranges with an unwrap that Loki's grammar (syntax.y logRangeExpr)
 *   allows and Grafana's does not: `({…} | json | unwrap x)[5m]` and
 *   `{…} | json | unwrap x [5m] offset 10m`. Both are rewritten to the
 *   equivalent `{…}[5m] offset 10m | json | unwrap x`.
 */

import { LOGQL_FUNCTIONS } from './functions.js';

const KEYWORDS = new Set([
  'by',
  'without',
  'bool',
  'offset',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'or',
  'and',
  'unless',
  'json',
  'regexp',
  'logfmt',
  'unpack',
  'pattern',
  'label_format',
  'line_format',
  'decolorize',
  'drop',
  'keep',
  'unwrap',
  'variants',
  'of',
]);

/** Function names Loki's lexer knows: the engine's table, and those it refuses or that are not aggregations (unwrap conversions, `ip()`). */
const FUNCTIONS = new Set([...Object.keys(LOGQL_FUNCTIONS), 'approx_topk', 'bytes', 'duration', 'duration_seconds', 'ip']);

interface Token {
  kind: 'str' | 'word' | 'num' | 'punct';
  from: number;
  to: number;
}

function isWordStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isWordPart(c: string): boolean {
  return isWordStart(c) || (c >= '0' && c <= '9');
}

/** The query's tokens as far as this rewrite needs them: strings, words, numbers/durations, single characters. */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (c === '"') {
      i++;
      while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i = Math.min(n, i + 1);
      out.push({ kind: 'str', from: start, to: i });
      continue;
    }
    if (c === '`') {
      i++;
      while (i < n && text[i] !== '`') i++;
      i = Math.min(n, i + 1);
      out.push({ kind: 'str', from: start, to: i });
      continue;
    }
    if (isWordStart(c)) {
      while (i < n && isWordPart(text[i]!)) i++;
      out.push({ kind: 'word', from: start, to: i });
      continue;
    }
    if (c >= '0' && c <= '9') {
      while (i < n && (isWordPart(text[i]!) || text[i] === '.')) i++;
      out.push({ kind: 'num', from: start, to: i });
      continue;
    }
    i++;
    out.push({ kind: 'punct', from: start, to: i });
  }
  return out;
}

/** Lower-cases Loki's keywords where Loki's lexer reads them as keywords, and blanks `#` comments (Loki's lexer skips them to the line end). */
export function lowerKeywords(text: string): string {
  const tokens = tokenize(text);
  let out: string[] | undefined;
  // Comments: what lies between tokens and starts with `#`.
  let last = 0;
  for (const t of [...tokens, { from: text.length, to: text.length }]) {
    const gap = text.slice(last, t.from);
    const hash = gap.indexOf('#');
    if (hash >= 0) {
      out ??= text.split('');
      for (let i = last + hash; i < t.from; i++) if (out[i] !== '\n') out[i] = ' ';
    }
    last = t.to;
  }
  const at = (k: number): string | undefined => (tokens[k] !== undefined ? text.slice(tokens[k]!.from, tokens[k]!.to) : undefined);
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'word') continue;
    const word = text.slice(t.from, t.to);
    const lower = word.toLowerCase();
    if (lower === word) continue;
    let keyword = false;
    if (FUNCTIONS.has(lower)) {
      const next = at(k + 1)?.toLowerCase();
      keyword = next === '(' || ((next === 'by' || next === 'without') && at(k + 2) === '(');
    }
    if (!keyword && KEYWORDS.has(lower)) keyword = true;
    if (!keyword) continue;
    out ??= text.split('');
    for (let i = t.from; i < t.to; i++) out[i] = text[i]!.toLowerCase();
  }
  return out === undefined ? text : out.join('');
}

/**
 * Rewrites log ranges with an unwrap to the order Grafana's grammar reads
 * (`{…}[range] offset d | pipeline | unwrap x`); undefined when there is none.
 */
export function reorderUnwrapRanges(text: string): string | undefined {
  const tokens = tokenize(text);
  const src = (t: Token): string => text.slice(t.from, t.to);
  const edits: { from: number; to: number; text: string }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (src(tokens[i]!) !== '{') continue;
    // The selector's closing brace.
    let j = i + 1;
    let braces = 1;
    for (; j < tokens.length && braces > 0; j++) {
      const s = src(tokens[j]!);
      if (s === '{') braces++;
      else if (s === '}') braces--;
    }
    const close = j - 1;
    if (braces !== 0) return undefined;
    const wrapped = i > 0 && src(tokens[i - 1]!) === '(';
    // The pipeline up to the range, at the same depth.
    let depth = 0;
    let hasUnwrap = false;
    let k = close + 1;
    let pipelineEnd = -1;
    let rangeOpen = -1;
    for (; k < tokens.length; k++) {
      const s = src(tokens[k]!);
      if (s === '(') depth++;
      else if (s === ')') {
        if (depth === 0) {
          if (wrapped && src(tokens[k + 1] ?? tokens[k]!) === '[') {
            pipelineEnd = k;
            rangeOpen = k + 1;
          }
          break;
        }
        depth--;
      } else if (s === '[' && depth === 0) {
        pipelineEnd = k;
        rangeOpen = k;
        break;
      } else if (depth === 0 && tokens[k]!.kind === 'word' && s.toLowerCase() === 'unwrap') hasUnwrap = true;
      else if (s === '{') break;
    }
    if (rangeOpen < 0 || !hasUnwrap || pipelineEnd === close + 1) continue;
    let rangeClose = rangeOpen;
    while (rangeClose < tokens.length && src(tokens[rangeClose]!) !== ']') rangeClose++;
    if (rangeClose >= tokens.length) return undefined;
    let end = rangeClose;
    const offset = tokens[rangeClose + 1];
    if (offset !== undefined && offset.kind === 'word' && src(offset).toLowerCase() === 'offset') {
      end = rangeClose + 1;
      if (tokens[end + 1] !== undefined && src(tokens[end + 1]!) === '-') end++;
      if (tokens[end + 1] !== undefined) end++;
    }
    const from = wrapped && rangeOpen !== pipelineEnd ? tokens[i - 1]!.from : tokens[i]!.from;
    const selector = text.slice(tokens[i]!.from, tokens[close]!.to);
    const pipeline = text.slice(tokens[close + 1]!.from, tokens[pipelineEnd - 1]!.to);
    const range = text.slice(tokens[rangeOpen]!.from, tokens[end]!.to);
    edits.push({ from, to: tokens[end]!.to, text: `${selector} ${range} ${pipeline}` });
    i = end;
  }
  if (edits.length === 0) return undefined;
  let out = '';
  let pos = 0;
  for (const e of edits) {
    out += text.slice(pos, e.from) + e.text;
    pos = e.to;
  }
  return out + text.slice(pos);
}
