import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentFeedback } from '../../src/feedback/index.js';
import { eventChain, listLabels } from '../../src/history/index.js';
import { queryRangeWithinLimit, refusedEntriesLimit } from '../../src/query/entries-limit.js';
import { createLocalBackend, createLokiBackend } from '../../src/query/index.js';
import { QueryError } from '../../src/query/types.js';
import { MODEL, writeAgentHistory } from '../feedback/history.js';

/*
 * factline's own log queries (feedback's outcome pages, a chain's effects,
 * the label sample) keep within a backend's max_entries_limit_per_query
 * lower than Loki's default 5000: a Loki set lower refuses a query above it
 * (HTTP 400, naming its limit), and so does the local engine given
 * `maxEntriesLimitPerQuery` (CLI --max-entries-limit-per-query). A number
 * the caller gave (feedback's `last`) is refused, never cut.
 */
let dir: string;
let file: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'factline-entries-limit-'));
  file = join(dir, 'events.jsonl');
  await writeAgentHistory(file);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const question = { model: MODEL, attempts: 'agent.code.generated:%', success: 'agent.test.passed:%', failure: 'agent.test.failed:%' } as const;
const range = { start: 0n, end: BigInt(Date.now() + 60_000) * 1_000_000n };

describe('refusedEntriesLimit', () => {
  it("reads the backend's limit from Loki's refusal and the local engine's, and nothing else", () => {
    expect(
      refusedEntriesLimit(new QueryError('bad_request', 'Loki (400): max entries limit per query exceeded, limit > max_entries_limit_per_query (5000 > 1000)')),
    ).toBe(1000);
    expect(refusedEntriesLimit(new QueryError('bad_request', 'max entries limit per query exceeded, limit > max_entries_limit_per_query (101 > 3)'))).toBe(3);
    expect(
      refusedEntriesLimit(new QueryError('unavailable', 'max entries limit per query exceeded, limit > max_entries_limit_per_query (101 > 3)')),
    ).toBeUndefined();
    expect(refusedEntriesLimit(new QueryError('bad_request', 'maximum number of series (10000) reached for a single query'))).toBeUndefined();
    expect(refusedEntriesLimit(new Error('max_entries_limit_per_query (101 > 3)'))).toBeUndefined();
    expect(refusedEntriesLimit(new QueryError('bad_request', 'max_entries_limit_per_query (5 > 0)'))).toBeUndefined();
  });

  it('asks once more with the named limit, and passes every other error on', async () => {
    const backend = createLocalBackend({ files: [file], maxEntriesLimitPerQuery: 4 });
    const asked = await queryRangeWithinLimit(backend, { query: '{service_name=~".+"}', ...range, limit: 500 });
    expect(asked.limit).toBe(4);
    const data = asked.response.data;
    expect(data.resultType).toBe('streams');
    if (data.resultType === 'streams') expect(data.result.reduce((n, s) => n + s.values.length, 0)).toBe(4);
    await expect(queryRangeWithinLimit(backend, { query: '{service_name=~".+"', ...range, limit: 500 })).rejects.toMatchObject({ code: 'syntax' });
  });
});

describe("Loki's own refusal, as Loki 3.7.6 answered it (test/fixtures/loki/entries-limit.json)", () => {
  it('is read through the Loki backend, and the query asked again within the limit it names', async () => {
    const recorded = JSON.parse(readFileSync(new URL('../fixtures/loki/entries-limit.json', import.meta.url), 'utf8')) as {
      answers: { limit: string; status: number; body: string }[];
    };
    const refusal = recorded.answers.find((a) => a.status === 400 && a.body.includes('max_entries_limit_per_query'))!;
    // An HTTP server that answers as that Loki did: the recorded 400 body above 5000 lines, an empty stream result within.
    const limits: string[] = [];
    const server = createServer((req, res) => {
      const limit = new URL(req.url!, 'http://x').searchParams.get('limit') ?? '';
      limits.push(limit);
      if (Number(limit) > 5000) {
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(refusal.body);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'streams', result: [] } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const loki = createLokiBackend({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      const refused = await loki.queryRange({ query: '{service_name=~".+"}', ...range, limit: 5001 }).catch((e: unknown) => e);
      expect(refusedEntriesLimit(refused)).toBe(5000);
      const asked = await queryRangeWithinLimit(loki, { query: '{service_name=~".+"}', ...range, limit: 6000 });
      expect(asked.limit).toBe(5000);
      expect(limits).toEqual(['5001', '6000', '5000']);
    } finally {
      server.close();
    }
  });
});

describe("factline's own queries under a lower max_entries_limit_per_query", () => {
  it('feedback pages its outcomes at the lower limit and gives the same figures; a `last` above it is refused with the number that fits', async () => {
    const whole = createLocalBackend({ files: [file] });
    const low = createLocalBackend({ files: [file], maxEntriesLimitPerQuery: 7 });
    for (const last of [1, 7]) {
      const want = await agentFeedback(whole, { ...question, last, groupBy: { field: 'file', depth: 2 } });
      const got = await agentFeedback(low, { ...question, last, groupBy: { field: 'file', depth: 2 } });
      expect(got.groups).toEqual(want.groups);
      expect(got.total).toEqual(want.total);
      expect(got.total.pending).toBe(0);
    }
    await expect(agentFeedback(low, { ...question, last: 100 })).rejects.toMatchObject({
      code: 'bad_request',
      message: 'the last 100 attempts are more than one query may return here (max_entries_limit_per_query is 7): ask for the last 7 or fewer (--last, last)',
    });
  });

  it("a chain shows one fewer effect than the backend's limit and says the list is cut", async () => {
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; event_id: string; causation_id?: string });
    // A failed generation: it caused a test run and a review, two effects.
    const failed = lines.find((l) => l.event_id === 'agent.test.failed:1')!;
    const id = failed.causation_id!;
    const whole = await eventChain(createLocalBackend({ files: [file] }), { id, ...range });
    expect(whole!.effects.map((e) => e.eventId)).toEqual(['agent.test.failed:1', 'agent.review.failed:1']);
    expect(whole!.effectsCut).toBe(false);
    const three = await eventChain(createLocalBackend({ files: [file], maxEntriesLimitPerQuery: 3 }), { id, ...range });
    expect(three!.effects).toEqual(whole!.effects);
    expect(three!.effectsCut).toBe(false);
    const two = await eventChain(createLocalBackend({ files: [file], maxEntriesLimitPerQuery: 2 }), { id, ...range });
    expect(two!.event).toEqual(whole!.event);
    expect(two!.effects).toEqual(whole!.effects.slice(0, 1));
    expect(two!.effectsCut).toBe(true);
  });

  it('the label sample reads the newest lines the limit allows', async () => {
    const labels = await listLabels(createLocalBackend({ files: [file], maxEntriesLimitPerQuery: 5 }), range);
    expect(labels.sampledLines).toBe(5);
    expect(labels.onLines).toEqual((await listLabels(createLocalBackend({ files: [file] }), range)).onLines);
  });
});
