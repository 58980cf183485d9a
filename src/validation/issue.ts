/**
 * Problems are data: a flat list of issues keyed by a stable `code` (the
 * model is zod 4's issue union), readable by the CLI, by `system.error`
 * events and by tests alike. `docs/errors.md` lists every code.
 */
export type IssueCode =
  // the EventID itself
  | 'invalid_event_id'
  | 'unknown_event'
  // the payload as a JavaScript value (read once, before the schema)
  | 'not_an_object'
  | 'cyclic_reference'
  | 'bigint'
  | 'non_finite_number'
  | 'function'
  | 'symbol'
  | 'forbidden_key'
  | 'unsupported_value'
  | 'unreadable_value'
  | 'lone_surrogate'
  | 'too_deep'
  | 'payload_too_large'
  // the payload against the catalog's zod schema
  | 'schema'
  | 'unknown_key'
  // the envelope: `emit`'s `time` option
  | 'invalid_time'
  | 'implausible_time'
  // the envelope: `emit`'s `causedBy` and `sessionId` options
  | 'invalid_envelope_id';

export interface ValidationIssue {
  /** Stable machine-readable code. */
  code: IssueCode;
  /** Path to the offending value inside the payload; `[]` for the payload itself and for envelope issues. */
  path: (string | number)[];
  /** Human-readable explanation that names the problem. */
  message: string;
  /** For `code: 'schema'`, zod's own issue code (`invalid_type`, `too_small`, ...). */
  schemaCode?: string;
  /**
   * For the time codes: the value `emit` was given, as epoch milliseconds
   * when it is a finite number, else as text (`"Invalid Date"`), so that
   * the fact's own time is kept although the record carries another.
   */
  input?: number | string;
}

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

/** One line per issue: `path: message (code)`. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => `${formatPath(i.path)}: ${i.message} (${i.schemaCode ?? i.code})`).join('; ');
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
