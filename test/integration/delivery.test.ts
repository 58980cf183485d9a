import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { intentCatalog } from '../../src/intent/catalog.js';
import { setupFactline } from '../../src/setup.js';
import { SKIP_NOTE, waitFor } from './support/collector.js';
import { usePipeline } from './support/pipeline.js';
import { instanceId, stringAttr } from './support/otlp.js';

/*
 * factline's default OTLP path (setupFactline, the durable log processor)
 * into the real Collector with the shipped config, and from there to a
 * recording server in Loki's place: a burst, and a Collector outage (the
 * process killed) in the middle of a steady stream. Every instance id must
 * come out at the far end; duplicates are allowed (at-least-once) and printed.
 */

const BURST = 200_000;

function factline(receiver: string, spoolDir: string) {
  process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT = `${receiver}/v1/logs`;
  const problems: string[] = [];
  const sdk = setupFactline(intentCatalog, {
    serviceName: 'delivery-test',
    spanExporter: null,
    registerGlobals: false,
    shutdownOnExit: false,
    validation: 'strict',
    spool: { dir: spoolDir },
    onProblem: (p) => problems.push(p.code),
  });
  const emitOne = (i: number) =>
    sdk.emit('signal.signal.created:1', { signal_id: `SIG-${i}`, source: 'cli', content: `delivery event ${i}`, confidence: 0.5 })!.id;
  return { sdk, emitOne, problems };
}

describe.skipIf(SKIP_NOTE !== undefined)('durable delivery through the real Collector', () => {
  const pipeline = usePipeline('delivery');
  const { recorder } = pipeline;
  const received = () => new Set(recorder.logs().map((l) => instanceId(l.record)));

  it(`delivers a burst of ${BURST} events, every one`, async () => {
    const { sdk, emitOne, problems } = factline(pipeline.receiver, mkdtempSync(join(tmpdir(), 'factline-burst-spool-')));
    const started = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < BURST; i++) ids.push(emitOne(i));
    await waitFor(() => sdk.stats().sinks.otel!.delivered === BURST, {
      timeoutMs: 600_000,
      intervalMs: 1000,
      describe: () => JSON.stringify(sdk.stats().sinks.otel),
    });
    const acknowledgedMs = Date.now() - started;
    await waitFor(() => received().size >= BURST, {
      timeoutMs: 600_000,
      intervalMs: 2000,
      describe: () => `${received().size} of ${BURST} at the far end\n${pipeline.collector.tail()}`,
    });
    await sdk.shutdown();
    const got = received();
    expect(ids.filter((id) => !got.has(id))).toEqual([]);
    expect(sdk.stats().sinks.otel).toMatchObject({ emitted: BURST, delivered: BURST, dropped: 0, deadLettered: 0, pending: 0, spooled: 0 });
    console.log(
      `[integration] burst: ${BURST} events acknowledged by the Collector after ${acknowledgedMs} ms, all at the far end after ${Date.now() - started} ms; problems: ${[...new Set(problems)].join(', ') || 'none'}`,
    );
  });

  it('delivers every event emitted while the Collector is down (killed), once it is back', async () => {
    recorder.requests.length = 0;
    const { sdk, emitOne } = factline(pipeline.receiver, mkdtempSync(join(tmpdir(), 'factline-outage-spool-')));
    const ids: string[] = [];
    const emitFor = async (ms: number) => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        for (let k = 0; k < 50; k++) ids.push(emitOne(ids.length)); // 5,000/s
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await emitFor(3000);
    await pipeline.collector.stop('SIGKILL');
    await emitFor(15_000);
    expect(sdk.stats().sinks.otel!.spooled).toBeGreaterThan(0);
    await pipeline.collector.start();
    await emitFor(3000);
    await waitFor(() => sdk.stats().sinks.otel!.delivered === ids.length, {
      timeoutMs: 300_000,
      intervalMs: 1000,
      describe: () => JSON.stringify(sdk.stats().sinks.otel),
    });
    await waitFor(() => received().size >= ids.length, {
      timeoutMs: 300_000,
      intervalMs: 2000,
      describe: () => `${received().size} of ${ids.length}\n${pipeline.collector.tail()}`,
    });
    await sdk.shutdown();
    const got = received();
    expect(ids.filter((id) => !got.has(id))).toEqual([]);
    expect(sdk.stats().sinks.otel).toMatchObject({ dropped: 0, pending: 0, spooled: 0 });
    console.log(`[integration] Collector down 15 s: ${ids.length} events, all delivered; ${recorder.logs().length - got.size} duplicates at the far end`);
  });

  it("maps a factline line's service_name and catalog like the SDK does: resource service.name and factline.catalog", async () => {
    recorder.requests.length = 0;
    const line = {
      schema_version: 1,
      id: '019a0000-0000-7000-8000-00000000c0de',
      event_id: 'signal.signal.created:1',
      time: '2026-03-30T14:00:00.000Z',
      observed_time: '2026-03-30T14:00:00.000Z',
      source: { type: 'runtime' },
      severity: 'INFO',
      service_name: 'checkout',
      catalog: 'intent',
      payload: { signal_id: 'SIG-1', source: 'cli', content: 'from a file', confidence: 0.5 },
    };
    appendFileSync(join(pipeline.tailed, 'service-line.jsonl'), JSON.stringify(line) + '\n');
    await waitFor(() => recorder.logs().some((l) => instanceId(l.record) === line.id), { timeoutMs: 60_000, describe: () => pipeline.collector.tail() });
    const got = recorder.logs().find((l) => instanceId(l.record) === line.id)!;
    expect(stringAttr(got.resource, 'service.name')).toBe('checkout');
    expect(stringAttr(got.record.attributes, 'factline.catalog')).toBe('intent');
    expect(stringAttr(got.record.attributes, 'service_name')).toBeUndefined();
  });
});
