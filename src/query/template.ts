import { ownLabel } from './labels.js';
import { QueryError } from './types.js';

/*
 * The part of Go's text/template that `| line_format` and `| label_format`
 * use in practice: text, `{{.label}}`, `{{ .label | fn }}`, `{{ fn .label }}`,
 * `{{__line__}}`, `{{__timestamp__}}` is refused. Loki runs templates with
 * `missingkey=zero`: a missing label renders as "". A template outside this
 * subset is refused at parse time ("run it on Loki"), never rendered differently.
 */

type Part = { text: string } | { label: string; fns: string[] } | { line: true; fns: string[] };

const FUNCTIONS: Record<string, (s: string) => string> = {
  ToUpper: (s) => s.toUpperCase(),
  ToLower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  TrimSpace: (s) => s.trim(),
  trim: (s) => s.replace(/^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g, ''),
  title: (s) => s.replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, p: string, c: string) => p + c.toUpperCase()),
};

/** A compiled template: render with the current labels and line. */
export type Template = (labels: Record<string, string>, line: string) => string;

/**
 * Compiles a line_format / label_format template.
 *
 * @throws QueryError `unsupported` for template syntax outside the subset.
 */
export function compileTemplate(source: string): Template {
  const parts: Part[] = [];
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    if (open < 0) {
      parts.push({ text: source.slice(i) });
      break;
    }
    let textEnd = open;
    let start = open + 2;
    if (source[start] === '-' && source[start + 1] === ' ') {
      // `{{- ` trims the whitespace before it.
      while (textEnd > i && /\s/.test(source[textEnd - 1]!)) textEnd--;
      start += 2;
    }
    if (textEnd > i) parts.push({ text: source.slice(i, textEnd) });
    const close = source.indexOf('}}', start);
    if (close < 0) throw new QueryError('syntax', `invalid template ${JSON.stringify(source)}: unclosed action`);
    let inner = source.slice(start, close);
    let next = close + 2;
    if (inner.endsWith(' -')) {
      inner = inner.slice(0, -2);
      while (next < source.length && /\s/.test(source[next]!)) next++;
    }
    parts.push(action(inner.trim(), source));
    i = next;
  }
  return (labels, line) => {
    let out = '';
    for (const p of parts) {
      if ('text' in p) out += p.text;
      else {
        let v = 'line' in p ? line : (ownLabel(labels, p.label) ?? '');
        for (const f of p.fns) v = FUNCTIONS[f]!(v);
        out += v;
      }
    }
    return out;
  };
}

function action(inner: string, source: string): Part {
  const refuse = (): never => {
    throw new QueryError(
      'unsupported',
      `the template ${JSON.stringify(source)} uses {{${inner}}}, which the local engine does not render; run the query on Loki`,
    );
  };
  const segments = inner.split('|').map((s) => s.trim());
  const head = segments[0]!.split(/\s+/);
  const fns: string[] = [];
  let operand: string;
  if (head.length === 1) operand = head[0]!;
  else if (head.length === 2 && Object.hasOwn(FUNCTIONS, head[0]!)) {
    fns.push(head[0]!);
    operand = head[1]!;
  } else return refuse();
  for (const s of segments.slice(1)) {
    if (!Object.hasOwn(FUNCTIONS, s)) refuse();
    fns.push(s);
  }
  if (operand === '__line__') return { line: true, fns };
  if (/^\.[A-Za-z_][A-Za-z0-9_]*$/.test(operand)) return { label: operand.slice(1), fns };
  return refuse();
}
