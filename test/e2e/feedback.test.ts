import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentFeedback, type FeedbackRequest } from '../../src/feedback/index.js';
import { createLocalBackend, createLokiBackend } from '../../src/query/index.js';
import { failureShare } from '../../src/queries/index.js';
import { setupFactline } from '../../src/setup.js';
import { agentCatalog, MODEL, writeAgentHistory } from '../feedback/history.js';
import { eventually } from './backends.js';

/*
 * The feedback figures on real Loki, fed by the real Collector, against the
 * local engine over the events.jsonl the same emitter wrote: the same answer,
 * 23 of 50 src/auth attempts failed (0.46). Needs FACTLINE_LOKI_URL and the
 * Collector's OTLP/HTTP endpoint (FACTLINE_OTLP_ENDPOINT, default
 * http://localhost:4318) shipping to that Loki.
 */
const lokiUrl = process.env.FACTLINE_LOKI_URL;
const otlp = (process.env.FACTLINE_OTLP_ENDPOINT ?? 'http://localhost:4318').replace(/\/$/, '');

describe.skipIf(lokiUrl === undefined)('feedback figures: real Loki and the local engine agree', () => {
  const service = `feedback-e2e-${Date.now().toString(36)}`;
  const dir = mkdtempSync(join(tmpdir(), 'factline-feedback-e2e-'));
  const file = join(dir, 'events.jsonl');
  const loki = createLokiBackend({ url: lokiUrl ?? 'http://localhost:3100' });
  const local = createLocalBackend({ files: [file], serviceName: service });
  const question: FeedbackRequest = {
    service,
    model: MODEL,
    attempts: 'agent.code.generated:%',
    success: 'agent.test.passed:%',
    failure: 'agent.test.failed:%',
    last: 100,
    groupBy: { field: 'file', depth: 2 },
  };

  beforeAll(async () => {
    await writeAgentHistory(file, Date.now(), () =>
      setupFactline(agentCatalog, {
        serviceName: service,
        logExporter: new OTLPLogExporter({ url: `${otlp}/v1/logs` }),
        spanExporter: null,
        file: { path: file, fsync: 'never' },
        validation: 'strict',
        registerGlobals: false,
        shutdownOnExit: false,
      }),
    );
    await eventually(
      'every event in Loki',
      async () => {
        const r = await loki.query({ query: `sum(count_over_time({service_name="${service}"}[30d]))` });
        const n = r.data.resultType === 'vector' ? Number(r.data.result[0]?.value[1] ?? 0) : 0;
        return n >= 313 ? n : undefined;
      },
      180_000,
    );
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('agentFeedback answers 23 of 50 src/auth attempts failed on both', async () => {
    const [onLoki, onFiles] = await Promise.all([agentFeedback(loki, question), agentFeedback(local, question)]);
    expect(onLoki.groups[0]).toEqual({
      group: 'src/auth',
      attempts: 50,
      successes: 27,
      failures: 23,
      pending: 0,
      share: 0.46,
      sentence: '23 of 50 src/auth attempts failed (46%)',
    });
    expect(onFiles.groups).toEqual(onLoki.groups);
    expect(onFiles.total).toEqual(onLoki.total);
  });

  it('failureShare is 0.46 on src/auth on both, and Loki renders the depth template the local engine refuses', async () => {
    const share = failureShare({
      by: 'agent',
      service,
      agent: MODEL,
      attempts: 'agent.code.generated:%',
      failures: 'agent.review.failed:%',
      field: 'file',
      prefix: 'src/auth',
      window: '1d',
    });
    const [a, b] = await Promise.all([loki.query({ query: share.expr }), local.query({ query: share.expr })]);
    expect(a.data.result).toEqual([{ metric: { factline_source_model: MODEL }, value: [expect.any(Number), '0.46'] }]);
    expect(b.data.result).toEqual([{ metric: { factline_source_model: MODEL }, value: [expect.any(Number), '0.46'] }]);
    const byDepth = failureShare({
      by: 'agent',
      service,
      agent: MODEL,
      attempts: 'agent.code.generated:%',
      failures: 'agent.review.failed:%',
      field: 'file',
      depth: 2,
      window: '1d',
    });
    const c = await loki.query({ query: byDepth.expr });
    const values = Object.fromEntries((c.data.result as { metric: Record<string, string>; value: [number, string] }[]).map((s) => [s.metric.file, s.value[1]]));
    expect(values).toEqual({ 'src/auth': '0.46', 'src/api': '0' });
    await expect(local.query({ query: byDepth.expr })).rejects.toMatchObject({ code: 'unsupported' });
  });
});
