import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { PROBLEM_DETAIL_KEYS, ProblemReporter, type RuntimeProblem } from '../../src/problems.js';
import { SYSTEM_ERROR_TYPES } from '../../src/intent/system-errors.js';

/* Each problem code's typed details: the docs' table and the type agree. */

describe('ProblemDetails', () => {
  it('lists the details keys of every code in docs/errors.md, as PROBLEM_DETAIL_KEYS has them', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const from = doc.indexOf('| code | details keys |');
    const table = doc.slice(from, doc.indexOf('\n\n', from));
    const documented = Object.fromEntries(
      [...table.matchAll(/^\| `(FACTLINE_[A-Z_]+)` \| (.*) \|$/gm)].map((m) => [
        m[1],
        m[2] === 'none' ? [] : [...m[2]!.matchAll(/`([a-z_]+)`/g)].map((k) => k[1]),
      ]),
    );
    expect(documented).toEqual(PROBLEM_DETAIL_KEYS);
    // Every run-time code has an entry (SYSTEM_ERROR_TYPES is a Record over the codes).
    expect(Object.keys(PROBLEM_DETAIL_KEYS).sort()).toEqual(Object.keys(SYSTEM_ERROR_TYPES).sort());
  });

  it('narrows details by code, and refuses details of another code', () => {
    const seen: RuntimeProblem[] = [];
    const reporter = new ProblemReporter((p) => seen.push(p));
    reporter.report({ code: 'FACTLINE_FILE_TORN_LINE', message: 'm', details: { path: 'e.jsonl', torn_path: 'e.jsonl.torn-1', bytes: 3, reason: 'not_json' } });
    const p = seen[0]!;
    if (p.code === 'FACTLINE_FILE_TORN_LINE') expectTypeOf(p.details.torn_path).toEqualTypeOf<string>();
    expect(p.code === 'FACTLINE_FILE_TORN_LINE' && p.details.torn_path).toBe('e.jsonl.torn-1');
    // @ts-expect-error: FACTLINE_FILE_NOT_WRITABLE's details need `op`, and have no `torn_path`
    reporter.report({ code: 'FACTLINE_FILE_NOT_WRITABLE', message: 'm', details: { path: 'e.jsonl', torn_path: 'x' } });
    // @ts-expect-error: a code with required details cannot leave them out
    reporter.report({ code: 'FACTLINE_CHAIN_RESTARTED', message: 'm' });
    reporter.report({ code: 'FACTLINE_TRACE_HOOK_FAILED', message: 'no details' });
    expect(reporter.counts).toEqual({ FACTLINE_FILE_TORN_LINE: 1, FACTLINE_FILE_NOT_WRITABLE: 1, FACTLINE_CHAIN_RESTARTED: 1, FACTLINE_TRACE_HOOK_FAILED: 1 });
  });
});
