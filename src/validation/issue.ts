import type { ValidationIssue } from '../envelope/issue.js';

// The issue types belong to the envelope (an event carries its issues in
// `invalid`); validation produces them and re-exports them for its callers.
export type { EmitOptionName, IssueCode, ValidationIssue } from '../envelope/issue.js';

/** `a.b[2].c` form of an issue path, for messages. */
export function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(payload)';
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) out += out === '' ? p : `.${p}`;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

/**
 * Where an issue is, for messages: `(event_id)` for the EventID's codes,
 * `(options.time)`, `(options.causedBy)` or `(options.sessionId)` for an
 * issue of an `emit` option, else the path inside the payload
 * ({@link formatPath}: `(payload)` for the payload itself).
 *
 * @example
 * issueLocation({ code: 'invalid_time', path: [], option: 'time' }); // '(options.time)'
 * issueLocation({ code: 'schema', path: ['user', 'id'] }); // 'user.id'
 */
export function issueLocation(issue: Pick<ValidationIssue, 'code' | 'path' | 'option'>): string {
  if (issue.option !== undefined) return `(options.${issue.option})`;
  if (issue.code === 'invalid_event_id' || issue.code === 'unknown_event') return '(event_id)';
  return formatPath(issue.path);
}

/** One line per issue: `location: message (code)`, the location as {@link issueLocation} gives it. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => `${issueLocation(i)}: ${i.message} (${i.schemaCode ?? i.code})`).join('; ');
}

/** Most issues an event carries; the rest are counted in `issues_total`. */
export const MAX_CARRIED_ISSUES = 10;
/** Longest issue message carried, in UTF-16 units. */
const MAX_MESSAGE = 300;
/** Longest path carried, in segments, and longest key in a path. */
const MAX_PATH = 16;
const MAX_KEY = 64;

function cutText(s: string, max: number): string {
  if (s.length <= max) return s;
  // Never end on half a surrogate pair: the cut text must stay well-formed.
  const end = /[\uD800-\uDBFF]/.test(s[max - 1]!) ? max - 1 : max;
  return s.slice(0, end) + '…';
}

/**
 * The issues an event carries on the wire: the first {@link MAX_CARRIED_ISSUES},
 * each with its message and path cut to a fixed size, so that the
 * `factline.validation.issues` attribute stays far below Loki's 64 KiB limit
 * on structured metadata whatever the payload (5,000 wrong array items make
 * 5,000 issues). `total` is how many there were.
 *
 * @example
 * capIssues(manyIssues); // { issues: [10 issues], total: 5000 }
 */
export function capIssues(issues: readonly ValidationIssue[]): { issues: ValidationIssue[]; total: number } {
  const out: ValidationIssue[] = [];
  const n = Math.min(issues.length, MAX_CARRIED_ISSUES);
  for (let i = 0; i < n; i++) {
    const issue = issues[i]!;
    let path = issue.path;
    if (path.length > MAX_PATH || path.some((p) => typeof p === 'string' && p.length > MAX_KEY)) {
      path = path.slice(0, MAX_PATH).map((p) => (typeof p === 'string' ? cutText(p, MAX_KEY) : p));
      if (issue.path.length > MAX_PATH) path.push('…');
    }
    const message = cutText(issue.message, MAX_MESSAGE);
    out.push(path === issue.path && message === issue.message ? issue : { ...issue, path, message });
  }
  return { issues: out, total: issues.length };
}
