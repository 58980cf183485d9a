import { join } from 'node:path';
import { z } from 'zod';
import { runIntentLoop } from '../../examples/intent-loop.js';
import { defineCatalog } from '../../src/catalog/index.js';
import { createEmitter } from '../../src/emitter/index.js';
import { createJsonlSink } from '../../src/sinks/jsonl/index.js';

/*
 * The events of the parity corpus, written by factline itself: one run of the
 * demo loop (examples/intent-loop.ts) into a chained events.jsonl and Intent's
 * flat file, and agent events with varied payloads (nested objects, arrays,
 * Go-escaped characters, durations, byte sizes, an invalid payload, keys
 * named like Object.prototype members) into
 * agent-events.jsonl.
 */

export const corpusCatalog = defineCatalog(
  {
    'agent.code.generated:1': z.object({
      file: z.string(),
      language: z.string(),
      confidence: z.number(),
      took: z.string(),
      size: z.string(),
      tokens: z.object({ prompt: z.int(), completion: z.int() }),
      tags: z.array(z.string()),
      summary: z.string(),
    }),
    'agent.code.generation_failed:1': z.object({
      file: z.string(),
      language: z.string(),
      confidence: z.number(),
      took: z.string(),
      size: z.string(),
      error: z.string(),
      attempt: z.int(),
    }),
    'agent.test.passed:1': z.object({ file: z.string(), took: z.string(), assertions: z.int() }),
    'agent.test.failed:1': z.object({ file: z.string(), took: z.string(), error: z.string() }),
  },
  { name: 'agent-corpus' },
);

const FILES = ['src/auth/login.ts', 'src/auth/token.ts', 'src/db/pool.ts', 'src/api/orders.ts', 'src/ui/café.tsx'];
const TOOK = ['250ms', '1.2s', '2s', '90ms', '3.5s', '1m'];
const SIZE = ['512B', '2KB', '12KB', '800B', '1.5MiB', '64KiB'];
const MODELS = ['claude-sonnet-4', 'gpt-5'];

/** Writes the corpus into `dir` with event times from `start` (epoch ms) over about twelve minutes. Returns the number of lines written. */
export async function writeCorpus(dir: string, start: number): Promise<number> {
  const intent = await runIntentLoop({
    start,
    pace: 1,
    file: join(dir, 'events.jsonl'),
    intentFile: join(dir, 'intent-events.jsonl'),
    otlp: false,
    // The service the Collector names Intent's flat lines (FACTLINE_FILE_SERVICE_NAME's default), so one selector finds the whole corpus.
    serviceName: 'factline',
    validation: 'strict',
    shutdownOnExit: false,
    registerGlobals: false,
  });
  await intent.shutdown();
  const loopEvents = intent.stats().emitted;

  const sink = createJsonlSink({ path: join(dir, 'agent-events.jsonl') });
  const emitter = createEmitter(corpusCatalog, { sinks: [sink], serviceName: 'factline', validation: 'report', onProblem: () => {} });
  let n = 0;
  for (let i = 0; i < 120; i++) {
    const time = start + 5_000 + i * 6_000;
    const file = FILES[i % FILES.length]!;
    const source = i % 7 === 6 ? ({ type: 'tool', name: 'verify' } as const) : ({ type: 'child_agent', model: MODELS[i % 2]!, name: 'coder' } as const);
    const opts = { time, source, ...(i % 5 === 0 ? { sessionId: `S-${i % 3}` } : {}), ...(i % 4 === 0 ? { traceKey: `TRACE-A${i % 3}` } : {}) };
    const confidence = Math.round(((i * 37) % 100) + (i % 3) * 0.5) / 100;
    const k = i % 6;
    if (k <= 2) {
      emitter.emit(
        'agent.code.generated:1',
        {
          file,
          language: i % 9 === 0 ? 'TypeScript' : 'typescript',
          confidence,
          took: TOOK[i % TOOK.length]!,
          size: SIZE[i % SIZE.length]!,
          tokens: { prompt: 1000 + ((i * 97) % 1000), completion: 200 + ((i * 53) % 600) },
          tags: ['agent', i % 2 === 0 ? 'auth' : 'db'],
          summary: i % 10 === 0 ? `validated <input> & output for ${file}` : `refactored ${file} (iteration ${i}), timeout raised`,
        },
        opts,
      );
    } else if (k === 3) {
      emitter.emit(
        'agent.code.generation_failed:1',
        {
          file,
          language: 'typescript',
          confidence,
          took: TOOK[(i + 1) % TOOK.length]!,
          size: SIZE[(i + 2) % SIZE.length]!,
          error: `TS2345 in ${file}: "string" is not assignable`,
          attempt: i % 3,
        },
        opts,
      );
    } else if (k === 4) {
      emitter.emit('agent.test.passed:1', { file: file.replace('src/', 'test/'), took: TOOK[(i + 2) % TOOK.length]!, assertions: 1 + (i % 17) }, opts);
    } else {
      emitter.emit(
        'agent.test.failed:1',
        { file: file.replace('src/', 'test/'), took: TOOK[(i + 3) % TOOK.length]!, error: i % 2 === 0 ? 'Timeout after 5000ms' : 'expected 2 to be 3' },
        opts,
      );
    }
    n++;
  }
  // One payload that fails validation: delivered flagged invalid (report mode).
  emitter.emit('agent.test.passed:1', { file: 'test/x.ts', took: 'fast', assertions: 'many' } as never, { time: start + 5_000 + 120 * 6_000 });
  n++;
  // Keys that are Object.prototype members, which Loki takes as ordinary label names: delivered flagged invalid (forbidden_key).
  emitter.emit(
    'agent.test.passed:1',
    JSON.parse(
      '{"file":"test/proto.ts","took":"1s","assertions":1,"__proto__":"x","constructor":"y","toString":"z","hasOwnProperty":"h","a":{"__proto__":"n"}}',
    ) as never,
    { time: start + 5_000 + 121 * 6_000 },
  );
  n++;
  await sink.shutdown();
  return loopEvents * 2 + n;
}
