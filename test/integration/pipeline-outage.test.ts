import { join } from 'node:path';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { describe, expect, it } from 'vitest';
import { createEmitter } from '../../src/emitter/emitter.js';
import { intentCatalog } from '../../src/intent/catalog.js';
import { setupFactline } from '../../src/setup.js';
import { createJsonlSink } from '../../src/sinks/jsonl/index.js';
import { SKIP_NOTE, waitFor } from './support/collector.js';
import { usePipeline } from './support/pipeline.js';
import { instanceId } from './support/otlp.js';

/*
 * Loki refuses (HTTP 503) until the test ends the outage. Meanwhile 200
 * events arrive over OTLP and 50 lines are appended to events.jsonl, and the
 * Collector is killed with SIGKILL and started again on the same file_storage
 * directory. When Loki accepts again, every event must be delivered. The
 * outage has no fixed length: it ends once the restarted Collector has tried
 * again, so a slow machine makes the test slower, never wrong.
 *
 * What is promised is at-least-once, not exactly-once. The persistent queue
 * removes a batch from disk only after the backend acknowledged it, and
 * file_log saves its read offsets separately from the queue; a SIGKILL
 * between "sent" and "acknowledgement recorded" (or between "queued" and
 * "offset saved") means the batch is sent, or the lines read, again after the
 * restart. Nothing makes the two writes one transaction, so exactly-once
 * cannot be promised. The test asserts on unique instance ids and reports
 * duplicates separately (none seen so far).
 *
 * The first test kills the Collector only once every event has been refused
 * at least once (proof that it sits in the persistent queue). The second
 * kills it the moment the SDK's flush has been answered: the production
 * config has no in-memory `batch` processor, so what the receiver
 * acknowledged is already on disk. (With a batch processor, 200 of 200 OTLP
 * records were lost in exactly this case.)
 */

/** How long the Collector may take to queue the first events (its first refused sends). */
const QUEUED_WITHIN_MS = 60_000;
const OTLP_EVENTS = 200;
const FILE_LINES = 50;

/**
 * Emits OTLP_EVENTS signal events through factline's own SDK pipeline to the
 * Collector's receiver, adding each instance id to `sent`. The caller shuts
 * the returned emitter down, which flushes.
 */
function sendOverOtlp(receiver: string, serviceName: string, idPrefix: string, sent: Set<string>) {
  const sdk = setupFactline(intentCatalog, {
    serviceName,
    logExporter: new OTLPLogExporter({ url: `${receiver}/v1/logs` }),
    spanExporter: null,
    registerGlobals: false,
    shutdownOnExit: false,
    validation: 'strict',
  });
  for (let i = 0; i < OTLP_EVENTS; i++) {
    sent.add(sdk.emit('signal.signal.created:1', { signal_id: `${idPrefix}${i}`, source: 'cli', content: `${serviceName} event ${i}`, confidence: 0.5 })!.id);
  }
  return sdk;
}

