/*
 * `npm run demo`: the README's main job. One simulated Intent loop, printed
 * in the one-line text form and written to `.factline/events.jsonl`
 * (factline's hash-chained format) and `.factline/intent-events.jsonl`
 * (Intent's flat format). With OTEL_EXPORTER_OTLP_ENDPOINT set it also ships
 * to that Collector; without it, nothing leaves the process. Each run has a
 * trace key of its own, so runs never share a trace, and the demo ends by
 * saying how many records each exporter acknowledged.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { verifyChain } from '../src/chain/index.js';
import { createLogExporter, createSpanExporter } from '../src/otel/exporters.js';
import { runIntentLoop } from './intent-loop.js';

export interface DemoOptions {
  /** Directory for the two files. Default `FACTLINE_DEMO_DIR`, else `.factline`. */
  dir?: string;
  /** The loop's trace key. Default: a new one per run (`TRACE-<UTC time>-<random>`). */
  traceKey?: string;
  /** Where the demo's own lines go. Default: stderr. */
  say?: (line: string) => void;
  /** Print each event's text form. Default true. */
  console?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface DemoResult {
  traceKey: string;
  emitted: number;
  /** Records each exporter acknowledged (`sent` handed to it). Absent when OTLP is off. */
  otlp?: { logs: Acks; traces: Acks };
  files: { events: number; chainOk: boolean };
}
interface Acks {
  sent: number;
  acknowledged: number;
}

/** A trace key no earlier run used: `TRACE-20260330T142000Z-9f2c`. */
export function newTraceKey(now = new Date()): string {
  return `TRACE-${now.toISOString().replace(/[-:]|\.\d+/g, '')}-${randomBytes(2).toString('hex')}`;
}

/** Counts what an exporter was handed and what it acknowledged (ExportResultCode.SUCCESS). */
function counted<E extends { export(items: never[], done: (r: ExportResult) => void): void }>(exporter: E, acks: Acks): E {
  const original = exporter.export.bind(exporter);
  exporter.export = ((items: never[], done: (r: ExportResult) => void) => {
    acks.sent += items.length;
    original(items, (r) => {
      if (r.code === ExportResultCode.SUCCESS) acks.acknowledged += items.length;
      done(r);
    });
  }) as E['export'];
  return exporter;
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const env = options.env ?? process.env;
  const dir = options.dir ?? env.FACTLINE_DEMO_DIR ?? '.factline';
  const say = options.say ?? ((line: string) => process.stderr.write(`factline demo: ${line}\n`));
  const traceKey = options.traceKey ?? newTraceKey();
  const file = `${dir}/events.jsonl`;
  const intentFile = `${dir}/intent-events.jsonl`;
  const otlp = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT);
  const acks = { logs: { sent: 0, acknowledged: 0 }, traces: { sent: 0, acknowledged: 0 } };
  const logExporter = otlp ? createLogExporter(env) : null;
  const spanExporter = otlp ? createSpanExporter(env) : null;

  say(
    `one Intent loop (${traceKey}) → console, ${file}, ${intentFile}${otlp ? `, OTLP ${env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT}` : ' (no OTLP: set OTEL_EXPORTER_OTLP_ENDPOINT to ship to a Collector)'}`,
  );
  const intent = await runIntentLoop({
    traceKey,
    otlp,
    ...(logExporter !== null ? { logExporter: counted(logExporter, acks.logs) } : { logExporter: null }),
    ...(spanExporter !== null ? { spanExporter: counted(spanExporter, acks.traces) } : { spanExporter: null }),
    file,
    intentFile,
    console: options.console ?? true,
    validation: 'strict',
    shutdownOnExit: false,
  });
  const stats = intent.stats();
  await intent.shutdown();
  const chain = await verifyChain(file);
  say(
    `${stats.emitted} events emitted, ${stats.invalid} invalid; ${file}: ${chain.ok ? `${chain.records} records in total, hash chain intact` : `chain broken at line ${chain.line}: ${chain.message}`}`,
  );
  say(`the loop's trace: ${traceKey} → W3C trace id in every event's trace_id`);
  if (otlp) {
    const line = (what: string, a: Acks) => `${a.acknowledged} of ${a.sent} ${what} acknowledged`;
    say(`OTLP: ${line('log records', acks.logs)}, ${line('spans', acks.traces)}`);
  }
  return {
    traceKey,
    emitted: stats.emitted,
    ...(otlp ? { otlp: acks } : {}),
    files: { events: chain.ok ? chain.records : chain.records_checked, chainOk: chain.ok },
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runDemo();
  const unacknowledged =
    result.otlp !== undefined && (result.otlp.logs.acknowledged < result.otlp.logs.sent || result.otlp.traces.acknowledged < result.otlp.traces.sent);
  if (!result.files.chainOk || unacknowledged) process.exitCode = 1;
}
