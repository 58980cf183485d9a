import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createLokiBackend } from '../../src/query/loki.js';
import { QueryError } from '../../src/query/types.js';
import { capture } from './capture.js';

/*
 * The Loki backend's side of Loki's HTTP API: which request it sends (path,
 * parameters in Loki's units, tenant header) and how it reads Loki's answers
 * and errors. The answers below are Loki 3's own texts and shapes; the
 * queries' results on a real Loki are the end-to-end suite's (test/e2e).
 */
let server: Server;
let url: string;
let requests: { path: string; params: Record<string, string>; headers: IncomingMessage['headers'] }[] = [];
let reply: { status: number; body: string } = { status: 200, body: '' };

const VECTOR = {
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: { event_name: 'contract.assertion.failed' }, value: [1764500000, '1'] }], stats: {} },
};

/** A port nothing listens on: one the OS just handed out and took back. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
let down: string;

beforeAll(async () => {
  down = `http://127.0.0.1:${await closedPort()}`;
  server = createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    requests.push({ path: u.pathname, params: Object.fromEntries(u.searchParams), headers: req.headers });
    res.writeHead(reply.status, { 'content-type': reply.status === 200 ? 'application/json' : 'text/plain' });
    res.end(reply.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  requests = [];
  reply = { status: 200, body: JSON.stringify(VECTOR) };
});

describe('createLokiBackend', () => {
  it('sends an instant query to /loki/api/v1/query with time in ns, limit and direction', async () => {
    const loki = createLokiBackend({ url, tenant: 'team-a', headers: { Authorization: 'Bearer t' } });
    expect(loki.kind).toBe('loki');
    const r = await loki.query({ query: 'sum(count_over_time({a="b"}[1h]))', time: 1764500000123456789n, limit: 5, direction: 'forward' });
    expect(r).toEqual(VECTOR);
    expect(requests).toEqual([
      expect.objectContaining({
        path: '/loki/api/v1/query',
        params: { query: 'sum(count_over_time({a="b"}[1h]))', time: '1764500000123456789', limit: '5', direction: 'forward' },
      }),
    ]);
    expect(requests[0]!.headers).toMatchObject({ 'x-scope-orgid': 'team-a', authorization: 'Bearer t', accept: 'application/json' });
  });

  it('sends a range query to /loki/api/v1/query_range with start, end, step; keeps a path prefix', async () => {
    const loki = createLokiBackend({ url: `${url}/gateway/` });
    await loki.queryRange({ query: '{a="b"}', start: 1n, end: 2_000_000_000n, step: 15 });
    expect(requests[0]).toMatchObject({ path: '/gateway/loki/api/v1/query_range', params: { query: '{a="b"}', start: '1', end: '2000000000', step: '15' } });
    expect(requests[0]!.headers['x-scope-orgid']).toBeUndefined();
  });

  it("maps Loki's parse errors to syntax, with the position", async () => {
    reply = { status: 400, body: 'parse error at line 1, col 18: syntax error: unexpected $end, expecting } or ,' };
    const e = await createLokiBackend({ url })
      .query({ query: '{service_name="x"' })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(QueryError);
    expect(e).toMatchObject({ code: 'syntax', position: 17, message: 'Loki: parse error at line 1, col 18: syntax error: unexpected $end, expecting } or ,' });
  });

  it("maps other 4xx to bad_request and 5xx to unavailable, with Loki's own text", async () => {
    reply = { status: 400, body: 'max entries limit per query exceeded, limit > max_entries_limit_per_query (10000 > 5000)' };
    await expect(createLokiBackend({ url }).queryRange({ query: '{a="b"}', start: 0n, end: 1n, limit: 10000 })).rejects.toMatchObject({
      code: 'bad_request',
      message: 'Loki (400): max entries limit per query exceeded, limit > max_entries_limit_per_query (10000 > 5000)',
    });
    reply = { status: 503, body: 'Ingester not ready' };
    await expect(createLokiBackend({ url }).query({ query: '{a="b"}' })).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('answered 503: Ingester not ready'),
    });
    reply = { status: 200, body: '<html>proxy</html>' };
    await expect(createLokiBackend({ url }).query({ query: '{a="b"}' })).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('not JSON'),
    });
  });

  it('says when Loki cannot be reached, and refuses bad arguments before sending', async () => {
    await expect(createLokiBackend({ url: down }).query({ query: '{a="b"}' })).rejects.toMatchObject({
      code: 'unavailable',
      message: `Loki at ${down} cannot be reached: ECONNREFUSED`,
    });
    expect(() => createLokiBackend({ url: 'localhost:3100' })).toThrow(/must start with http:\/\/ or https:\/\//);
    expect(() => createLokiBackend({ url: 'not a url' })).toThrow(/is not a URL; write e\.g\. http:\/\/localhost:3100/);
    await expect(createLokiBackend({ url }).queryRange({ query: '{a="b"}', start: 2n, end: 1n })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(createLokiBackend({ url }).query({ query: '{a="b"}', limit: 0 })).rejects.toMatchObject({ code: 'bad_request' });
    expect(requests).toEqual([]);
  });
});

describe('factline query --loki', () => {
  it('asks Loki and prints its answer; FACTLINE_LOKI_URL works the same', async () => {
    const io = capture();
    expect(await main(['query', '--loki', url, '--loki-tenant', 't1', 'sum by (event_name) (count_over_time({a="b"}[1h]))'], io)).toBe(0);
    expect(io.stdout).toEqual(['SERIES                                    VALUE', '{event_name="contract.assertion.failed"}  1']);
    expect(requests[0]).toMatchObject({ path: '/loki/api/v1/query' });
    expect(requests[0]!.headers['x-scope-orgid']).toBe('t1');
    process.env.FACTLINE_LOKI_URL = url;
    try {
      const viaEnv = capture();
      expect(await main(['query', '--json', '{a="b"}'], viaEnv)).toBe(0);
      expect(JSON.parse(viaEnv.stdout[0]!)).toEqual(VECTOR);
      expect(requests[1]).toMatchObject({ path: '/loki/api/v1/query_range' });
    } finally {
      delete process.env.FACTLINE_LOKI_URL;
    }
  });

  it("exits 2 with Loki's syntax error and 1 when Loki is down", async () => {
    reply = { status: 400, body: 'parse error at line 1, col 5: syntax error: unexpected IDENTIFIER' };
    const io = capture();
    expect(await main(['query', '--loki', url, '{a="b"} | x'], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/^factline query: syntax error at position 4: Loki: parse error/);
    const io2 = capture();
    expect(await main(['query', '--loki', down, '{a="b"}'], io2)).toBe(1);
    expect(io2.stderr[0]).toBe(`factline query: unavailable: Loki at ${down} cannot be reached: ECONNREFUSED`);
  });
});