describe.skipIf(SKIP_NOTE !== undefined)('delivery through a backend outage and a Collector crash', () => {
  const pipeline = usePipeline('pipeline-outage');
  const { recorder, tailed: files } = pipeline;

  it('delivers every event once Loki accepts again, after 503s and a SIGKILL, with no event lost', async () => {
    recorder.refuse();
    const sent = new Set<string>();

    // 200 events over OTLP. The Collector answers 200 (queueing is its job),
    // so the SDK is done once shutdown has flushed.
    const sdk = sendOverOtlp(pipeline.receiver, 'outage-test', 'SIG-', sent);
    await sdk.shutdown();

    // Half the file lines before the crash, half while the Collector is dead.
    const file = createEmitter(intentCatalog, { validation: 'strict', sinks: [createJsonlSink({ path: join(files, 'events.jsonl') })] });
    const appendLines = (from: number, to: number) => {
      for (let i = from; i < to; i++)
        sent.add(file.emit('signal.signal.created:1', { signal_id: `SIG-F${i}`, source: 'agent', content: `file line ${i}`, confidence: 0.25 })!.id);
    };
    appendLines(0, FILE_LINES / 2);

    const refusedIds = () => new Set(recorder.logs('refused').map((l) => instanceId(l.record)));
    const beforeCrash = new Set(sent);
    await waitFor(() => [...beforeCrash].every((id) => refusedIds().has(id)), {
      timeoutMs: QUEUED_WITHIN_MS,
      describe: () => `${refusedIds().size} of ${beforeCrash.size} events refused at least once (so queued)\n${pipeline.collector.tail()}`,
    });
    expect(recorder.logs('delivered')).toEqual([]);

    await pipeline.collector.stop('SIGKILL');
    appendLines(FILE_LINES / 2, FILE_LINES);
    await file.shutdown();
    const refusedBeforeRestart = recorder.refusedCount();
    await pipeline.collector.start();

    // The outage lasts until the restarted Collector has sent from its
    // persistent queue at least once, so the restart happens inside it on any
    // machine and the test proves the queue survived the SIGKILL.
    await waitFor(() => recorder.refusedCount() > refusedBeforeRestart, {
      timeoutMs: QUEUED_WITHIN_MS,
      describe: () => `the restarted Collector sent nothing from its queue\n${pipeline.collector.tail()}`,
    });
    recorder.accept();

    const deliveredIds = () => recorder.logs('delivered').map((l) => instanceId(l.record));
    await waitFor(() => new Set(deliveredIds()).size >= sent.size, {
      // Past the outage, the exporter's back-off (max_interval 30 s) bounds the wait.
      timeoutMs: 90_000,
      intervalMs: 250,
      describe: () => `${new Set(deliveredIds()).size} of ${sent.size} events delivered\n${pipeline.collector.tail()}`,
    });
    await pipeline.collector.stop('SIGTERM');

    const delivered = deliveredIds();
    const unique = new Set(delivered);
    const duplicates = delivered.length - unique.size;
    process.stderr.write(
      `[pipeline-outage] sent ${sent.size}; delivered ${delivered.length} records, ${unique.size} unique, ${duplicates} duplicate(s); ` +
        `${recorder.requests.filter((r) => r.status === 503).length} requests refused\n`,
    );
    expect(recorder.unreadable()).toEqual([]);
    expect([...unique].sort()).toEqual([...sent].sort());
  });
});

describe.skipIf(SKIP_NOTE !== undefined)('a Collector crash right after it acknowledged', () => {
  const pipeline = usePipeline('pipeline-ack');
  const { recorder } = pipeline;

  it('loses nothing the receiver acknowledged when killed the moment the SDK flush returns', async () => {
    // Refusing keeps anything from being delivered before the kill, so every
    // event must come from what was on disk when the Collector died. The
    // outage ends once the Collector is back, however long that took.
    recorder.refuse();
    const sent = new Set<string>();
    const sdk = sendOverOtlp(pipeline.receiver, 'ack-test', 'SIG-A', sent);
    await sdk.shutdown();
    expect(sdk.stats().problems.FACTLINE_EXPORT_FAILED ?? 0, 'the Collector refused the SDK').toBe(0);
    await pipeline.collector.stop('SIGKILL');
    expect(recorder.logs('delivered')).toEqual([]);
    await pipeline.collector.start();
    recorder.accept();

    const deliveredIds = () => new Set(recorder.logs('delivered').map((l) => instanceId(l.record)));
    await waitFor(() => deliveredIds().size >= sent.size, {
      timeoutMs: 90_000,
      intervalMs: 250,
      describe: () => `${deliveredIds().size} of ${sent.size} acknowledged events delivered after the SIGKILL\n${pipeline.collector.tail()}`,
    });
    expect([...deliveredIds()].sort()).toEqual([...sent].sort());
  });
});

if (SKIP_NOTE !== undefined) it.skip(`delivery through a backend outage and a Collector crash: ${SKIP_NOTE}`, () => {});
