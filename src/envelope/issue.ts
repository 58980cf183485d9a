/**
 * Problems are data (STYLE.md, after zod 4's `core/errors.ts`): a flat list of
 * issues keyed by a stable `code`, readable by the CLI, by `system.error`
 * events and by tests alike.
 */
export type IssueCode =
  // the EventID itself
  | 'invalid_event_id'
  | 'unknown_event'
  // the payload as a JavaScript value (checked before the schema)
  | 'not_an_object'
  | 'cyclic_reference'
  | 'bigint'
  | 'non_finite_number'
  | 'function'
  | 'symbol'
  | 'forbidden_key'
  | 'unsupported_value'
  | 'too_deep'
  | 'payload_too_large'
  // the payload against the catalog's zod schema
  | 'schema';

export interface ValidationIssue {
  /** Stable machine-readable code. */
  code: IssueCode;
  /** Path to the offending value inside the payload; `[]` for the payload itself. */
  path: (string | number)[];
  /** Human-readable explanation that names the problem. */
  message: string;
  /** For `code: 'schema'`, zod's own issue code (`invalid_type`, `too_small`, ...). */
  schemaCode?: string;
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
