import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonLogsSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { Catalog } from '../../src/catalog/define.js';
import type { CatalogEntry } from '../../src/catalog/types.js';
import { createEmitter, type Emitter } from '../../src/emitter/index.js';
import type { EmitterOptions } from '../../src/emitter/options.js';
import type { FactlineEvent } from '../../src/envelope/event.js';
import type { RuntimeProblem } from '../../src/problems.js';
import { createConsoleSink } from '../../src/sinks/console/index.js';
import { createJsonlSink } from '../../src/sinks/jsonl/index.js';
import type { Sink } from '../../src/sinks/sink.js';
import { memoryPipeline } from '../helpers.js';

/**
 * An emitter wired to every kind of sink at once: the OTel SDK (in-memory
 * exporters), an events file, the console text form and a recorder, so a
 * test can compare what each of them got for one emit.
 */
export function everySink<D extends Record<string, CatalogEntry>>(catalog: Catalog<D>, options: EmitterOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'factline-every-'));
  const file = join(dir, 'events.jsonl');
  const pipeline = memoryPipeline('every-sink');
  const consoleLines: string[] = [];
  const recorded: FactlineEvent[] = [];
  const recorder: Sink = { name: 'recorder', write: (e) => void recorded.push(e) };
  const jsonl = createJsonlSink({ path: file, fsync: 'never' });
  const problems: RuntimeProblem[] = [];
  const emitter: Emitter<D> = createEmitter(catalog, {
    validation: 'report',
    onProblem: (p) => problems.push(p),
    serviceName: 'every-sink',
    ...options,
    sinks: [pipeline.sink, jsonl, createConsoleSink({ stream: { write: (s: string) => consoleLines.push(s) }, color: false }), recorder],
  });
  const tracer = pipeline.tracerProvider.getTracer('test');
  return {
    emitter,
    pipeline,
    tracer,
    file,
    consoleLines,
    recorded,
    problems,
    /** Log records as the SDK's in-memory exporter holds them. */
    logRecords: () => pipeline.logs.getFinishedLogRecords(),
    /** The OTLP/JSON request body the SDK's JSON exporter would send for the log records. */
    otlpLogsJson: (): string => new TextDecoder().decode(JsonLogsSerializer.serializeRequest(pipeline.logs.getFinishedLogRecords() as never)),
    /** The OTLP/JSON request body for the finished spans. */
    otlpTracesJson: (): string => new TextDecoder().decode(JsonTraceSerializer.serializeRequest(pipeline.spans.getFinishedSpans() as never)),
    /** Every line of the events file, flushed. */
    async fileLines(): Promise<string[]> {
      await jsonl.flush?.();
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '');
    },
    async close(): Promise<void> {
      await emitter.shutdown();
      await pipeline.shutdown();
    },
  };
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const UINT64_MAX = 18446744073709551615n;

/**
 * Every problem an OTLP/JSON request has that the Collector's decoder
 * rejects a whole batch for: an `intValue` outside int64, a `*UnixNano`
 * outside uint64. Numbers are read from the JSON text itself, so that a
 * value JavaScript would round is seen as written.
 */
export function otlpJsonProblems(json: string): string[] {
  const problems: string[] = [];
  for (const m of json.matchAll(/"intValue":\s*"?(-?[0-9.eE+]+)"?/g)) {
    const text = m[1]!;
    if (!/^-?\d+$/.test(text)) {
      problems.push(`intValue ${text} is not an integer literal`);
      continue;
    }
    const n = BigInt(text);
    if (n > INT64_MAX || n < INT64_MIN) problems.push(`intValue ${text} is outside int64`);
  }
  for (const m of json.matchAll(/"(\w*UnixNano)":\s*"?(-?[0-9.eE+]+)"?/g)) {
    const text = m[2]!;
    if (!/^\d+$/.test(text) || BigInt(text) > UINT64_MAX) problems.push(`${m[1]} ${text} is outside uint64`);
  }
  return problems;
}
