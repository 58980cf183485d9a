import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCases, type QueryCase } from '../support/demo-cases.js';
import { expectLines, expectTraces, expectVector, spansOf } from '../support/answer-check.js';
import { b64ToHex, e2eEnv, eventually, lokiQuery, lokiQueryRange, normaliseTraceId, runDemoInto, tempoSearch, tempoTrace, type E2eEnv } from './backends.js';

/*
 * Every query of the library and every panel query of every dashboard, with
 * the dashboard variables expanded, run against the real Loki and Tempo on
 * one fresh run of the demo loop, and checked against what that run implies
 * (test/support/demo-cases.ts). FACTLINE_E2E_SAVE=1 saves every response to
 * test/fixtures/e2e/queries.json.
 */
const env = e2eEnv();
const reason = typeof env === 'string' ? env : undefined;

describe.skipIf(reason !== undefined)('end to end: every library and panel query on the demo loop', () => {
  const e = env as E2eEnv;
  const run = Date.now().toString(36);
  const service = `intent-q-${run}`;
  const traceKey = `TRACE-Q${run}`;
  const start = Date.now() - 100_000;
  const saved: Record<string, unknown> = {};
  const cases = demoCases({ service, traceKey });

  beforeAll(async () => {
    expect(await runDemoInto(e, { service, traceKey, start })).toMatchObject({ emitted: 34, invalid: 0 });
    process.stderr.write(`factline e2e queries: service ${service}, trace key ${traceKey}, ${cases.length} queries\n`);
    await eventually('the demo in Loki', async () => {
      const r = await lokiQueryRange(e, `{service_name="${service}"}`, start - 60_000, Date.now() + 60_000);
      return r.data.result.reduce((a, s) => a + s.values.length, 0) >= 34 ? true : undefined;
    });
    await eventually(
      'the demo in Tempo search',
      async () => {
        const r = await tempoSearch(e, `{ resource.service.name = "${service}" }`, start - 60_000, Date.now() + 60_000);
        return r.traces.length > 0 ? true : undefined;
      },
      180_000,
      5000,
    );
  });

  afterAll(() => {
    if (!process.env.FACTLINE_E2E_SAVE) return;
    const dir = new URL('../fixtures/e2e/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    writeFileSync(new URL('queries.json', dir), JSON.stringify(saved, null, 2) + '\n');
  });

  it('has queries to run', () => {
    expect(cases.length).toBeGreaterThan(50);
  });

  for (const c of cases) {
    it(`${c.name}: ${c.note}`, async () => {
      await check(c);
    });
  }

  async function check(c: QueryCase): Promise<void> {
    const from = start - 60_000;
    const to = Date.now() + 30_000;
    const x = c.expected;
    if (c.kind === 'traceql') {
      const r = await eventually(
        `${c.name} in Tempo`,
        async () => {
          const res = await tempoSearch(e, c.expr, from, to);
          return x.kind === 'traces' && res.traces.length >= x.traces ? res : undefined;
        },
        60_000,
        3000,
      ).catch(async () => tempoSearch(e, c.expr, from, to));
      saved[c.name] = { expr: c.expr, response: r };
      expectTraces(c, r);
      if (x.kind === 'traces' && x.spanNames) {
        // Search results carry span ids, not names: look the names up in the traces.
        const byId = new Map<string, string>();
        for (const t of r.traces) for (const s of await tempoTrace(e, normaliseTraceId(t.traceID))) byId.set(b64ToHex(s.spanId), s.name);
        expect(
          spansOf(r)
            .map((s) => byId.get(s.spanID.padStart(16, '0')))
            .sort(),
          c.expr,
        ).toEqual([...x.spanNames].sort());
      }
      return;
    }
    if (c.shape === 'logs') {
      const r = await lokiQueryRange(e, c.expr, from, to, 5000);
      saved[c.name] = { expr: c.expr, response: r };
      expectLines(c, r);
      return;
    }
    const r = await lokiQuery(e, c.expr, Date.now());
    saved[c.name] = { expr: c.expr, response: r };
    expectVector(c, r);
  }
});
