import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentFeedback, attemptsQuery, outcomesQuery } from '../../src/feedback/index.js';
import { createLocalBackend } from '../../src/query/index.js';
import { QueryError, type QueryBackend } from '../../src/query/types.js';
import { failureShare } from '../../src/queries/index.js';
import { MODEL, OTHER_MODEL, writeAgentHistory } from './history.js';

let dir: string;
let file: string;
let backend: QueryBackend;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'factline-feedback-'));
  file = join(dir, 'events.jsonl');
  await writeAgentHistory(file);
  backend = createLocalBackend({ files: [file] });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const question = { model: MODEL, attempts: 'agent.code.generated:%', success: 'agent.test.passed:%', failure: 'agent.test.failed:%', last: 100 } as const;

describe('agentFeedback: the last N attempts of one agent, per file prefix', () => {
  it('answers "23 of 50 src/auth attempts failed (46%)" for 100 generations with 23 failed, all in auth', async () => {
    const f = await agentFeedback(backend, { ...question, groupBy: { field: 'file', depth: 2 } });
    expect(f.attemptsConsidered).toBe(100);
    expect(f.groups).toEqual([
      { group: 'src/auth', attempts: 50, successes: 27, failures: 23, pending: 0, share: 0.46, sentence: '23 of 50 src/auth attempts failed (46%)' },
      { group: 'src/api', attempts: 50, successes: 50, failures: 0, pending: 0, share: 0, sentence: '0 of 50 src/api attempts failed (0%)' },
    ]);
    expect(f.total).toMatchObject({ group: 'all', attempts: 100, failures: 23, share: 0.23, sentence: '23 of 100 attempts failed (23%)' });
  });

  it('counts the last N attempts, not a time window: the 20 older failures count only when N reaches them', async () => {
    const f = await agentFeedback(backend, { ...question, last: 120, groupBy: { field: 'file', depth: 2 } });
    expect(f.groups.find((g) => g.group === 'src/auth')).toMatchObject({ attempts: 70, failures: 43 });
    const last10 = await agentFeedback(backend, { ...question, last: 10 });
    expect(last10.total).toMatchObject({ attempts: 10, failures: 0 }); // the newest 10 are api successes and late auth ones (n ≥ 23)
  });

  it('keeps to the given source: by model, and by source type', async () => {
    const other = await agentFeedback(backend, { ...question, model: OTHER_MODEL, groupBy: { field: 'file', depth: 2 } });
    expect(other.groups).toEqual([expect.objectContaining({ group: 'src/auth', attempts: 10, failures: 10, share: 1 })]);
    const anyAgent = await agentFeedback(backend, { ...question, model: undefined, sourceType: 'child_agent', last: 1000 });
    expect(anyAgent.total).toMatchObject({ attempts: 130, failures: 53 });
    const tools = await agentFeedback(backend, { ...question, model: undefined, sourceType: 'tool' });
    expect(tools.attemptsConsidered).toBe(0);
  });

  it('filters to one group prefix and groups by the whole field without depth', async () => {
    const auth = await agentFeedback(backend, { ...question, groupBy: { field: 'file', depth: 2 }, groupPrefix: 'src/auth' });
    expect(auth.groups.map((g) => g.group)).toEqual(['src/auth']);
    const whole = await agentFeedback(backend, { ...question, groupBy: { field: 'file' } });
    expect(whole.groups).toHaveLength(100);
    expect(whole.groups.filter((g) => g.failures === 1)).toHaveLength(23);
  });

  it('links outcomes by a payload field instead of causation id (--join)', async () => {
    // agent.review.failed carries the file; linking by file finds the 23 failed auth attempts.
    const f = await agentFeedback(backend, {
      ...question,
      failure: 'agent.review.failed:%',
      success: 'agent.review.passed:%',
      joinField: 'file',
      groupBy: { field: 'file', depth: 2 },
    });
    expect(f.groups.find((g) => g.group === 'src/auth')).toMatchObject({ attempts: 50, failures: 23, successes: 0, pending: 27 });
  });

  it.each(['nope', '__proto__', 'constructor', 'toString'])(
    'refuses a join field no attempt carries (%s), naming the fields they have, as groupBy.field',
    async (field) => {
      const join = agentFeedback(backend, { ...question, failure: 'agent.review.failed:%', success: 'agent.review.passed:%', joinField: field });
      await expect(join).rejects.toThrow(QueryError);
      await expect(join).rejects.toThrow(new RegExp(`^no attempt carries the payload field "${field}" to join on; their payloads have .*\\bfile\\b`));
      await expect(join).rejects.toMatchObject({ code: 'bad_request' });
    },
  );

  it('reports pending attempts when no outcome names them', async () => {
    const f = await agentFeedback(backend, { ...question, success: 'agent.nothing.passed:%', failure: 'agent.nothing.failed:%' });
    expect(f.total).toMatchObject({ attempts: 100, successes: 0, failures: 0, pending: 100, share: 0 });
  });

  it('refuses bad requests with a QueryError naming the fix', async () => {
    await expect(agentFeedback(backend, { ...question, last: 0 })).rejects.toThrow(/last must be a whole number from 1 to 5000/);
    await expect(agentFeedback(backend, { ...question, groupBy: { field: 'file name' } })).rejects.toThrow(/groupBy.field must be a payload field path/);
    await expect(agentFeedback(backend, { ...question, groupBy: { field: 'file', depth: 0 } })).rejects.toThrow(QueryError);
    await expect(agentFeedback(backend, { ...question, attempts: '' })).rejects.toThrow(/attempts must be a % pattern/);
  });

  it('builds LogQL that escapes every value', () => {
    expect(attemptsQuery({ attempts: 'agent.code.generated:%', model: 'a"b', field: 'file' })).toBe(
      '{service_name=~".+"} | event_name="agent.code.generated" | factline_event_version=~".+" | factline_source_model="a\\"b" | json factline_feedback_group="file"',
    );
    expect(outcomesQuery({ success: 'agent.test.passed:%', failure: '%.failed:%' })).toBe(
      '{service_name=~".+"} | factline_causation_id!="" | factline_event_id=~"agent\\\\.test\\\\.passed:.*|.*\\\\.failed:.*"',
    );
  });
});

