import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lokiHeadersFromEnv } from '../../src/cli/loki-auth.js';
import { agentFeedback } from '../../src/feedback/index.js';
import { eventChain, labelValues } from '../../src/history/index.js';
import { createLokiBackend } from '../../src/query/index.js';
import { MODEL } from '../feedback/history.js';
import type { RecordedLokiAuth } from './loki-auth-fixture.js';

/*
 * The answers a real Loki 3.7.6 with auth_enabled: true gave behind a
 * bearer-token proxy (test/e2e/loki-auth.test.ts recorded them), replayed:
 * the requests factline makes now are the ones Loki answered then, byte for
 * byte (same path, same query string, same tenant, the bearer token from the
 * environment), and the answers read from them are the recorded ones.
 */
const recorded = JSON.parse(readFileSync(new URL('../fixtures/mcp/loki-auth.json', import.meta.url), 'utf8')) as RecordedLokiAuth;

function replay(): { fetch: typeof fetch; asked: string[] } {
  const asked: string[] = [];
  const f = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init?.headers);
    const path = `${url.pathname}${url.search}`;
    asked.push(path);
    if (headers.get('authorization') !== `Bearer ${recorded.token}`) return new Response('missing or wrong bearer token\n', { status: 401 });
    const hit = recorded.exchanges.find((x) => x.path === path && x.tenant === headers.get('x-scope-orgid'));
    if (hit === undefined) return new Response(`not recorded: ${path}`, { status: 599 });
    return new Response(hit.body, { status: hit.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetch: f, asked };
}

describe('recorded answers of a real Loki behind auth', () => {
  const range = { start: BigInt(recorded.range.start), end: BigInt(recorded.range.end) };
  const backend = (r: ReturnType<typeof replay>) =>
    createLokiBackend({
      url: 'http://loki.test',
      tenant: recorded.tenant,
      headers: lokiHeadersFromEnv({ FACTLINE_LOKI_BEARER_TOKEN: recorded.token }),
      fetch: r.fetch,
    });

  it('event_chain walks the recorded causation chain: two causes, one effect', async () => {
    const r = replay();
    const chain = await eventChain(backend(r), { id: recorded.ids.reviewFailed, ...range });
    expect(JSON.parse(JSON.stringify(chain))).toEqual(recorded.expected.chain);
    expect(chain!.causes.map((e) => e.id)).toEqual([recorded.ids.generated, recorded.ids.testFailed]);
    expect(chain!.effects.map((e) => e.id)).toEqual([recorded.ids.regenerated]);
    expect(r.asked.every((p) => recorded.exchanges.some((x) => x.path === p))).toBe(true);
  });

  it('label values and feedback per service read the same from the recorded answers', async () => {
    const r = replay();
    expect(await labelValues(backend(r), 'factline_event_id', { ...range, service: 'chain-demo' })).toEqual(recorded.expected.values);
    const f = await agentFeedback(backend(r), {
      attempts: 'agent.code.generated:%',
      success: 'agent.test.passed:%',
      failure: 'agent.test.failed:%',
      model: MODEL,
      service: 'alpha',
      ...range,
    });
    expect(f.total.sentence).toBe('6 of 20 attempts failed (30%)');
    expect(f.total.sentence).toBe(recorded.expected.alpha);
    expect(f.queries).toEqual(recorded.expected.alphaQueries);
  });

  it('without the token the gateway refuses, and factline says so with the status', async () => {
    const r = replay();
    const bare = createLokiBackend({ url: 'http://loki.test', tenant: recorded.tenant, fetch: r.fetch });
    await expect(eventChain(bare, { id: recorded.ids.reviewFailed, ...range })).rejects.toMatchObject({
      code: 'bad_request',
      message: 'Loki (401): missing or wrong bearer token',
    });
  });
});
