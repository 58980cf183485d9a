import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBackend } from '../../src/query/index.js';
import { setupFactline } from '../../src/setup.js';
import { agentCatalog, writeAgentHistory, type HistoryEmitter } from '../feedback/history.js';
import {
  BULK_ATTEMPTS,
  BULK_MODEL,
  RAW_RECORDS,
  UNCAUSED_FAILURES,
  checkSharedAnswers,
  sharedQueries,
  sharedServices,
  type RecordedAnswer,
} from '../support/shared-loki.js';
import { e2eEnv, eventually, lokiQuery, lokiQueryRange, runDemoInto, tempoSearch, type E2eEnv } from './backends.js';

/*
 * Every panel query of every dashboard on a Loki the demo shares with
 * another service's unrelated failures (test/support/shared-loki.ts), through
 * the real Collector into the real Loki and Tempo. FACTLINE_E2E_SAVE=1 saves
 * the answers to test/fixtures/e2e/dashboards-shared.json, which
 * test/grafana/shared-loki-answers.test.ts replays.
 */
const env = e2eEnv();
const reason = typeof env === 'string' ? env : undefined;

describe.skipIf(reason !== undefined)('end to end: the dashboards on a Loki shared with another service', () => {
  const e = env as E2eEnv;
  const run = Date.now().toString(36);
  const { demo, agents, all } = sharedServices(run);
  const now = Date.now();
  const start = now - 100_000;
  // Instant queries are evaluated here: every event of the run is within the panels' 1h window.
  const at = now + 5_000;
  const dir = mkdtempSync(join(tmpdir(), 'factline-shared-e2e-'));
  const answers: Record<string, RecordedAnswer> = {};
  const queries = sharedQueries(all);

  beforeAll(async () => {
    await runDemoInto(e, { service: demo, traceKey: `TRACE-SH${run}`, start });
    const events = setupFactline(agentCatalog, {
      serviceName: agents,
      logExporter: new OTLPLogExporter({ url: `${e.otlpEndpoint}/v1/logs` }),
      spanExporter: null,
      // The same events to a file, for the local engine's answer.
      file: { path: join(dir, 'agents.jsonl'), fsync: 'never' },
      validation: 'strict',
      registerGlobals: false,
      shutdownOnExit: false,
    });
    const agent = (model: string) => ({ type: 'child_agent' as const, model, name: 'coder' });
    // The history's own shutdown comes after the extra events: failures without a cause, and the bulk model's attempts.
    const emitter: HistoryEmitter = {
      emit: events.emit.bind(events) as HistoryEmitter['emit'],
      shutdown: async () => {
        for (let i = 0; i < UNCAUSED_FAILURES; i++)
          events.emit('agent.test.failed:1', { test: 'nightly', reason: 'flaky network' }, { source: agent('claude-sonnet-4'), time: now - 30_000 + i });
        for (let i = 0; i < BULK_ATTEMPTS; i++) {
          const gen = events.emit(
            'agent.code.generated:1',
            { file: `src/bulk/f${i}.ts`, lines: 10, confidence: 0.9 },
            { source: agent(BULK_MODEL), time: now - 1_200_000 + i * 1000 },
          );
          if (i % 3 === 0)
            events.emit(
              'agent.test.failed:1',
              { test: 'unit', reason: 'red' },
              { source: agent(BULK_MODEL), time: now - 1_200_000 + i * 1000 + 10, causedBy: gen },
            );
        }
        await events.shutdown();
      },
    };
    await writeAgentHistory(join(dir, 'unused.jsonl'), now, () => emitter);
    // Records of a plain OTel logger that set factline.event.id and none of its parts.
    const raw = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': agents }),
      processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${e.otlpEndpoint}/v1/logs` }) })],
    });
    for (let i = 0; i < RAW_RECORDS; i++)
      raw.getLogger('raw').emit({ body: 'raw record', attributes: { 'factline.event.id': 'raw.thing.done:1' }, timestamp: now - 10_000 + i });
    await raw.shutdown();
    const expected = 34 + 20 * 3 + 100 * 2 + 23 + 10 * 3 + UNCAUSED_FAILURES + BULK_ATTEMPTS + BULK_ATTEMPTS / 3 + RAW_RECORDS;
    process.stderr.write(`factline e2e shared: services ${demo} and ${agents}, ${queries.size} queries\n`);
    await eventually(
      'both services in Loki',
      async () => {
        const r = await lokiQuery(e, `sum(count_over_time({service_name=~"${all}"}[30d]))`, at);
        const n = Number(r.data.result[0]?.value[1] ?? 0);
        return n >= expected ? n : undefined;
      },
      180_000,
    );
    await eventually(
      'the demo in Tempo search',
      async () => {
        const r = await tempoSearch(e, `{ resource.service.name = "${demo}" }`, start - 60_000, Date.now() + 60_000);
        return r.traces.length > 0 ? true : undefined;
      },
      180_000,
      5000,
    );
    for (const [key, q] of queries) {
      if (q.kind === 'traceql') answers[key] = { expr: q.expr, response: await tempoSearch(e, q.expr, start - 60_000, at + 30_000) };
      else if (q.shape === 'logs') answers[key] = { expr: q.expr, response: await lokiQueryRange(e, q.expr, start - 60_000, at, 5000) };
      else answers[key] = { expr: q.expr, response: await lokiQuery(e, q.expr, at) };
    }
  }, 420_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (!process.env.FACTLINE_E2E_SAVE) return;
    const out = new URL('../fixtures/e2e/', import.meta.url);
    mkdirSync(out, { recursive: true });
    writeFileSync(new URL('dashboards-shared.json', out), JSON.stringify({ services: { demo, agents, all }, time: at, answers }, null, 2) + '\n');
  });

  it('answers every panel query', () => {
    expect(Object.keys(answers).sort()).toEqual([...queries.keys()].sort());
  });

  it('shows the demo agent at 0 % by default, every share within 0 to 100 %, every row named', () => {
    checkSharedAnswers(answers);
  });

  it("gives the same Agent feedback figures on the local engine over the agent history's events.jsonl (factline query)", async () => {
    // The demo's events are not in the file; with code generations as attempts none of them counts.
    const local = createLocalBackend({ files: [join(dir, 'agents.jsonl')], serviceName: agents });
    const keys = [...queries.keys()].filter((k) => k.startsWith('codeGenerations/') && k.includes('per agent') && queries.get(k)!.shape === 'metric');
    expect(keys.length).toBe(4);
    const sorted = (r: readonly { metric: Record<string, string>; value: readonly [number, string] }[]) =>
      r.map((s) => [JSON.stringify(Object.entries(s.metric).sort()), Number(s.value[1])] as const).sort(([a], [b]) => (a < b ? -1 : 1));
    for (const k of keys) {
      const mine = await local.query({ query: queries.get(k)!.expr, time: BigInt(at) * 1_000_000n });
      const loki = answers[k]!.response.data!.result as { metric: Record<string, string>; value: [number, string] }[];
      const a = sorted(loki);
      const b = sorted(mine.data.result as { metric: Record<string, string>; value: [number, string] }[]);
      expect(
        b.map(([l]) => l),
        k,
      ).toEqual(a.map(([l]) => l));
      for (const [i, [, v]] of b.entries()) expect(v, k).toBeCloseTo(a[i]![1], 12);
    }
  });
});
