import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/query/parse.js';
import { QueryError } from '../../src/query/types.js';

/*
 * Long but valid LogQL past the parser's (lezer's) limits: a clear refusal
 * naming the limit, never a syntax error at a place where there is none.
 */
function refusal(query: string): QueryError {
  try {
    parseQuery(query);
  } catch (e) {
    if (e instanceof QueryError) return e;
    throw e;
  }
  throw new Error('parsed');
}

describe('queries past the parser limits', () => {
  it('a long chain of + terms, |= stages or label filters is refused as too long, not as a syntax error', () => {
    for (const q of [
      `vector(1)${' + vector(1)'.repeat(1000)}`,
      `{service_name="a"}${' |= "a"'.repeat(1000)}`,
      `{service_name="a"} | json${' | x="1"'.repeat(1000)}`,
    ]) {
      const e = refusal(q);
      expect(e.code).toBe('unsupported');
      expect(e.message).toMatch(/^query too long for the local parser: .* more than 300 further terms after its first 2,000 characters/);
    }
  });

  it('5,000 nested parentheses are refused as too deep', () => {
    const e = refusal(`${'('.repeat(5000)}vector(1)${')'.repeat(5000)}`);
    expect(e.code).toBe('unsupported');
    expect(e.message).toMatch(/^query too deep for the local parser: more than about 2,800 nested expressions/);
  });

  it('shorter chains and nestings parse; a real syntax error in a long query is still one', () => {
    expect(() => parseQuery(`vector(1)${' + vector(1)'.repeat(500)}`)).not.toThrow();
    expect(() => parseQuery(`{service_name="a"}${' |= "a"'.repeat(500)}`)).not.toThrow();
    expect(() => parseQuery(`${'('.repeat(2000)}vector(1)${')'.repeat(2000)}`)).not.toThrow();
    const e = refusal(`{service_name="a"}${' |= "a"'.repeat(200)} |= `);
    expect(e.code).toBe('syntax');
  });
});