describe('failureShare: failed attempts over attempts, per agent and file prefix (LogQL, local engine)', () => {
  it('is 23/50 = 0.46 on src/auth for the agent: failed attempts over its attempts there, not over every agent.* event', async () => {
    const q = failureShare({
      by: 'agent',
      agent: MODEL,
      attempts: 'agent.code.generated:%',
      failures: 'agent.review.failed:%',
      field: 'file',
      prefix: 'src/auth',
      window: '1d',
    });
    const r = await backend.query({ query: q.expr });
    expect(r.data.resultType).toBe('vector');
    expect(r.data.result).toEqual([{ metric: { factline_source_model: MODEL }, value: [expect.any(Number), '0.46'] }]);
    const api = await backend.query({
      query: failureShare({
        by: 'agent',
        agent: MODEL,
        attempts: 'agent.code.generated:%',
        failures: 'agent.review.failed:%',
        field: 'file',
        prefix: 'src/api',
        window: '1d',
      }).expr,
    });
    expect(api.data.result).toEqual([{ metric: { factline_source_model: MODEL }, value: [expect.any(Number), '0'] }]);
  });

  it('per file, one series for each file of the agent', async () => {
    const q = failureShare({ by: 'agent', agent: MODEL, attempts: 'agent.code.generated:%', failures: 'agent.review.failed:%', field: 'file', window: '1d' });
    const r = await backend.query({ query: q.expr });
    const series = r.data.result as { metric: Record<string, string>; value: [number, string] }[];
    expect(series).toHaveLength(100);
    expect(
      series
        .filter((s) => s.value[1] === '1')
        .map((s) => s.metric.file)
        .sort(),
    ).toEqual(Array.from({ length: 23 }, (_, n) => `src/auth/login${n}.ts`).sort());
  });

  it('per agent without a field: 23 of 100 in the last day', async () => {
    const q = failureShare({ by: 'agent', attempts: 'agent.code.generated:%', failures: 'agent.review.failed:%', window: '1d' });
    const r = await backend.query({ query: q.expr });
    const byModel = Object.fromEntries(
      (r.data.result as { metric: Record<string, string>; value: [number, string] }[]).map((s) => [s.metric.factline_source_model, Number(s.value[1])]),
    );
    expect(byModel).toEqual({ [MODEL]: 0.23, [OTHER_MODEL]: 1 });
  });
});
