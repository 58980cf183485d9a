import { z } from 'zod';
import { defineCatalog } from '../../src/catalog/index.js';
import { createEmitter } from '../../src/emitter/emitter.js';
import { createJsonlSink } from '../../src/sinks/jsonl/index.js';

/** An agent's catalog: code generations (attempts) and the test runs they cause (outcomes). */
export const agentCatalog = defineCatalog(
  {
    'agent.code.generated:1': {
      schema: z.object({ file: z.string(), lines: z.int(), confidence: z.number().min(0).max(1) }),
      description: 'An agent wrote code.',
    },
    'agent.test.passed:1': { schema: z.object({ test: z.string() }), description: 'A test run passed.' },
    'agent.test.failed:1': { schema: z.object({ test: z.string(), reason: z.string() }), description: 'A test run failed.' },
    'agent.review.failed:1': { schema: z.object({ file: z.string(), reason: z.string() }), description: 'A generation was rejected in review, with its file.' },
  },
  { name: 'agent' },
);

export const MODEL = 'claude-sonnet-4';
export const OTHER_MODEL = 'gpt-5';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The history the feedback question is about, written by factline's own
 * emitter to a hash-chained events.jsonl:
 *
 * - 100 generations by MODEL in the last hour: 50 on src/auth/…, 50 on
 *   src/api/…; each causes one test run; 23 of the auth ones failed, none of
 *   the api ones. Each failed run is also a `agent.review.failed` carrying
 *   the file, for LogQL (which cannot follow causation ids).
 * - 20 older generations by MODEL, 3 days ago, on src/auth, all failed: not
 *   among the last 100, and outside a 1-day window.
 * - 10 generations by OTHER_MODEL on src/auth in the last hour, all failed.
 */
/** What writes the history: by default an emitter with only a JSONL sink at `path`. */
export type HistoryEmitter = Pick<ReturnType<typeof createEmitter<typeof agentCatalog.entries>>, 'emit' | 'shutdown'>;

export async function writeAgentHistory(path: string, now = Date.now(), setup?: () => HistoryEmitter): Promise<void> {
  const events = setup ? setup() : createEmitter(agentCatalog, { sinks: [createJsonlSink({ path, fsync: 'never' })], validation: 'strict' });
  const agent = (model: string) => ({ type: 'child_agent' as const, model, name: 'coder' });
  const generation = (model: string, at: number, file: string, failed: boolean) => {
    const gen = events.emit('agent.code.generated:1', { file, lines: 40, confidence: failed ? 0.82 : 0.95 }, { source: agent(model), time: at });
    if (failed) {
      events.emit(
        'agent.test.failed:1',
        { test: 'generated_code_tests', reason: 'assertion failed at line 34' },
        { source: agent(model), time: at + 500, causedBy: gen },
      );
      events.emit('agent.review.failed:1', { file, reason: 'tests failed' }, { source: agent(model), time: at + 600, causedBy: gen });
    } else {
      events.emit('agent.test.passed:1', { test: 'generated_code_tests' }, { source: agent(model), time: at + 500, causedBy: gen });
    }
  };
  for (let i = 0; i < 20; i++) generation(MODEL, now - 3 * DAY + i * 1000, `src/auth/old${i}.ts`, true);
  const start = now - HOUR + 60_000;
  for (let i = 0; i < 100; i++) {
    const auth = i % 2 === 0;
    const n = Math.floor(i / 2);
    generation(MODEL, start + i * 20_000, auth ? `src/auth/login${n}.ts` : `src/api/handler${n}.ts`, auth && n < 23);
  }
  for (let i = 0; i < 10; i++) generation(OTHER_MODEL, start + i * 20_000 + 7_000, `src/auth/session${i}.ts`, true);
  await events.shutdown();
}
