import { QueryError } from './types.js';

/*
 * LogQL regular expressions are Go RE2. The subset that means the same in
 * JavaScript is translated; anything else is refused rather than run with a
 * different meaning.
 */

const cache = new Map<string, RegExp>();

/**
 * Compiles a Go RE2 regular expression for JavaScript: a leading `(?i)` / `(?s)` /
 * `(?m)` becomes a flag, `(?P<name>` becomes `(?<name>`, `\A` / `\z` become
 * `^` / `$`. `anchored` wraps it in `^(?:...)$` (label matchers match the
 * whole value; line filters match anywhere).
 *
 * @throws QueryError `unsupported` for RE2 syntax with no exact JavaScript
 *   equivalent (POSIX classes, `\Q...\E`, inline flags not at the start);
 *   a plain Error when the pattern does not compile.
 */
export function compileRegex(source: string, anchored: boolean): RegExp {
  const key = `${anchored ? 'a' : 'u'}:${source}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let body = source;
  let flags = '';
  const lead = /^\(\?([imsU]+)\)/.exec(body);
  if (lead !== null) {
    for (const f of lead[1]!) {
      if (f === 'U') throw new QueryError('unsupported', `the RE2 flag U in ${JSON.stringify(source)} has no JavaScript equivalent; run the query on Loki`);
      if (!flags.includes(f)) flags += f;
    }
    body = body.slice(lead[0].length);
  }
  if (/\(\?[a-zA-Z-]+[:)]/.test(body) || /\[\[:[a-z]+:\]\]/.test(body) || body.includes('\\Q') || /\\[pP][A-Z]/.test(body)) {
    throw new QueryError('unsupported', `the regular expression ${JSON.stringify(source)} uses RE2 syntax the local engine does not translate; run the query on Loki`);
  }
  body = body.replace(/\(\?P</g, '(?<').replace(/\\A/g, '^').replace(/\\z/g, '$');
  const pattern = anchored ? `^(?:${body})$` : body;
  let re: RegExp;
  try {
    re = new RegExp(pattern, flags + 'u');
  } catch {
    re = new RegExp(pattern, flags);
  }
  if (cache.size > 1000) cache.clear();
  cache.set(key, re);
  return re;
}
