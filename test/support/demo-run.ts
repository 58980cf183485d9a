/**
 * One run of the demo loop (examples/intent-loop.ts) in memory: every log
 * record and span it emits, as the OTel SDK hands them to an exporter. The
 * figures the tests expect of the queries are derived from this run
 * (demo-figures.ts), so the loop is the one copy of what the demo does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryLogRecordExporter, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { runIntentLoop } from '../../examples/intent-loop.js';

export interface DemoRun {
  readonly records: readonly ReadableLogRecord[];
  readonly spans: readonly ReadableSpan[];
}

/**
 * Runs the loop once with in-memory exporters, strict validation and its
 * files in a temporary directory (removed afterwards).
 */
export async function runDemoInMemory(): Promise<DemoRun> {
  const logs = new InMemoryLogRecordExporter();
  const spans = new InMemorySpanExporter();
  const dir = mkdtempSync(join(tmpdir(), 'factline-demo-'));
  try {
    const intent = await runIntentLoop({
      logProcessors: [new SimpleLogRecordProcessor({ exporter: logs })],
      spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
      file: join(dir, 'events.jsonl'),
      intentFile: join(dir, 'intent-events.jsonl'),
      validation: 'strict',
      heartbeat: { serversActive: () => 3 },
      shutdownOnExit: false,
    });
    await intent.flush();
    const run = { records: [...logs.getFinishedLogRecords()], spans: [...spans.getFinishedSpans()] };
    await intent.shutdown();
    return run;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let once: Promise<DemoRun> | undefined;

/** The run every test module shares (the loop runs once per worker). */
export function demoRun(): Promise<DemoRun> {
  once ??= runDemoInMemory();
  return once;
}
