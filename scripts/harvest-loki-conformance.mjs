#!/usr/bin/env node
/*
 * Harvests the conformance corpus (test/query/conformance-cases.json): LogQL
 * queries from a Loki source tree's docs/sources/query/** (code blocks and
 * inline code) and pkg/logql/**\/*_test.go (string literals), each with its
 * origin file:line. A query is rewritten only in its stream selectors, each
 * becoming {service_name="conformance"} (the events of
 * test/fixtures/query/conformance/events.jsonl); field names are kept: the
 * event set carries the fields Loki's examples use.
 *
 *   git -C loki checkout v3.7.6
 *   node scripts/harvest-loki-conformance.mjs path/to/loki > test/query/conformance-cases.json
 *
 * Which of them Loki answers is decided by Loki itself when the answers are
 * recorded (test/query/conformance.record.test.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.argv[2];
if (root === undefined) {
  process.stderr.write('usage: node scripts/harvest-loki-conformance.mjs LOKI_SOURCE_DIR\n');
  process.exit(2);
}

const SELECTOR = '{service_name="conformance"}';

function walk(dir, test) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p, test));
    else if (test(p)) out.push(p);
  }
  return out.sort();
}

/** Strings and selectors of a query; null when it is not LogQL-shaped (unbalanced). */
function rewrite(q) {
  let out = '';
  let i = 0;
  let selectors = 0;
  while (i < q.length) {
    const c = q[i];
    if (c === '"' || c === '`') {
      let j = i + 1;
      while (j < q.length && q[j] !== c) j += c === '"' && q[j] === '\\' ? 2 : 1;
      if (j >= q.length) return null;
      out += q.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '{') {
      // A stream selector: up to its closing brace, strings skipped.
      let j = i + 1;
      while (j < q.length && q[j] !== '}') {
        if (q[j] === '"' || q[j] === '`') {
          const quote = q[j];
          j++;
          while (j < q.length && q[j] !== quote) j += quote === '"' && q[j] === '\\' ? 2 : 1;
        }
        j++;
      }
      if (j >= q.length) return null;
      const body = q.slice(i + 1, j);
      if (!/[=~]/.test(body)) return null;
      out += SELECTOR;
      selectors++;
      i = j + 1;
      continue;
    }
    out += c;
    i++;
  }
  return selectors > 0 ? out : null;
}

const candidates = [];
function add(file, line, text) {
  const q = text.trim();
  if (q.length < 5 || q.length > 600) return;
  if (!q.includes('{') || q.includes('$') || (q.includes('<') && /<[a-z_ ]+>/i.test(q.replace(/"[^"]*"/g, '')))) return;
  if (!/^[({a-z_A-Z]/.test(q)) return;
  // Not a query: URLs, YAML and shell around one.
  if (/https?:|\bquery:|description:|^\s*- /m.test(q)) return;
  const rewritten = rewrite(q);
  if (rewritten === null) return;
  candidates.push({ origin: `${relative(root, file)}:${line}`, original: q, query: rewritten });
}

// Docs: fenced blocks (whole, and line by line) and inline code spans.
for (const file of walk(join(root, 'docs', 'sources', 'query'), (p) => p.endsWith('.md'))) {
  const lines = readFileSync(file, 'utf8').split('\n');
  let fence = null;
  for (let n = 0; n < lines.length; n++) {
    const l = lines[n];
    if (/^\s*```/.test(l)) {
      if (fence === null) fence = { start: n + 2, lines: [] };
      else {
        const block = fence.lines.join('\n');
        if (fence.lines.length > 1 && !fence.lines.some((x) => x.trim() === '')) add(file, fence.start, block);
        for (let k = 0; k < fence.lines.length; k++) add(file, fence.start + k, fence.lines[k]);
        fence = null;
      }
      continue;
    }
    if (fence !== null) {
      fence.lines.push(l);
      continue;
    }
    for (const m of l.matchAll(/`([^`]+)`/g)) add(file, n + 1, m[1]);
  }
}

// Tests: Go string literals, raw (`…`) and interpreted ("…").
for (const file of walk(join(root, 'pkg', 'logql'), (p) => p.endsWith('_test.go'))) {
  const text = readFileSync(file, 'utf8');
  const lineAt = (pos) => text.slice(0, pos).split('\n').length;
  for (const m of text.matchAll(/`([^`]*)`/g)) if (m[1].includes('{')) add(file, lineAt(m.index), m[1]);
  for (const m of text.matchAll(/"((?:[^"\\\n]|\\.)*)"/g)) {
    if (!m[1].includes('{')) continue;
    let s;
    try {
      s = JSON.parse(`"${m[1].replace(/\\'/g, "'")}"`);
    } catch {
      continue;
    }
    add(file, lineAt(m.index), s);
  }
}

const seen = new Set();
const cases = [];
for (const c of candidates) {
  if (seen.has(c.query)) continue;
  seen.add(c.query);
  cases.push(c);
}
process.stdout.write(
  JSON.stringify(
    {
      about:
        'LogQL queries harvested from Loki v3.7.6 (docs/sources/query/**, pkg/logql/**/*_test.go) by scripts/harvest-loki-conformance.mjs; only stream selectors rewritten.',
      cases,
    },
    null,
    1,
  ) + '\n',
);
process.stderr.write(`${candidates.length} candidates, ${cases.length} distinct\n`);
