import { mkdirSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { idsForTraceKey } from '../../src/otel/trace-key.js';
import {
  b64ToHex,
  e2eEnv,
  eventually,
  lokiLabels,
  lokiQuery,
  lokiQueryRange,
  normaliseTraceId,
  runDemoInto,
  tempoSearch,
  tempoTrace,
  type E2eEnv,
} from './backends.js';

/*
 * The demo loop through a real Collector into a real Loki and Tempo, checked
 * with real queries. Each run has its own service name and trace key, so runs
 * against the same backends do not see each other's data.
 * With FACTLINE_E2E_SAVE=1 the responses are saved under test/fixtures/e2e/.
 */
const env = e2eEnv();
const reason = typeof env === 'string' ? env : undefined;
if (reason) process.stderr.write(`factline e2e: skipped: ${reason}\n`);

const EXPECTED_COUNTS: Record<string, number> = {
  'signal.signal.created': 5,
  'signal.signal.enriched': 4,
  'signal.signal.clustered': 4,
  'signal.signal.dismissed': 1,
  'signal.signal.promoted': 1,
  'intent.intent.proposed': 1,
  'intent.intent.accepted': 1,
  'spec.spec.created': 1,
  'spec.spec.approved': 1,
  'contract.contract.started': 3,
  'contract.assertion.passed': 7,
  'contract.assertion.failed': 1,
  'contract.contract.completed': 3,
  'system.health.reported': 1,
};

function save(name: string, data: unknown): void {
  if (!process.env.FACTLINE_E2E_SAVE) return;
  const dir = new URL('../fixtures/e2e/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`${name}.json`, dir), JSON.stringify(data, null, 2) + '\n');
}

describe.skipIf(reason !== undefined)('end to end: demo loop → Collector → Loki and Tempo', () => {
  const e = env as E2eEnv;
  const run = Date.now().toString(36);
  const service = `intent-e2e-${run}`;
  const traceKey = `TRACE-E2E${run}`;
  const traceId = idsForTraceKey(traceKey).traceId;
  const start = Date.now() - 100_000;
  let end = 0;
  const selector = `{service_name="${service}"}`;

  beforeAll(async () => {
    expect(await runDemoInto(e, { service, traceKey, start })).toMatchObject({ emitted: 34, invalid: 0 });
    end = Date.now() + 60_000;
    process.stderr.write(`factline e2e: service ${service}, trace key ${traceKey} → trace id ${traceId}\n`);
  });

  it('indexes the service as the service_name label and stores all 34 events', async () => {
    // Loki answers the labels of a range without `data` until the first chunk of it is ingested.
    const labels = await eventually('the service_name label', async () => {
      const l = await lokiLabels(e, start - 60_000, end);
      return l.data?.includes('service_name') ? l : undefined;
    });
    expect(labels.data).toContain('service_name');
    const r = await eventually('34 lines in Loki', async () => {
      const res = await lokiQueryRange(e, selector, start - 60_000, end);
      const n = res.data.result.reduce((a, s) => a + s.values.length, 0);
      return n >= 34 ? res : undefined;
    });
    save('loki-all-lines', r);
    expect(r.data.result.reduce((a, s) => a + s.values.length, 0)).toBe(34);
    for (const s of r.data.result) {
      expect(s.stream.service_name).toBe(service);
      expect(s.stream.event_name).toMatch(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/);
      expect(s.stream.factline_event_id).toBe(`${s.stream.event_name}:1`);
    }
  });

  it('counts every event type exactly', async () => {
    const q = `sum by (event_name) (count_over_time(${selector}[1h]))`;
    const r = await eventually('counts per event type', async () => {
      const res = await lokiQuery(e, q, end);
      const total = res.data.result.reduce((a, x) => a + Number(x.value[1]), 0);
      return total >= 34 ? res : undefined;
    });
    save('loki-count-by-event-name', r);
    expect(Object.fromEntries(r.data.result.map((x) => [x.metric.event_name, Number(x.value[1])]))).toEqual(EXPECTED_COUNTS);
  });

  it('keeps event_name and trace_id as structured metadata and the payload as a JSON body', async () => {
    const q = `${selector} | event_name="contract.assertion.failed" | json | assertion_name="lint_passes"`;
    const r = await lokiQueryRange(e, q, start - 60_000, end);
    save('loki-failing-assertion', r);
    const lines = r.data.result.flatMap((s) => s.values.map((v) => ({ labels: s.stream, line: v[1] })));
    expect(lines).toHaveLength(1);
    const [only] = lines;
    expect(only!.labels.trace_id).toBe(traceId);
    expect(only!.labels.factline_trace_key).toBe(traceKey);
    expect(JSON.parse(only!.line)).toEqual({
      contract_id: 'CON-092',
      assertion_id: 'assert-2',
      assertion_name: 'lint_passes',
      error: 'eslint: 3 errors in src/api/handler.ts',
    });
  });

  it('finds the failing assertion on its contract span with TraceQL, in the same trace as the log line', async () => {
    const q = `{ resource.service.name = "${service}" && event:name = "contract.assertion.failed" }`;
    const r = await eventually(
      'the TraceQL search to find the trace (Tempo indexes recent traces after a short delay)',
      async () => {
        const res = await tempoSearch(e, q, start - 60_000, end);
        return res.traces.length > 0 ? res : undefined;
      },
      180_000,
      5000,
    );
    save('tempo-search-failed-assertion', r);
    expect(r.traces.map((t) => normaliseTraceId(t.traceID))).toEqual([traceId]);
    const matched = r.traces[0]!.spanSets?.[0]?.spans.map((s) => s.spanID) ?? [];
    const spans = await tempoTrace(e, traceId);
    save('tempo-trace', spans);
    const contract = spans.find((s) => s.events?.some((ev) => ev.name === 'contract.assertion.failed'))!;
    expect(contract.name).toBe('intent.contract');
    expect(contract.attributes?.find((a) => a.key === 'intent.contract_id')?.value).toEqual({ stringValue: 'CON-092' });
    expect(contract.status?.code).toBe('STATUS_CODE_ERROR');
    expect(matched.map((id) => id.padStart(16, '0'))).toContain(b64ToHex(contract.spanId));
    const names = spans.map((s) => s.name).sort();
    expect(names).toEqual(['intent.contract', 'intent.contract', 'intent.contract', 'intent.intent', 'intent.loop', 'intent.spec']);
    expect(new Set(spans.map((s) => b64ToHex(s.traceId)))).toEqual(new Set([traceId]));
  });
});
